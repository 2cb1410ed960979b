"""A run's published articles read in the current schema, whatever the version that wrote them.

Datasets of schema 2.x are read as written.  Those of 1.x (recognized by their column types, so
files without zhnews metadata too) are brought to the 2.0 form batch by batch (:func:`upgrade`):
``topic_scores`` from a map to a list of ``{topic, score}``, the ISO strings
``published_at``/``fetched_at`` to UTC instants (the publication string kept as
``published_at_original``), ``author``/``source`` copied to their ``*_original`` columns, and
the partition columns from strings (``unknown`` when undated) to integers (``0``), and the
columns added since (``encoding_errors``) filled with nulls: not counted then.  So the report,
the export, the prevalence estimate and the notebook read old runs too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from pipeline.dates import BEIJING, utc_instant
from pipeline.errors import UsageError
from pipeline.io.run_folder import articles_root
from pipeline.io.schema import ARROW_TYPES, METADATA_KEY, SCHEMA_VERSION, UNDATED_PARTITION

__all__ = ["ArticlesReader", "PARTITION_COLUMNS", "upgrade"]

PARTITION_COLUMNS = ("year", "month")
_TOPIC_SCORES = ARROW_TYPES["list<struct<topic:string,score:float32>>"]
_TIMESTAMP = ARROW_TYPES["timestamp[ms,UTC]"]
#: Columns of 2.0 that a 1.x dataset makes from one of its own: (new column, stored as).
_FROM_1X = {"published_at_original": "published_at", "author_original": "author", "source_original": "source"}
#: Columns a dataset written before them lacks, read as nulls: (column, the column it follows, type).
_ADDED = (("encoding_errors", "encoding", pa.int32()),)
_ADDED_NAMES = frozenset(name for name, _, _ in _ADDED)
#: Partition values as their text says: integers from 2.0, strings (``unknown``) before.
_PARTITIONING = ds.HivePartitioning.discover(infer_dictionary=False)


def schema_major(root: Path) -> int:
    """The major schema version of the articles under ``root`` (of its first file; the current
    one when there is none)."""
    first = next(iter(sorted(root.rglob("*.parquet"))), None)
    version = SCHEMA_VERSION
    if first is not None:
        metadata = pq.read_schema(first).metadata or {}
        version = metadata.get(METADATA_KEY, SCHEMA_VERSION.encode()).decode()
    try:
        return int(version.split(".", 1)[0])
    except ValueError:
        raise UsageError(f"{first}: unreadable schema version {version!r}") from None


class ArticlesReader:
    """The articles of one run folder, read in the current schema (see the module docstring)."""

    def __init__(self, run_dir: str | Path) -> None:
        root = articles_root(run_dir)
        major = schema_major(root)
        if major > int(SCHEMA_VERSION.split(".", 1)[0]):
            raise UsageError(f"{root}: schema {major}.x is newer than this zhnews reads ({SCHEMA_VERSION})")
        self.dataset = ds.dataset(str(root), format="parquet", partitioning=_PARTITIONING, exclude_invalid_files=True)
        self.legacy = is_legacy(self.dataset.schema)

    @property
    def names(self) -> list[str]:
        """The columns a reader can ask for (the current names, stored ones first)."""
        names = list(self.dataset.schema.names)
        if self.legacy:
            names += [new for new, old in _FROM_1X.items() if old in names and new not in names]
            names += [name for name, _, _ in _ADDED if name not in names]
        return names

    def _stored(self, columns: Sequence[str] | None) -> list[str] | None:
        if columns is None or not self.legacy:
            return None if columns is None else list(columns)
        stored = self.dataset.schema.names
        return [c for c in dict.fromkeys(_FROM_1X.get(c, c) for c in columns) if c in stored or c not in _ADDED_NAMES]

    def batches(self, columns: Sequence[str] | None = None, filter: pc.Expression | None = None,
                batch_size: int = 2048) -> Iterator[pa.RecordBatch]:
        """The articles in batches of the current schema (``columns``: current names)."""
        for batch in self.dataset.to_batches(columns=self._stored(columns), filter=filter, batch_size=batch_size):
            if not self.legacy:
                yield batch
            else:
                yield from self._current(pa.Table.from_batches([batch]), columns).to_batches()

    def table(self, columns: Sequence[str] | None = None, filter: pc.Expression | None = None) -> pa.Table:
        """All the articles (``columns``: current names) as one table of the current schema."""
        return self._current(self.dataset.to_table(columns=self._stored(columns), filter=filter), columns)

    def _current(self, table: pa.Table, columns: Sequence[str] | None) -> pa.Table:
        if not self.legacy:
            return table
        table = upgrade(table)
        return table if columns is None else table.select([c for c in columns if c in table.column_names])


def is_legacy(schema: pa.Schema) -> bool:
    """Whether ``schema`` stores a column in its 1.x form (string times or partitions, a map of
    scores), or lacks a column added since (a 1.x dataset read whole)."""
    def typed(name: str, check: Callable[[pa.DataType], bool]) -> bool:
        return name in schema.names and check(schema.field(name).type)

    return (any(typed(n, pa.types.is_string) for n in ("published_at", "fetched_at", *PARTITION_COLUMNS))
            or typed("topic_scores", pa.types.is_map)
            or ("encoding" in schema.names and any(name not in schema.names for name in _ADDED_NAMES)))


def _utc(values: pa.ChunkedArray | pa.Array, naive_zone: dt.tzinfo) -> pa.Array:
    return pa.array([utc_instant(v, naive_zone) for v in values.to_pylist()], _TIMESTAMP)  # type: ignore[arg-type]


def _topic_scores(maps: pa.ChunkedArray) -> pa.ChunkedArray:
    chunks = []
    for chunk in maps.chunks:
        if chunk.offset:  # a sliced batch: Arrow builds a list from offsets and a null mask only at offset 0
            chunk = pa.concat_arrays([chunk])
        pairs = pa.StructArray.from_arrays([chunk.keys, chunk.items], names=["topic", "score"])
        chunks.append(pa.ListArray.from_arrays(chunk.offsets, pairs, mask=chunk.is_null()).cast(_TOPIC_SCORES))
    return pa.chunked_array(chunks, _TOPIC_SCORES)


def _partition(values: pa.ChunkedArray, undated: int) -> pa.Array:
    return pa.array([undated if v is None or not v.isdigit() else int(v) for v in values.to_pylist()], pa.int32())


def upgrade(table: pa.Table) -> pa.Table:
    """A table of a schema 1.x dataset in the 2.0 form (only the columns it has are touched)."""
    names = table.column_names
    columns = {name: table.column(name) for name in names}
    if "published_at" in columns and pa.types.is_string(columns["published_at"].type):
        original = columns["published_at"]
        columns["published_at"] = _utc(original, BEIJING)
        columns = _insert_after(columns, "published_at", "published_at_original", original)
    for own in ("author", "source"):
        if own in columns:
            columns = _insert_after(columns, own, f"{own}_original", columns[own])
    if "fetched_at" in columns and pa.types.is_string(columns["fetched_at"].type):
        columns["fetched_at"] = _utc(columns["fetched_at"], dt.UTC)
    if "topic_scores" in columns and pa.types.is_map(columns["topic_scores"].type):
        columns["topic_scores"] = _topic_scores(columns["topic_scores"])
    for index, name in enumerate(PARTITION_COLUMNS):
        if name in columns and pa.types.is_string(columns[name].type):
            columns[name] = _partition(columns[name], UNDATED_PARTITION[index])
    for name, after, type_ in _ADDED:
        if name not in columns:
            columns = _insert_after(columns, after, name, pa.nulls(table.num_rows, type_))
    return pa.table(columns)


def _insert_after(columns: dict[str, pa.ChunkedArray | pa.Array], after: str, name: str,
                  values: pa.ChunkedArray | pa.Array) -> dict[str, pa.ChunkedArray | pa.Array]:
    """``columns`` with ``name`` after ``after`` (at the end when there is no ``after``)."""
    if name in columns:
        return columns
    if after not in columns:
        return columns | {name: values}
    out: dict[str, pa.ChunkedArray | pa.Array] = {}
    for key, column in columns.items():
        out[key] = column
        if key == after:
            out[name] = values
    return out
