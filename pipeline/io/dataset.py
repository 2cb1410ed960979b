"""The run folder's layout: staged parts, the published ``articles/`` and ``rejects/``.

The per-document pass writes ``_staging/<task>/articles-*.arrow`` and ``rejects-*.arrow`` (Arrow
IPC files; runs staged by older versions left ``.parquet`` parts, which are read alike);
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
import pyarrow.ipc as ipc
import pyarrow.parquet as pq

from pipeline.io.atomic import STAGING_SUFFIX
from pipeline.io.schema import REJECT_SCHEMA

ARTICLES = "articles"
REJECTS = "rejects"


#: Suffixes of staging parts: Arrow IPC (written now) and Parquet (staged by older versions).
_STAGING_SUFFIXES = (STAGING_SUFFIX, ".parquet")


def staging_parts(output_dir: Path, task_ids: Sequence[str], kind: str) -> Iterator[tuple[str, Path]]:
    """``(task_id, path)`` of every staging part of ``kind`` (articles/rejects), in task order."""
    for task_id in task_ids:
        folder = output_dir / "_staging" / task_id
        parts = [path for suffix in _STAGING_SUFFIXES for path in folder.glob(f"{kind}-*{suffix}")]
        for path in sorted(parts, key=lambda p: p.name):
            yield task_id, path


def read_part(path: Path, schema: pa.Schema | None = None) -> pa.Table:
    """One staging part (Arrow IPC or Parquet), whole, in ``schema`` when given.

    Parquet is read through :class:`pyarrow.parquet.ParquetFile`, not ``pq.read_table``: that
    goes through the dataset API, which imports ``pyarrow.dataset`` and pandas on first use
    (0.3 CPU-s in every process that publishes or deduplicates) and costs about 2 ms more per file.
    """
    if path.suffix == STAGING_SUFFIX:
        with pa.OSFile(str(path)) as source:
            table = ipc.open_file(source).read_all()
    else:
        table = pq.ParquetFile(path).read()
    return table if schema is None else _conformed(table, schema)


def _conformed(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """``table`` in ``schema``: columns in its order, cast, the missing ones all null."""
    if table.schema.equals(schema, check_metadata=False):
        return table
    names = set(table.column_names)
    columns = [table.column(field.name).cast(field.type) if field.name in names
               else pa.nulls(table.num_rows, field.type) for field in schema]
    return pa.Table.from_arrays(columns, schema=schema)


def iter_part_columns(path: Path, columns: Sequence[str], batch_size: int = 10_000) -> Iterator[dict[str, list[Any]]]:
    """Some columns of one staging part, in record batches of at most ``batch_size`` rows."""
    if path.suffix == STAGING_SUFFIX:
        with pa.OSFile(str(path)) as source:
            reader = ipc.open_file(source)
            wanted = [reader.schema.get_field_index(name) for name in columns]
            if -1 in wanted:
                raise KeyError(f"{path}: no column {columns[wanted.index(-1)]!r}")
            reader = ipc.open_file(source, options=ipc.IpcReadOptions(included_fields=wanted))
            for index in range(reader.num_record_batches):
                batch = reader.get_batch(index)
                for start in range(0, batch.num_rows, batch_size):
                    yield batch.slice(start, batch_size).select(list(columns)).to_pydict()
        return
    for batch in pq.ParquetFile(path).iter_batches(batch_size=batch_size, columns=list(columns)):
        yield batch.to_pydict()


def iter_staging_columns(
    output_dir: Path, task_ids: Sequence[str], columns: Sequence[str], batch_size: int = 10_000
) -> Iterator[dict[str, list[Any]]]:
    """Stream some columns of the staged articles in bounded record batches."""
    for _, path in staging_parts(output_dir, task_ids, "articles"):
        yield from iter_part_columns(path, columns, batch_size)


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
