"""Per-process counters of ``zhnews run``: CPU, page faults and context switches by role.

Each run is a fresh ``zhnews run`` subprocess under ``perf record`` (Linux ``perf``; software
events only, so it works where a virtual machine offers no hardware counters): CPU time sampled
every millisecond, every context switch, every 100th page fault, each attributed to the process
it happened in.  The processes are sorted into roles from perf's fork and exec records: the
**driver**, the fork **server**, the **reader** (the server's first child, which reads the model
while the server sets the other steps up; with several workers only), the task **workers** (the
server's other children) and **light** processes (the resource tracker, spawned pools).

The rounds run every tree with 1 and 2 workers, alternating the trees' order. The figures that
do not depend on the machine's load are the page faults and which role does what; CPU seconds
stretch when other work shares the cores, so compare them within a round (the report gives each
round's CPU ratio of 1 worker over 2).

    python benchmarks/counters.py --mb 60 --runs 3 --trees now=.,before=DIR

``DIR`` holds another ``pipeline`` package (``git archive <commit> pipeline models | tar -x -C DIR``).
"""

from __future__ import annotations

import argparse
import collections
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _shared import REPO_ROOT  # noqa: E402
from throughput import corpus_for, parse_trees  # noqa: E402

EVENTS = ["-e", "task-clock/period=1000000/", "-e", "context-switches/period=1/", "-e", "page-faults/period=100/"]
#: what one sample of each event stands for (task-clock: 1 ms; page faults: 100 of them)
WEIGHT = {"task-clock": 0.001, "context-switches": 1, "page-faults": 100}


def _roles(script: str, workers: int) -> dict[str, collections.Counter[str]]:
    """Event totals by role from ``perf script -F pid,event --show-task-events`` output."""
    parent: dict[int, int] = {}
    order: dict[int, int] = {}
    execed: set[int] = set()
    counts: dict[int, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    root = None
    for line in script.splitlines():
        if fork := re.search(r"PERF_RECORD_FORK\((\d+):(\d+)\):\((\d+):\d+\)", line):
            child, thread, father = map(int, fork.groups())
            if child == thread and child not in parent:  # a process, not a thread
                parent[child] = father
                order[child] = len(order)
        elif exec_ := re.search(r"PERF_RECORD_COMM exec: \S+:(\d+)/", line):
            execed.add(int(exec_.group(1)))
            root = root or int(exec_.group(1))
        elif "PERF_RECORD" not in line and (sample := re.match(r"\s*(\d+)/\d+\s+([\w-]+)", line)):
            counts[int(sample.group(1))][sample.group(2)] += 1

    def role(pid: int) -> str:
        if pid == root:
            return "driver"
        father = parent.get(pid)
        if father == root and pid in execed:  # started by the driver: the server has children
            return "server" if any(p == pid for p in parent.values()) else "light"
        if father is not None and role(father) == "server":
            first = min((c for c, p in parent.items() if p == father), key=order.__getitem__)
            return "reader" if pid == first and workers > 1 else "worker"
        return "other" if father is None else role(father)

    by_role: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for pid, events in counts.items():
        by_role[role(pid)].update(events)
    return by_role


def one_run(tree: Path, corpus: Path, out: Path, workers: int, data: Path) -> dict[str, dict[str, float]]:
    """One ``zhnews run`` of the ``pipeline`` package in ``tree`` under ``perf record``."""
    shutil.rmtree(out, ignore_errors=True)
    cmd = ["perf", "record", "-q", *EVENTS, "-o", str(data), "--", sys.executable, "-m", "pipeline", "run",
           str(corpus), "-o", str(out), "--workers", str(workers), "--quiet"]
    done = subprocess.run(cmd, cwd=tree, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    if done.returncode not in (0, 3):
        raise RuntimeError(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr.decode()[-2000:]}")
    shutil.rmtree(out, ignore_errors=True)
    script = subprocess.run(["perf", "script", "-i", str(data), "-F", "pid,tid,event", "--show-task-events"],
                            capture_output=True, text=True, check=True).stdout
    data.unlink()
    report = {role: {event: round(n * WEIGHT.get(event, 1), 3) for event, n in events.items()}
              for role, events in sorted(_roles(script, workers).items())}
    report["total"] = {event: round(sum(r.get(event, 0) for r in report.values()), 3) for event in WEIGHT}
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=None, help="a folder of inputs (default: build one, --mb)")
    parser.add_argument("--mb", type=float, default=60, help="MB of input files of the corpus built when no --corpus is given")
    parser.add_argument("--runs", type=int, default=3, help="rounds (each runs every tree with 1 and 2 workers)")
    parser.add_argument("--trees", default="now=.", help="name=DIR list of folders holding a `pipeline` package")
    parser.add_argument("--tmp", default=None)
    args = parser.parse_args()
    if shutil.which("perf") is None:
        sys.exit("perf not found (linux-perf / linux-tools)")

    trees = parse_trees(args.trees, REPO_ROOT)
    runs: dict[tuple[str, int], list[dict[str, dict[str, float]]]] = collections.defaultdict(list)
    with tempfile.TemporaryDirectory(prefix="zhnews-counters-", dir=args.tmp) as tmp:
        corpus = corpus_for(args.corpus, tmp, args.mb)
        for round_ in range(args.runs):
            for name, tree in trees if round_ % 2 == 0 else trees[::-1]:
                reports = {}
                for workers in (1, 2):
                    reports[workers] = one_run(tree, corpus, Path(tmp) / "out", workers, Path(tmp) / "perf.data")
                    runs[(name, workers)].append(reports[workers])
                cpu_ratio = reports[1]["total"]["task-clock"] / reports[2]["total"]["task-clock"]
                print(json.dumps({"round": round_, "tree": name, "cpu_1w_over_2w": round(cpu_ratio, 3),
                                  **{f"{w}w": r for w, r in reports.items()}}), flush=True)
    medians: dict[str, Any] = {}
    for (name, workers), reports in sorted(runs.items()):
        roles = sorted({role for r in reports for role in r})
        medians[f"{name} {workers}w"] = {
            role: {event: round(statistics.median(r.get(role, {}).get(event, 0) for r in reports), 3) for event in WEIGHT}
            for role in roles}
    print(json.dumps({"medians": medians}, indent=1))


if __name__ == "__main__":
    main()
