"""The versioned Parquet schemas of the articles and rejects tables.

docs/schema.md documents every column.  Any change to a column (name, type, order) must bump
:data:`SCHEMA_VERSION`; a test holds the schema's fingerprint for each version.
The hive partition columns ``year`` and ``month`` live in the directory names only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import pyarrow as pa

from pipeline.record import Doc, Reject

SCHEMA_VERSION = "1.0.0"
METADATA_KEY = b"zhnews.schema_version"

_str = pa.string()
_strs = pa.list_(pa.string())

ARTICLE_FIELDS: list[pa.Field] = [
    pa.field("doc_id", _str, nullable=False),
    pa.field("source_id", _str),
    pa.field("url", _str),
    pa.field("source_path", _str, nullable=False),
    pa.field("input_kind", _str, nullable=False),
    pa.field("input_sha1", _str),
    pa.field("fetched_at", _str),
    pa.field("encoding", _str),
    pa.field("title", _str),
    pa.field("published_at", _str),
    pa.field("published_date", pa.date32()),
    pa.field("author", _str),
    pa.field("source", _str),
    pa.field("paragraphs", _strs),
    pa.field("script", _str),
    pa.field("opencc_config", _str),
    pa.field("text_original", _str),
    pa.field("text", _str),
    pa.field("tokens", _strs),
    pa.field("token_count", pa.int32()),
    pa.field("char_count", pa.int32()),
    pa.field("han_ratio", pa.float32()),
    pa.field("mojibake_score", pa.float32()),
    pa.field("repetition_ratio", pa.float32()),
    pa.field("pinyin_annotations_removed", pa.int32()),
    pa.field("quality_flags", _strs),
    pa.field("dup_cluster_id", _str),
    pa.field("dup_cluster_size", pa.int32()),
    pa.field("is_canonical", pa.bool_()),
    pa.field("repeated_paragraph_ratio", pa.float32()),
    pa.field("relevant", pa.bool_()),
    pa.field("relevant_score", pa.float32()),
    pa.field("topics", _strs),
    pa.field("topic_scores", pa.map_(pa.string(), pa.float32())),
    pa.field("extractor", _str),
    pa.field("pipeline_version", _str),
    pa.field("run_id", _str),
    pa.field("model_version", _str),
]

REJECT_FIELDS: list[pa.Field] = [
    pa.field("doc_id", _str, nullable=False),
    pa.field("source_id", _str),
    pa.field("url", _str),
    pa.field("source_path", _str, nullable=False),
    pa.field("input_sha1", _str),
    pa.field("stage", _str, nullable=False),
    pa.field("reason", _str, nullable=False),
    pa.field("detail", _str),
    pa.field("pipeline_version", _str),
    pa.field("run_id", _str),
]

#: Columns the global dedup step fills in after the per-document pass.
DEDUP_COLUMNS = ("dup_cluster_id", "dup_cluster_size", "is_canonical", "repeated_paragraph_ratio")


def _with_metadata(fields: list[pa.Field], table: str) -> pa.Schema:
    return pa.schema(fields, metadata={METADATA_KEY: SCHEMA_VERSION.encode(), b"zhnews.table": table.encode()})


ARTICLE_SCHEMA = _with_metadata(ARTICLE_FIELDS, "articles")
REJECT_SCHEMA = _with_metadata(REJECT_FIELDS, "rejects")


def schema_fingerprint(schema: pa.Schema) -> str:
    """A hash of the column names, types and nullability (metadata excluded)."""
    desc = [(f.name, str(f.type), f.nullable) for f in schema]
    return hashlib.sha256(json.dumps(desc).encode()).hexdigest()[:16]


def published_date(published_at: str | None) -> dt.date | None:
    """The calendar day of an ISO-8601 publication time, or None."""
    if not published_at or len(published_at) < 10:
        return None
    try:
        return dt.date.fromisoformat(published_at[:10])
    except ValueError:
        return None


def partition_of(published_at: str | None) -> tuple[str, str]:
    """Hive partition values ``(year, month)``; ``unknown`` when there is no date."""
    day = published_date(published_at)
    if day is None:
        return "unknown", "unknown"
    return f"{day.year:04d}", f"{day.month:02d}"


def doc_to_row(doc: Doc, provenance: dict[str, str | None]) -> dict[str, Any]:
    """One article row (dedup columns left empty for the global step)."""
    return {
        "doc_id": doc.doc_id,
        "source_id": doc.source_id,
        "url": doc.url,
        "source_path": doc.source_path,
        "input_kind": doc.input_kind,
        "input_sha1": doc.input_sha1,
        "fetched_at": doc.fetched_at,
        "encoding": doc.encoding,
        "title": doc.title,
        "published_at": doc.published_at,
        "published_date": published_date(doc.published_at),
        "author": doc.author,
        "source": doc.source,
        "paragraphs": list(doc.paragraphs),
        "script": doc.script,
        "opencc_config": doc.opencc_config,
        "text_original": doc.text_original,
        "text": doc.text,
        "tokens": list(doc.tokens),
        "token_count": len(doc.tokens),
        "char_count": doc.char_count if doc.char_count is not None else len(doc.text or ""),
        "han_ratio": doc.han_ratio,
        "mojibake_score": doc.mojibake_score,
        "repetition_ratio": doc.repetition_ratio,
        "pinyin_annotations_removed": doc.pinyin_annotations_removed,
        "quality_flags": list(doc.quality_flags),
        "dup_cluster_id": doc.dup_cluster_id,
        "dup_cluster_size": doc.dup_cluster_size,
        "is_canonical": doc.is_canonical,
        "repeated_paragraph_ratio": doc.repeated_paragraph_ratio,
        "relevant": doc.relevant,
        "relevant_score": doc.relevant_score,
        "topics": list(doc.topics),
        "topic_scores": list(doc.topic_scores.items()) if doc.topic_scores else None,
        "extractor": doc.extractor,
        "pipeline_version": provenance.get("pipeline_version"),
        "run_id": provenance.get("run_id"),
        "model_version": provenance.get("model_version"),
    }


def reject_to_row(reject: Reject, provenance: dict[str, str | None]) -> dict[str, Any]:
    """One rejects-table row."""
    return {
        "doc_id": reject.doc_id,
        "source_id": reject.source_id,
        "url": reject.url,
        "source_path": reject.source_path,
        "input_sha1": reject.input_sha1,
        "stage": reject.stage,
        "reason": reject.reason,
        "detail": reject.detail,
        "pipeline_version": provenance.get("pipeline_version"),
        "run_id": provenance.get("run_id"),
    }


def articles_table(rows: list[dict[str, Any]]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=ARTICLE_SCHEMA)


def rejects_table(rows: list[dict[str, Any]]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=REJECT_SCHEMA)
