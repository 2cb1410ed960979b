"""The written dataset: staging parts in, hive-partitioned articles and rejects out.

The per-document pass writes ``_staging/<task>/articles-*.parquet``; global steps read the
columns they need from there; :func:`publish` then writes the final
``articles/year=YYYY/month=MM/part-NNNNN.parquet`` files (dedup columns filled in; rows of all
tasks gathered per partition, so a partition has few files) and ``rejects/part-00000.parquet``
into a fresh folder and swaps it in, so readers see either the previous complete dataset or
the new one.
"""

from __future__ import annotations

import shutil
import time
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipeline.io.atomic import BuildTree, atomic_write
from pipeline.io.schema import ARTICLE_SCHEMA, REJECT_SCHEMA, partition_of

ARTICLES = "articles"
REJECTS = "rejects"


def staging_parts(output_dir: Path, task_ids: Sequence[str], kind: str) -> Iterator[tuple[str, Path]]:
    """``(task_id, path)`` of every staging part of ``kind`` (articles/rejects), in task order."""
    for task_id in task_ids:
        folder = output_dir / "_staging" / task_id
        for path in sorted(folder.glob(f"{kind}-*.parquet")):
            yield task_id, path


def iter_staging_columns(
    output_dir: Path, task_ids: Sequence[str], columns: Sequence[str], batch_size: int = 10_000
) -> Iterator[dict[str, list[Any]]]:
    """Stream some columns of the staged articles in bounded record batches."""
    for _, path in staging_parts(output_dir, task_ids, "articles"):
        parquet = pq.ParquetFile(path)
        for batch in parquet.iter_batches(batch_size=batch_size, columns=list(columns)):
            yield batch.to_pydict()


def _fill_dedup(table: pa.Table, assignments: Mapping[str, tuple[str, int, bool, float]]) -> pa.Table:
    if not assignments:
        return table
    ids = table.column("doc_id").to_pylist()
    found = [assignments.get(doc_id) for doc_id in ids]
    values = {
        "dup_cluster_id": pa.array([a[0] if a else None for a in found], pa.string()),
        "dup_cluster_size": pa.array([a[1] if a else None for a in found], pa.int32()),
        "is_canonical": pa.array([a[2] if a else None for a in found], pa.bool_()),
        "repeated_paragraph_ratio": pa.array([a[3] if a else None for a in found], pa.float32()),
    }
    for name, array in values.items():
        table = table.set_column(table.schema.get_field_index(name), ARTICLE_SCHEMA.field(name), array)
    return table


def _partition_keys(table: pa.Table) -> list[tuple[str, str]]:
    dates = table.column("published_at").to_pylist()
    return [partition_of(value) for value in dates]


#: Rows of one partition held back before they are written as one file.
ROWS_PER_FILE = 100_000
#: Bytes of Arrow data held back over all partitions; past it the largest buffers are written.
MAX_BUFFER_BYTES = 16 << 20


class _PartitionWriter:
    """Collects the rows of every ``year=/month=`` partition across staging parts and writes
    few, larger files: a partition is written when it reaches :data:`ROWS_PER_FILE` rows,
    the largest buffers when all together pass :data:`MAX_BUFFER_BYTES`, the rest at the end.
    Memory is bounded by that cap whatever the size of the run."""

    def __init__(self, tree: BuildTree, root: Path) -> None:
        self.tree = tree
        self.root = root
        self.buffers: dict[tuple[str, str], list[pa.Table]] = defaultdict(list)
        self.rows: dict[tuple[str, str], int] = defaultdict(int)
        self.sizes: dict[tuple[str, str], int] = defaultdict(int)
        self.files: dict[tuple[str, str], int] = defaultdict(int)
        self.counts: dict[str, int] = defaultdict(int)
        self.buffered = 0

    def add(self, key: tuple[str, str], table: pa.Table) -> None:
        self.buffers[key].append(table)
        self.rows[key] += table.num_rows
        self.sizes[key] += table.nbytes
        self.buffered += table.nbytes
        if self.rows[key] >= ROWS_PER_FILE:
            self.write(key)
        while self.buffered > MAX_BUFFER_BYTES:
            self.write(max(self.sizes, key=self.sizes.__getitem__))

    def write(self, key: tuple[str, str]) -> None:
        tables = self.buffers.pop(key)
        self.buffered -= self.sizes.pop(key)
        rows = self.rows.pop(key)
        year, month = key
        target = self.root / f"year={year}" / f"month={month}" / f"part-{self.files[key]:05d}.parquet"
        self.tree.write_parquet(pa.concat_tables(tables) if len(tables) > 1 else tables[0], target)
        self.files[key] += 1
        self.counts[f"{year}-{month}"] += rows

    def close(self) -> dict[str, int]:
        for key in sorted(self.buffers):
            self.write(key)
        return dict(self.counts)


