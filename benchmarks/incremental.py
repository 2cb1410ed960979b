"""Incremental runs: adding a few inputs to a dataset against rebuilding it.

A is every item of ``../shared/data/indomain`` (3,850 real items in 9 JSONL files), B the
first ``--add`` items of ``labels/train.jsonl`` (real items of the same outlets, some of them
copies of A items).  Each round times, as whole ``zhnews run`` processes (start-up included):

* clean: ``zhnews run A B -o CLEAN`` into an empty folder;
* incremental: ``zhnews run A B -o OUT`` where OUT holds a finished ``zhnews run A -o OUT``
  (copied fresh each round; the copy is not timed).

Wall time and CPU time (user + system of the run and its workers: steadier on a busy machine).

The two are alternated (order swapped every round) and medians reported, with the median of
the same-round ratios.  The first round also checks that both datasets hold the same rows.

    python benchmarks/incremental.py [--runs 5] [--add 150] [--workers N]
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._shared import shared_data_dir  # noqa: E402


def _zhnews(*args: str, workers: int | None) -> list[str]:
    exe = shutil.which("zhnews")
    if exe is None:
        sys.exit("the zhnews command is not installed: pip install -e . first")
    extra = ["--workers", str(workers)] if workers else []
    return [exe, "run", *args, "--quiet", *extra]


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system, the run's worker processes included)."""
    cpu, started = _cpu(), time.perf_counter()
    subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True)
    return time.perf_counter() - started, _cpu() - cpu


def _inputs(work: Path, add: int) -> None:
    data = shared_data_dir()
    (work / "A").mkdir()
    (work / "B").mkdir()
    for path in sorted((data / "indomain").glob("*.jsonl")):
        shutil.copy(path, work / "A" / path.name)
    with (data / "labels" / "train.jsonl").open(encoding="utf-8") as source:
        lines = [line for _, line in zip(range(add), source, strict=False)]
    (work / "B" / "added.jsonl").write_text("".join(lines), encoding="utf-8")


def _rows(out: Path) -> list[str]:
    import pyarrow.dataset as ds

    table = ds.dataset(out / "articles", format="parquet", partitioning="hive").to_table()
    return sorted(json.dumps(row, sort_keys=True, default=str, ensure_ascii=False) for row in table.to_pylist())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--add", type=int, default=150, help="items of B")
    parser.add_argument("--workers", type=int, help="worker processes (default: zhnews's default)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="zhnews-incremental-") as tmp:
        work = Path(tmp)
        _inputs(work, args.add)
        subprocess.run(_zhnews("A", "-o", "base", workers=args.workers), cwd=work, check=True)
        clean_times: list[tuple[float, float]] = []
        incremental_times: list[tuple[float, float]] = []
        for round_ in range(args.runs):
            shutil.rmtree(work / "clean", ignore_errors=True)
            shutil.rmtree(work / "out", ignore_errors=True)
            shutil.copytree(work / "base", work / "out")
            order = ["clean", "incremental"] if round_ % 2 == 0 else ["incremental", "clean"]
            for name in order:
                if name == "clean":
                    clean_times.append(_timed(_zhnews("A", "B", "-o", "clean", workers=args.workers), work))
                else:
                    incremental_times.append(_timed(_zhnews("A", "B", "-o", "out", workers=args.workers), work))
            if round_ == 0:
                same = _rows(work / "clean") == _rows(work / "out")
                counts = json.loads((work / "out" / "manifest.json").read_text(encoding="utf-8"))["counts"]
                print(f"rows {counts['rows']}, tasks run {counts['tasks'] - counts['tasks_reused']} "
                      f"of {counts['tasks']}; incremental rows equal clean rows: {same}", flush=True)
            (clean_wall, clean_cpu), (inc_wall, inc_cpu) = clean_times[-1], incremental_times[-1]
            print(f"round {round_ + 1}: clean {clean_wall:.2f} s ({clean_cpu:.2f} CPU-s), "
                  f"incremental {inc_wall:.2f} s ({inc_cpu:.2f} CPU-s)", flush=True)
        for index, what in ((0, "wall"), (1, "CPU")):
            clean = [t[index] for t in clean_times]
            incremental = [t[index] for t in incremental_times]
            ratios = [c / i for c, i in zip(clean, incremental, strict=True)]
            print(f"{what}: median clean {statistics.median(clean):.2f} s, incremental "
                  f"{statistics.median(incremental):.2f} s; clean / incremental {statistics.median(ratios):.2f}x "
                  f"(median of same-round ratios, {min(ratios):.2f}-{max(ratios):.2f}x)")

if __name__ == "__main__":
    main()
