"""A background process that loads or trains a model and scores the pool with it.

Training and scoring are CPU-bound for seconds to minutes; in a process of their own they
never hold the web server's interpreter lock.  The worker reads the pool once (keeping a run
folder's tokens, so items are not segmented again at each rescoring) and answers jobs in
order; a listener thread in the app's process hands each result to a callback.

Jobs and results are plain dicts:

- ``{"job": n, "kind": "load", "model_dir": str}`` -> ``{"job", "kind": "scores", ...}``
- ``{"job": n, "kind": "fit", "records": [...], "cv": bool}`` -> ``{"kind": "scores", ...}``,
  then, when ``cv``, ``{"job", "kind": "cv", "cv": {...}}``

and ``{"job", "kind": "error", "message"}`` when a job fails.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import queue
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

Result = dict[str, Any]


class Retrainer:
    """Owns the worker process; :meth:`submit` queues a job, results go to ``on_result``."""

    def __init__(self, pool_path: str | Path, taxonomy: Any, on_result: Callable[[Result], None]) -> None:
        ctx = mp.get_context("spawn")  # the app's process has threads: never fork it
        self._jobs = ctx.Queue()
        self._results = ctx.Queue()
        self._on_result = on_result
        self._process = ctx.Process(
            target=_worker, args=(str(pool_path), taxonomy, self._jobs, self._results),
            name="zhnews-label-retrainer", daemon=True,
        )
        self._listener = threading.Thread(target=self._listen, name="zhnews-label-results", daemon=True)

    def start(self) -> None:
        self._process.start()
        self._listener.start()

    def submit(self, job: dict[str, Any]) -> None:
        self._jobs.put(job)

    def close(self) -> None:
        """Stop the worker (at once, even in the middle of a job) and the listener."""
        if self._process.is_alive():
            self._process.terminate()
        self._process.join(timeout=10)
        self._jobs.cancel_join_thread()  # its reader is gone: queued jobs are dropped
        self._results.put(None)
        self._listener.join(timeout=10)

    def _listen(self) -> None:
        while True:
            try:
                result = self._results.get(timeout=1.0)
            except queue.Empty:
                if not self._process.is_alive() and self._process.exitcode not in (None, 0, -15):
                    log.error("the retraining process died (exit code %s)", self._process.exitcode)
                    self._on_result({"job": None, "kind": "error", "message": "the retraining process died"})
                    return
                continue
            if result is None:
                return
            try:
                self._on_result(result)
            except Exception:  # a bad result must not end the listener
                log.exception("handling a retraining result failed")


def _worker(pool_path: str, taxonomy: Any, jobs: Any, results: Any) -> None:
    """The worker process: read the pool once, then answer jobs until ``None``."""
    from pipeline.label import model as clf
    from pipeline.label.pool import read_pool

    pool = read_pool(pool_path, keep_tokens=True)
    keys = taxonomy.keys
    while (job := jobs.get()) is not None:
        try:
            for result in _run(job, pool, taxonomy, keys, clf):
                results.put(result)
        except Exception as exc:  # noqa: BLE001 - reported to the page; the worker goes on
            results.put({"job": job["job"], "kind": "error", "message": f"{type(exc).__name__}: {exc}"})


def _run(job: dict[str, Any], pool: Any, taxonomy: Any, keys: list[str], clf: Any):
    t0 = time.perf_counter()
    if job["kind"] == "load":
        model = clf.load_model(job["model_dir"])
        reason = clf.incompatibility(model, keys)
        if reason:
            raise ValueError(f"model {job['model_dir']} cannot score this taxonomy: {reason}")
    else:
        model = clf.fit(job["records"], taxonomy)
    fit_seconds = time.perf_counter() - t0
    scores = clf.score(model, pool.records, keys, simplified=pool.simplified)
    yield {
        "job": job["job"], "kind": "scores", "version": clf.model_version(model), "scores": scores,
        "fit_seconds": round(fit_seconds, 2), "score_seconds": round(time.perf_counter() - t0 - fit_seconds, 2),
    }
    if job.get("cv"):
        t1 = time.perf_counter()
        cv = clf.cv_score(job["records"], taxonomy)
        cv["seconds"] = round(time.perf_counter() - t1, 2)
        yield {"job": job["job"], "kind": "cv", "cv": cv}
