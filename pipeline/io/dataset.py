"""The run folder's layout: staged parts, the published ``articles/`` and ``rejects/``.

The per-document pass writes ``_staging/<task>/articles-*.parquet`` and ``rejects-*.parquet``;
global steps read the columns they need from there (:func:`iter_staging_columns`);
:mod:`pipeline.io.publish` writes the final folders.  Helpers here read what was published.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipeline.io.schema import REJECT_SCHEMA

ARTICLES = "articles"
REJECTS = "rejects"


def staging_parts(output_dir: Path, task_ids: Sequence[str], kind: str) -> Iterator[tuple[str, Path]]:
    """``(task_id, path)`` of every staging part of ``kind`` (articles/rejects), in task order."""
    for task_id in task_ids:
        folder = output_dir / "_staging" / task_id
        for path in sorted(folder.glob(f"{kind}-*.parquet")):
            yield task_id, path


def read_part(path: Path, schema: pa.Schema | None = None) -> pa.Table:
    """One Parquet file, whole, in ``schema`` when given.

    Read through :class:`pyarrow.parquet.ParquetFile`, not ``pq.read_table``: that goes through
    the dataset API, which imports ``pyarrow.dataset`` and pandas on first use (0.3 CPU-s in
    every process that publishes or deduplicates) and costs about 2 ms more per file.
    """
    table = pq.ParquetFile(path).read()
    if schema is not None and not table.schema.equals(schema, check_metadata=False):
        return pq.read_table(path, schema=schema)  # the dataset API fills missing columns, casts
    return table


def iter_staging_columns(
    output_dir: Path, task_ids: Sequence[str], columns: Sequence[str], batch_size: int = 10_000
) -> Iterator[dict[str, list[Any]]]:
    """Stream some columns of the staged articles in bounded record batches."""
    for _, path in staging_parts(output_dir, task_ids, "articles"):
        parquet = pq.ParquetFile(path)
        for batch in parquet.iter_batches(batch_size=batch_size, columns=list(columns)):
            yield batch.to_pydict()


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
