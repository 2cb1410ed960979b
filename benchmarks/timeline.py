"""Per-process CPU timeline of ``zhnews run``: where a core idles, before the first task and after the last.

Each run is a fresh ``zhnews run`` subprocess (one per source tree, alternated round by round);
every 0.05 s the CPU time (user + system) of the driver and of each process it started is
read from ``/proc`` (Linux). The processes are sorted into roles: the driver, the fork server, task
workers (the fork server's children), and light processes (spawned pools). From the samples:

* **head**: from the start of the run to the first sample where a task worker's CPU grows;
* **map**: from there to the last sample where a task worker's CPU grows;
* **tail**: from there to the end of the run (the global stages after the map and publishing);

and for each phase its wall seconds, its CPU seconds (all processes) and the cores it kept busy
(CPU / wall). On a machine shared with other work the wall seconds stretch; the CPU seconds of a
phase, and how they split over the processes, are what carries over. ``--bins`` prints the
cores busy per role in bins of that many seconds.

    python benchmarks/timeline.py --mb 60 --workers 2 --runs 3 --trees now=.,before=DIR
    python benchmarks/timeline.py --corpus DIR2 --workers 2 --runs 1 --bins 0.5

``--mb`` builds the corpus of ``benchmarks/throughput.py --mb N --text-mb 0`` in a temporary folder;
``--corpus`` runs on a folder of inputs as it is.

``DIR`` holds another ``pipeline`` package (``git archive <commit> pipeline models | tar -x -C DIR``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _shared import REPO_ROOT  # noqa: E402
from throughput import adopt_orphans, corpus_for, parse_trees, reap_orphans  # noqa: E402

#: Seconds between samples.
PERIOD = 0.05


_TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, CPU seconds: user + system) of ``pid`` from ``/proc``, or None once it is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return None
    fields = raw[raw.rindex(b")") + 2:].split()
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / _TICK


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            found.extend(int(c) for c in (task / "children").read_bytes().split())
    except OSError:
        pass
    return found


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


class Sampler:
    """CPU seconds of every process of a run's tree, sampled every :data:`PERIOD` seconds from
    ``/proc`` (cheap: psutil's scan of every process costs a sizeable share of a core at this rate)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.started = time.perf_counter()
        self.samples: list[tuple[float, dict[int, tuple[str, float]]]] = []
        self._roles: dict[int, str] = {pid: "driver"}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _role(self, pid: int, parent: int) -> str:
        parent_role = self._roles.get(parent)
        if parent_role == "server":  # forked by the fork server: a task worker (same command line)
            return "worker"
        cmdline = _cmdline(pid)
        if "forkserver" in cmdline:
            return "server"
        if "resource_tracker" in cmdline:
            return "tracker"
        return "light"

    def _run(self) -> None:
        alive = {self.pid}
        while not self._stop.is_set():
            now = time.perf_counter() - self.started
            seen: dict[int, tuple[str, float]] = {}
            # parents before their children, so a child's role can follow its parent's
            order: list[int] = []
            queue = sorted(alive)
            while queue:
                pid = queue.pop(0)
                if pid in order:
                    continue
                order.append(pid)
                queue.extend(_children(pid))
            alive.update(order)
            for pid in order:
                stat = _stat(pid)
                if stat is None:
                    alive.discard(pid)
                    continue
                if pid not in self._roles:
                    self._roles[pid] = self._role(pid, stat[0])
                seen[pid] = (self._roles[pid], stat[1])
            if self.pid not in seen and not alive:
                break
            self.samples.append((now, seen))
            self._stop.wait(PERIOD)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return time.perf_counter() - self.started


def _cpu_by_role(samples: list[tuple[float, dict[int, tuple[str, float]]]]) -> list[tuple[float, dict[str, float]]]:
    """For each sample, the CPU seconds each role has used so far (a process keeps its last
    sampled figure after it exits)."""
    last: dict[int, tuple[str, float]] = {}
    out = []
    for at, seen in samples:
        last.update(seen)
        roles: dict[str, float] = {}
        for role, cpu in last.values():
            roles[role] = roles.get(role, 0.0) + cpu
        out.append((at, roles))
    return out


def _last_seen(samples: list[tuple[float, dict[int, tuple[str, float]]]]) -> dict[str, float]:
    last: dict[str, float] = {}
    for at, seen in samples:
        for role, _ in seen.values():
            last[role] = at
    return last


def phases(samples: list[tuple[float, dict[int, tuple[str, float]]]], wall: float,
           cpu_total: float, bins: float = 0.0) -> dict[str, Any]:
    """Head, map and tail of one run (see the module's docstring), with the driver's share."""
    series = _cpu_by_role(samples)
    worker = [roles.get("worker", 0.0) for _, roles in series]
    grew = [i for i in range(1, len(series)) if worker[i] > worker[i - 1] + 1e-9]
    if not grew:  # one worker: the tasks run in the driver
        first, last = 0, len(series) - 1
    else:
        first, last = grew[0] - 1, grew[-1]
    t_first, t_last = series[first][0], series[last][0]
    at_first, at_last, at_end = series[first][1], series[last][1], series[-1][1]

    def total(roles: dict[str, float]) -> float:
        return sum(roles.values())

    def phase(start: float, stop: float, cpu: float, driver: float) -> dict[str, float]:
        span = max(stop - start, 1e-9)
        return {"wall": round(span, 3), "cpu": round(cpu, 3), "cores": round(cpu / span, 3),
                "driver_cpu": round(driver, 3)}

    sampled = total(at_end)
    # CPU that the samples missed (processes' last moments, orphans reaped after the run) is
    # counted in the tail, where the run's processes exit
    missed = max(0.0, cpu_total - sampled)
    report = {
        "wall": round(wall, 3), "cpu": round(cpu_total, 3), "cores": round(cpu_total / wall, 3),
        "head": phase(0.0, t_first, total(at_first), at_first.get("driver", 0.0)),
        "map": phase(t_first, t_last, total(at_last) - total(at_first),
                     at_last.get("driver", 0.0) - at_first.get("driver", 0.0)),
        "tail": phase(t_last, wall, total(at_end) - total(at_last) + missed,
                      at_end.get("driver", 0.0) - at_last.get("driver", 0.0)),
        "cpu_by_role": {r: round(v, 3) for r, v in sorted(at_end.items())},
        # how long before the end of the run (all its processes gone) each role was last seen
        "gone_before_end": {r: round(wall - t, 3) for r, t in sorted(_last_seen(samples).items())},
    }
    if bins:
        rows = []
        edge, previous = bins, series[0][1]
        for at, roles in series:
            if at >= edge:
                rows.append([round(edge - bins, 2)] + [round((roles.get(r, 0.0) - previous.get(r, 0.0)) / bins, 2)
                                                       for r in ("driver", "server", "worker", "light")])
                previous, edge = roles, edge + bins
        report["bins"] = {"columns": ["from_s", "driver", "server", "worker", "light"], "rows": rows}
    return report


def one_run(tree: Path, corpus: Path, out: Path, workers: int, bins: float) -> dict[str, Any]:
    """One ``zhnews run`` of the ``pipeline`` package in ``tree``, sampled."""
    import resource

    shutil.rmtree(out, ignore_errors=True)
    cmd = [sys.executable, "-m", "pipeline", "run", str(corpus), "-o", str(out), "--workers", str(workers), "--quiet"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.Popen(cmd, cwd=tree, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    sampler = Sampler(proc.pid)
    _, err = proc.communicate()
    wall = sampler.stop()
    reap_orphans()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 3):
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}): {err.decode()[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    report = phases(sampler.samples, wall, cpu, bins)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    timings = manifest.get("stage_seconds", {})
    report["manifest"] = {k: timings[k] for k in ("dedup_after_tasks", "publish") if k in timings}
    report["rows"] = manifest["counts"]["rows"]
    shutil.rmtree(out, ignore_errors=True)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=None, help="a folder of inputs (default: build one, --mb)")
    parser.add_argument("--mb", type=float, default=60, help="MB of input files of the corpus built when no --corpus is given")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3, help="rounds (each runs every tree once, order alternated)")
    parser.add_argument("--trees", default="now=.", help="name=DIR list of folders holding a `pipeline` package")
    parser.add_argument("--bins", type=float, default=0.0, help="also print cores busy per role in bins of this many seconds")
    parser.add_argument("--tmp", default=None)
    args = parser.parse_args()

    trees = parse_trees(args.trees, REPO_ROOT)
    adopt_orphans()
    results: dict[str, list[dict[str, Any]]] = {}
    with tempfile.TemporaryDirectory(prefix="zhnews-timeline-", dir=args.tmp) as tmp:
        corpus = corpus_for(args.corpus, tmp, args.mb)
        for round_ in range(args.runs):
            order = trees if round_ % 2 == 0 else trees[::-1]
            for name, tree in order:
                report = one_run(tree, corpus, Path(tmp) / "out", args.workers, args.bins)
                results.setdefault(name, []).append(report)
                print(json.dumps({"round": round_, "tree": name, **report}), flush=True)
    summary = {}
    for name, runs in results.items():
        summary[name] = {
            f"{phase}_{key}": round(statistics.median(r[phase][key] for r in runs), 3)
            for phase in ("head", "map", "tail") for key in ("wall", "cpu", "cores", "driver_cpu")
        } | {"wall": round(statistics.median(r["wall"] for r in runs), 3),
             "cpu": round(statistics.median(r["cpu"] for r in runs), 3),
             "cores": round(statistics.median(r["cores"] for r in runs), 3)}
    print(json.dumps({"medians": summary}, indent=1))


if __name__ == "__main__":
    main()