def publish(
    output_dir: Path,
    task_ids: Sequence[str],
    assignments: Mapping[str, tuple[str, int, bool, float]],
) -> dict[str, int]:
    """Write the final articles and rejects folders from staging; returns rows per partition."""
    build = output_dir / f"_publish-{int(time.time() * 1000)}"
    tree = BuildTree(build)
    try:
        counts = _write_articles(_PartitionWriter(tree, build / ARTICLES), output_dir, task_ids, assignments)
    finally:
        tree.close()  # every file of the new tree is on disk before it is swapped in
    _write_rejects(output_dir, task_ids, build / REJECTS / "part-00000.parquet")
    (build / ARTICLES).mkdir(parents=True, exist_ok=True)
    _swap_in(output_dir, build, (ARTICLES, REJECTS))
    return counts


def _write_articles(
    writer: _PartitionWriter,
    output_dir: Path,
    task_ids: Sequence[str],
    assignments: Mapping[str, tuple[str, int, bool, float]],
) -> dict[str, int]:
    """Staged articles with their dedup columns, regrouped by partition; rows per partition."""
    for _, path in staging_parts(output_dir, task_ids, "articles"):
        table = _fill_dedup(pq.read_table(path, schema=ARTICLE_SCHEMA), assignments)
        if table.num_rows == 0:
            continue
        groups: dict[tuple[str, str], list[int]] = defaultdict(list)
        for index, key in enumerate(_partition_keys(table)):
            groups[key].append(index)
        for key, indices in sorted(groups.items()):
            part = table if len(indices) == table.num_rows else table.take(pa.array(indices, pa.int64()))
            writer.add(key, part)
        del table
    return writer.close()


def _write_rejects(output_dir: Path, task_ids: Sequence[str], target: Path) -> None:
    """All staged rejects into one file, streamed part by part (never all in memory)."""

    def write(tmp: str) -> None:
        with pq.ParquetWriter(tmp, REJECT_SCHEMA, compression="zstd", compression_level=3) as out:
            for _, path in staging_parts(output_dir, task_ids, "rejects"):
                out.write_table(pq.read_table(path, schema=REJECT_SCHEMA))

    atomic_write(target, write)


def _swap_in(output_dir: Path, build: Path, names: Sequence[str]) -> None:
    """Replace ``output_dir/<name>`` by ``build/<name>`` for each name, old trees removed last."""
    trash = output_dir / f"_trash-{build.name}"
    trash.mkdir(parents=True, exist_ok=True)
    for name in names:
        current = output_dir / name
        if current.exists():
            current.rename(trash / name)
        (build / name).rename(current)
    shutil.rmtree(trash, ignore_errors=True)
    shutil.rmtree(build, ignore_errors=True)


def remove_leftovers(output_dir: Path) -> None:
    """Delete half-built publish folders and trash left by a killed run.

    A run killed between the two renames of a swap left ``articles`` or ``rejects`` only in
    its trash: that previous folder is put back first, so the output is whole again.
    """
    for trash in sorted(output_dir.glob("_trash-*")):
        for name in (ARTICLES, REJECTS):
            if (trash / name).is_dir() and not (output_dir / name).exists():
                (trash / name).rename(output_dir / name)
    for pattern in ("_publish-*", "_trash-*"):
        for path in output_dir.glob(pattern):
            shutil.rmtree(path, ignore_errors=True)


def count_rows(folder: Path) -> int:
    """Rows in every Parquet file below ``folder`` (footer metadata only)."""
    return sum(pq.ParquetFile(p).metadata.num_rows for p in folder.rglob("*.parquet"))


def read_rejects(output_dir: Path) -> pa.Table:
    path = output_dir / REJECTS
    tables = [pq.read_table(p) for p in sorted(path.glob("*.parquet"))]
    return pa.concat_tables(tables) if tables else REJECT_SCHEMA.empty_table()


def value_counts(table: pa.Table, column: str) -> dict[str, int]:
    if table.num_rows == 0:
        return {}
    counted = pc.value_counts(table.column(column))
    return {str(item["values"]): int(item["counts"]) for item in counted.to_pylist()}
