"""Staged rows regrouped by ``year=/month=`` partition into few, large Parquet files."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.io.atomic import BuildTree
from pipeline.io.card import CardStats
from pipeline.io.schema import UNDATED_PARTITION, partition_dir, partition_key
from pipeline.publish.settings import MAX_BUFFER_BYTES, ROWS_PER_FILE

#: Sort code ``year * 100 + month`` of rows without a date: their partition, ``(0, 0)``, sorts first.
_UNDATED = UNDATED_PARTITION[0] * 100 + UNDATED_PARTITION[1]


def partition_runs(table: pa.Table) -> Iterator[tuple[tuple[int, int], pa.Table]]:
    """``(year/month partition, rows)`` of ``table``, each partition's rows in table order.

    Tasks stage each part sorted by partition (see :class:`~pipeline.io.staging.StageStep`),
    so the rows of a partition are one zero-copy slice; other tables are sorted first.
    """
    dates = table.column("published_date")
    code = pc.fill_null(pc.add(pc.multiply(pc.year(dates), 100), pc.month(dates)), _UNDATED)
    codes = code.to_numpy()
    if len(codes) > 1 and np.any(codes[1:] < codes[:-1]):
        order = np.argsort(codes, kind="stable")
        table, codes = table.take(pa.array(order)), codes[order]
    cuts = np.flatnonzero(codes[1:] != codes[:-1]) + 1
    bounds = [0, *cuts.tolist(), len(codes)]
    for start, stop in itertools.pairwise(bounds):
        value = int(codes[start])
        yield (value // 100, value % 100), table.slice(start, stop - start)


def copied(table: pa.Table) -> pa.Table:
    """``table`` in buffers of its own (a slice otherwise shares its parent's): a ``take`` of
    every row gathers the values into new buffers, cheaper than concatenating and combining."""
    return table.take(pa.array(np.arange(table.num_rows)))


class PartitionWriter:
    """Collects the rows of every ``year=/month=`` partition across staging parts and writes
    few, larger files: a partition is written when it reaches :data:`ROWS_PER_FILE` rows,
    the largest buffers when all together pass :data:`MAX_BUFFER_BYTES`, the rest at the end.
    Memory is bounded by that cap whatever the size of the run."""

    def __init__(self, tree: BuildTree, root: Path, prefix: str = "part-000-") -> None:
        self.tree = tree
        self.root = root
        self.prefix = prefix
        self.stats = CardStats()
        self.buffers: dict[tuple[int, int], list[pa.Table]] = defaultdict(list)
        self.rows: dict[tuple[int, int], int] = defaultdict(int)
        self.sizes: dict[tuple[int, int], int] = defaultdict(int)
        self.files: dict[tuple[int, int], int] = defaultdict(int)
        self.counts: dict[str, int] = defaultdict(int)
        self.buffered = 0

    def add_table(self, table: pa.Table) -> None:
        """Every partition's rows of ``table``, held back (or written, past the caps)."""
        for key, rows in partition_runs(table):
            # a slice keeps its whole part alive (and the buffer cap counts the whole part):
            # copy the small ones, so the rows held back cost about what they hold
            self.add(key, rows if 2 * rows.num_rows >= table.num_rows else copied(rows))

    def add(self, key: tuple[int, int], table: pa.Table) -> None:
        self.buffers[key].append(table)
        self.rows[key] += table.num_rows
        # the buffers the table keeps alive (a slice: its parent's), and cheaper to get than
        # ``nbytes``, which walks a slice's offsets
        size = table.get_total_buffer_size()
        self.sizes[key] += size
        self.buffered += size
        if self.rows[key] >= ROWS_PER_FILE:
            self.write(key)
        while self.buffered > MAX_BUFFER_BYTES:
            self.write(max(self.sizes, key=self.sizes.__getitem__))

    def write(self, key: tuple[int, int]) -> None:
        tables = self.buffers.pop(key)
        self.buffered -= self.sizes.pop(key)
        rows = self.rows.pop(key)
        target = self.root / partition_dir(*key) / f"{self.prefix}{self.files[key]:05d}.parquet"
        table = pa.concat_tables(tables) if len(tables) > 1 else tables[0]
        self.stats.add(table)
        self.tree.write_parquet(table, target)
        self.files[key] += 1
        self.counts[partition_key(*key)] += rows

    def close(self) -> dict[str, int]:
        for key in sorted(self.buffers):
            self.write(key)
        return dict(self.counts)
