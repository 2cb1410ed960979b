"""Time the article filters (pushed down to the Parquet scan) against loading the articles into
pandas and filtering there, on the same run folder and the same selections; also ``zhnews kwic``.

Usage: python benchmarks/bench_filters.py RUN_DIR [--repeats 5]
(RUN_DIR: the output of ``zhnews run ../shared/data/indomain``).  Prints, per selection, the rows
kept, the median seconds of both ways and their ratio, and the peak Arrow memory of each.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time
from collections.abc import Callable
from pathlib import Path

COLUMNS = ["doc_id", "published_date", "source", "title", "topics", "relevant", "is_canonical", "text"]


def _median(fn: Callable[[], int], repeats: int) -> tuple[float, int]:
    times, rows = [], 0
    for _ in range(repeats):
        start = time.perf_counter()
        rows = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), rows


def _peak_arrow_bytes(fn: Callable[[], int]) -> int:
    import pyarrow as pa

    pool = pa.default_memory_pool()
    pool.release_unused()
    before = pool.max_memory()  # jemalloc/mimalloc report the process peak: measure the growth
    fn()
    return max(0, (pool.max_memory() or 0) - (before or 0))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("run_dir", type=Path)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    import pandas as pd

    from pipeline.query.filters import ArticleFilter, read_table
    from pipeline.query.kwic import kwic

    run = args.run_dir
    glob = str(run / "articles")
    selections = {
        "2020 Feb-Mar, relevant": (
            ArticleFilter(since=dt.date(2020, 2, 1), until=dt.date(2020, 3, 31), relevant_only=True),
            lambda f: f[(f.published_date >= dt.date(2020, 2, 1)) & (f.published_date <= dt.date(2020, 3, 31))
                        & f.relevant.fillna(False)],
        ),
        "topic protection, canonical": (
            ArticleFilter(topics=("protection",), canonical_only=True),
            lambda f: f[f.topics.map(lambda t: "protection" in list(t)) & f.is_canonical.fillna(True)],
        ),
        "substring 津贴": (
            ArticleFilter(query="津贴", substring=True),
            lambda f: f[f.text.str.contains("津贴", regex=False, na=False)],
        ),
    }
    print("| selection | rows | filter pushed down (s) | pandas load + filter (s) | ratio |")
    print("| --- | --- | --- | --- | --- |")
    for name, (flt, by_pandas) in selections.items():
        bound = flt.for_run(run)
        ours, rows = _median(lambda b=bound: read_table(run, COLUMNS, b).num_rows, args.repeats)
        peer, peer_rows = _median(lambda p=by_pandas: len(p(pd.read_parquet(glob, columns=COLUMNS))), args.repeats)
        assert rows == peer_rows, (name, rows, peer_rows)
        print(f"| {name} | {rows} | {ours:.3f} | {peer:.3f} | {peer / ours:.1f}× faster |")
    seconds, hits = _median(lambda: sum(1 for _ in kwic(run, "医生", 20)), args.repeats)
    print(f"\nkwic 医生 (whole words): {hits} hits in {seconds:.2f} s (median of {args.repeats})")


if __name__ == "__main__":
    main()
