"""Time ``zhnews report`` and ``zhnews export --format csv`` on a run folder; DuckDB's CSV COPY as the peer.

Usage: python benchmarks/bench_report_export.py RUN_DIR [--repeats 3]
(RUN_DIR: the output of ``zhnews run ../shared/data/indomain``).  Prints medians and ratios.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path


def _median_seconds(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("run_dir", type=Path)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    import duckdb

    from pipeline.io.export import export_to_path
    from pipeline.report.html import write_report
    from pipeline.report.load import load_run

    out = Path(tempfile.mkdtemp())
    glob = str(args.run_dir / "articles" / "**" / "*.parquet")
    report = _median_seconds(lambda: write_report(load_run(args.run_dir), out / "r.html"), args.repeats)
    ours = _median_seconds(lambda: export_to_path(args.run_dir, "csv", out / "a.csv"), args.repeats)
    peer = _median_seconds(lambda: duckdb.sql(
        f"COPY (SELECT * FROM read_parquet('{glob}', hive_partitioning=true)) TO '{out / 'd.csv'}' (HEADER)"),
        args.repeats)
    print(f"report (load + 8 views + HTML): {report:.2f} s")
    print(f"export csv: zhnews {ours:.2f} s, duckdb COPY {peer:.2f} s, ratio {ours / peer:.1f}x")


if __name__ == "__main__":
    main()
