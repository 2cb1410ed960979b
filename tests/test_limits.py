"""The per-document time limit off the main thread (Dask worker threads): one watchdog thread."""

from __future__ import annotations

import threading
import time

from pipeline.limits import DocumentTimeout, time_limit


def _in_thread(target) -> list[str]:  # type: ignore[no-untyped-def]
    outcome: list[str] = []
    thread = threading.Thread(target=target, args=(outcome,))
    thread.start()
    thread.join(20)
    assert not thread.is_alive()
    return outcome


def test_many_limits_share_one_watchdog_and_a_late_one_still_fires() -> None:
    def work(outcome: list[str]) -> None:
        for _ in range(2000):  # documents that finish in time: nothing fires
            with time_limit(5):
                sum(range(50))
        try:
            with time_limit(0.2):
                while True:
                    pass
        except DocumentTimeout:
            outcome.append("stopped")

    assert _in_thread(work) == ["stopped"]
    watchdogs = [t for t in threading.enumerate() if t.name == "zhnews-time-limit"]
    assert len(watchdogs) == 1


def test_each_thread_gets_its_own_deadline() -> None:
    results: dict[str, str] = {}

    def runner(name: str, limit: float, busy: float) -> None:
        try:
            with time_limit(limit):
                end = time.monotonic() + busy
                while time.monotonic() < end:
                    pass
            results[name] = "finished"
        except DocumentTimeout:
            results[name] = "stopped"

    threads = [threading.Thread(target=runner, args=("slow", 0.3, 5.0)),
               threading.Thread(target=runner, args=("quick", 10.0, 0.6))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert results == {"slow": "stopped", "quick": "finished"}


def test_a_limit_that_did_not_fire_leaves_nothing_pending() -> None:
    def work(outcome: list[str]) -> None:
        with time_limit(0.05):
            pass
        time.sleep(0.3)  # past the old deadline: no stray exception arrives
        outcome.append("clean")

    assert _in_thread(work) == ["clean"]
