"""The versioned Parquet schemas of the articles and rejects tables.

docs/schema.md documents every column.  Any change to a column (name, type, order) must bump
:data:`SCHEMA_VERSION`; a test holds the schema's fingerprint for each version.
The articles columns are derived from :class:`~pipeline.record.Doc` (its fields, in order), the
run's provenance, then the columns its added steps declare.  The hive partition columns ``year``
and ``month`` live in the directory names only.
"""

from __future__ import annotations

import hashlib
import json
import operator
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pyarrow as pa

from pipeline.record import DOC_COLUMNS, Column, Doc, Reject, published_date

__all__ = ["ARTICLE_SCHEMA", "REJECT_SCHEMA", "SCHEMA_VERSION", "article_schema", "articles_table", "doc_to_row",
           "partition_of", "published_date", "reject_to_row", "rejects_table", "schema_fingerprint"]

SCHEMA_VERSION = "1.2.0"
METADATA_KEY = b"zhnews.schema_version"

#: Arrow types by the names :class:`~pipeline.record.Column` uses.
ARROW_TYPES: dict[str, pa.DataType] = {
    "string": pa.string(),
    "int32": pa.int32(),
    "float32": pa.float32(),
    "bool": pa.bool_(),
    "date32": pa.date32(),
    "list<string>": pa.list_(pa.string()),
    "map<string,float32>": pa.map_(pa.string(), pa.float32()),
    "list<struct<topic:string,sentences:list<string>>>": pa.list_(
        pa.struct([pa.field("topic", pa.string()), pa.field("sentences", pa.list_(pa.string()))])
    ),
}

#: Who made each row: filled from the run's provenance, after the document's own columns.
PROVENANCE_COLUMNS = ("pipeline_version", "run_id", "model_version")


def arrow_field(column: Column) -> pa.Field:
    """The Parquet field of ``column``."""
    try:
        return pa.field(column.name, ARROW_TYPES[column.type], nullable=column.nullable)
    except KeyError:
        raise ValueError(f"column {column.name!r}: unknown type {column.type!r} (one of {', '.join(ARROW_TYPES)})") from None


ARTICLE_FIELDS: list[pa.Field] = [arrow_field(c) for c in DOC_COLUMNS] + [pa.field(n, pa.string()) for n in PROVENANCE_COLUMNS]

_NOT_NULL_REJECT_COLUMNS = ("doc_id", "source_path", "stage", "reason")
REJECT_FIELDS: list[pa.Field] = [
    pa.field(name, pa.string(), nullable=name not in _NOT_NULL_REJECT_COLUMNS)
    for name in ("doc_id", "source_id", "url", "source_path", "input_sha1", "stage", "reason", "detail",
                 "pipeline_version", "run_id")
]


def _with_metadata(fields: list[pa.Field], table: str) -> pa.Schema:
    return pa.schema(fields, metadata={METADATA_KEY: SCHEMA_VERSION.encode(), b"zhnews.table": table.encode()})


ARTICLE_SCHEMA = _with_metadata(ARTICLE_FIELDS, "articles")
REJECT_SCHEMA = _with_metadata(REJECT_FIELDS, "rejects")


def article_schema(added: Sequence[Column] = ()) -> pa.Schema:
    """The articles schema of a run whose steps add the columns ``added`` (after the standard ones)."""
    if not added:
        return ARTICLE_SCHEMA
    taken = set(ARTICLE_SCHEMA.names)
    for col in added:
        if col.name in taken:
            raise ValueError(f"a step adds column {col.name!r}, which the articles table already has")
        taken.add(col.name)
    return _with_metadata(ARTICLE_FIELDS + [arrow_field(c) for c in added], "articles")


def schema_fingerprint(schema: pa.Schema) -> str:
    """A hash of the column names, types and nullability (metadata excluded)."""
    desc = [(f.name, str(f.type), f.nullable) for f in schema]
    return hashlib.sha256(json.dumps(desc).encode()).hexdigest()[:16]


def partition_of(published_at: str | None) -> tuple[str, str]:
    """Hive partition values ``(year, month)``; ``unknown`` when there is no date."""
    day = published_date(published_at)
    if day is None:
        return "unknown", "unknown"
    return f"{day.year:04d}", f"{day.month:02d}"


def _getter(col: Column) -> Callable[[Doc], Any]:
    return col.value if col.value is not None else operator.attrgetter(col.name)


def _extra_getter(col: Column) -> Callable[[Doc], Any]:
    if col.value is not None:
        return col.value
    name = col.name
    return lambda doc: doc.extra.get(name)


_DOC_GETTERS: list[tuple[str, Callable[[Doc], Any]]] = [(c.name, _getter(c)) for c in DOC_COLUMNS]


def doc_to_row(doc: Doc, provenance: Mapping[str, str | None], added: Sequence[Column] = ()) -> dict[str, Any]:
    """One article row: the document's columns, the run's provenance, then the ``added`` columns
    (dedup columns are left empty here: publishing fills them)."""
    row = {name: get(doc) for name, get in _DOC_GETTERS}
    for name in PROVENANCE_COLUMNS:
        row[name] = provenance.get(name)
    for col in added:
        row[col.name] = _extra_getter(col)(doc)
    return row


_REJECT_RECORD_COLUMNS = [f.name for f in REJECT_FIELDS if f.name not in PROVENANCE_COLUMNS]


def reject_to_row(reject: Reject, provenance: Mapping[str, str | None]) -> dict[str, Any]:
    """One rejects-table row."""
    row = {name: getattr(reject, name) for name in _REJECT_RECORD_COLUMNS}
    row["pipeline_version"] = provenance.get("pipeline_version")
    row["run_id"] = provenance.get("run_id")
    return row


def articles_table(rows: list[dict[str, Any]], schema: pa.Schema = ARTICLE_SCHEMA) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=schema)


def rejects_table(rows: list[dict[str, Any]]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=REJECT_SCHEMA)
