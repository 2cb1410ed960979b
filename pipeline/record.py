"""The one record that flows through every stage, and the rejection that can replace it.

A :class:`Doc` is created by an ingest reader with its raw payload and provenance, then each
step fills in more fields.  A step that cannot handle a document returns a :class:`Reject`
instead of raising, so every input ends as either a row or a reject with its reason.

:class:`Doc` is also the definition of the articles table: its fields, in order, are the
columns (each declares its Arrow type with :func:`column`), so the Parquet schema and the row
of a document are derived from it (:mod:`pipeline.io.schema`).  A step that adds a column of its
own declares it as a :class:`Column` and stores the value in ``doc.extra``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import Field, dataclass, field, fields
from typing import Any

from pipeline.dates import BEIJING, utc_instant


def make_doc_id(source: str, locator: str) -> str:
    """Stable id: the first 16 hex digits of SHA-1 over the source and its URL, path or line.

    ``source`` names the container (file path relative to the input root, or WARC file);
    ``locator`` names the item inside it (URL, JSONL line number, record offset).  The same
    input gives the same id on every machine and every run.
    """
    digest = hashlib.sha1(f"{source}\x1f{locator}".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:16]


def published_date(published_at: str | None) -> dt.date | None:
    """The calendar day of an ISO-8601 publication time, or None."""
    if not published_at or len(published_at) < 10:
        return None
    try:
        return dt.date.fromisoformat(published_at[:10])
    except ValueError:
        return None


@dataclass(frozen=True)
class Column:
    """One column of the articles table.

    ``type`` names its Arrow type (``string``, ``int32``, ``float32``, ``bool``, ``date32``,
    ``timestamp[ms,UTC]``, ``list<string>`` ...: :data:`pipeline.io.schema.ARROW_TYPES`);
    ``value`` gives a document's value (by default the field of the same name, or for a column a
    step adds, ``doc.extra[name]``).
    """

    name: str
    type: str
    nullable: bool = True
    value: Callable[[Doc], Any] | None = None


#: Key of a :class:`Doc` field's metadata holding the columns the field is stored as.
COLUMNS_KEY = "columns"


def column(type_: str, *, default: Any = None, factory: Callable[[], Any] | None = None, nullable: bool = True,
           value: Callable[[Doc], Any] | None = None, then: tuple[Column, ...] = ()) -> Any:
    """A :class:`Doc` field stored as a column of Arrow type ``type_`` (``then``: columns
    derived from it, stored right after it)."""
    columns = (Column("", type_, nullable, value), *then)  # "" stands for the field's own name
    if factory is not None:
        return field(default_factory=factory, metadata={COLUMNS_KEY: columns})
    return field(default=default, metadata={COLUMNS_KEY: columns})


def required(type_: str) -> Any:
    """A :class:`Doc` field every document has (no default), stored as a non-null column."""
    return field(metadata={COLUMNS_KEY: (Column("", type_, False),)})


@dataclass(slots=True, kw_only=True)
class Doc:
    """One document on its way from raw input to a Parquet row (fields in column order)."""

    # identity and provenance (set by the readers)
    doc_id: str = required("string")
    source_id: str | None = column("string")
    url: str | None = column("string")
    source_path: str = required("string")
    input_kind: str = required("string")
    input_sha1: str | None = column("string")
    #: ISO-8601 fetch time (a WARC date, a crawl time); stored as a UTC instant (no zone: UTC)
    fetched_at: str | None = column("timestamp[ms,UTC]", value=lambda doc: utc_instant(doc.fetched_at, dt.UTC))
    # raw payload: bytes for HTML and WARC responses, str for text dumps and JSONL text (not stored)
    raw: bytes | str | None = None
    http_headers: dict[str, str] | None = None
    encoding: str | None = column("string")
    #: invalid byte sequences of the input read as U+FFFD (see ``quality_flags``: ``encoding_errors``)
    encoding_errors: int = column("int32", default=0)
    # article fields (set by extract / clean)
    title: str | None = column("string")
    #: ISO-8601 publication time or day as found; stored as a UTC instant (no zone: Beijing time),
    #: the string itself (its precision and zone) and its calendar day
    published_at: str | None = column("timestamp[ms,UTC]", value=lambda doc: utc_instant(doc.published_at, BEIJING), then=(
        Column("published_at_original", "string", value=lambda doc: doc.published_at),
        Column("published_date", "date32", value=lambda doc: published_date(doc.published_at)),))
    #: author and publisher normalized like the text (:mod:`pipeline.normalize.metadata`), then as found
    author: str | None = column("string")
    author_original: str | None = column("string")
    source: str | None = column("string")
    source_original: str | None = column("string")
    paragraphs: list[str] = column("list<string>", factory=list)
    # normalization
    script: str | None = column("string")
    opencc_config: str | None = column("string")
    text_original: str | None = column("string")
    text: str | None = column("string")
    # segmentation
    tokens: list[str] = column("list<string>", factory=list, then=(
        Column("token_count", "int32", value=lambda doc: len(doc.tokens)),))
    # quality signals and flags
    char_count: int | None = column(
        "int32", value=lambda doc: doc.char_count if doc.char_count is not None else len(doc.text or ""))
    han_ratio: float | None = column("float32")
    mojibake_score: float | None = column("float32")
    repetition_ratio: float | None = column("float32")
    pinyin_annotations_removed: int = column("int32", default=0)
    quality_flags: list[str] = column("list<string>", factory=list)
    # dedup (filled by the global dedup stage when publishing)
    dup_cluster_id: str | None = column("string")
    dup_cluster_size: int | None = column("int32")
    is_canonical: bool | None = column("bool")
    repeated_paragraph_ratio: float | None = column("float32")
    # classification
    relevant: bool | None = column("bool")
    relevant_score: float | None = column("float32")
    topics: list[str] = column("list<string>", factory=list)
    topic_scores: dict[str, float] = column(
        "list<struct<topic:string,score:float32>>", factory=dict,
        value=lambda doc: [{"topic": t, "score": s} for t, s in doc.topic_scores.items()] if doc.topic_scores else None)
    #: per assigned topic, the sentences of the item (original script) that support it
    evidence: dict[str, list[str]] = column(
        "list<struct<topic:string,sentences:list<string>>>", factory=dict,
        value=lambda doc: [{"topic": t, "sentences": s} for t, s in doc.evidence.items()] if doc.evidence else None)
    # provenance of the stages that touched it
    extractor: str | None = column("string")
    #: values of the columns that added steps declare (:attr:`pipeline.steps.Step.columns`)
    extra: dict[str, Any] = field(default_factory=dict)

    def body(self) -> str:
        """The article's paragraphs joined by newlines (before normalization)."""
        return "\n".join(self.paragraphs)

    def to_dict(self) -> dict[str, Any]:
        """All fields as a plain dict (raw payload included)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _stored(doc_field: Field[Any]) -> tuple[Column, ...]:
    columns: tuple[Column, ...] = doc_field.metadata.get(COLUMNS_KEY, ())
    if not columns:
        return ()
    own, *derived = columns
    return (Column(doc_field.name, own.type, own.nullable, own.value), *derived)


#: The columns a document is stored as, in table order (the provenance columns of a run and
#: the columns of added steps come after them: :mod:`pipeline.io.schema`).
DOC_COLUMNS: tuple[Column, ...] = tuple(c for f in fields(Doc) for c in _stored(f))


@dataclass(slots=True)
class Article:
    """What extraction (HTML) or cleaning (text dump) finds in one input."""

    title: str | None = None
    published_at: str | None = None
    author: str | None = None
    source: str | None = None
    paragraphs: list[str] = field(default_factory=list)
    encoding: str | None = None
    encoding_errors: int = 0
    flags: list[str] = field(default_factory=list)

    def body(self) -> str:
        return "\n".join(self.paragraphs)


#: Characters of a reject's detail kept: enough for any message, not for a whole document echoed back.
DETAIL_CHARS = 2000


@dataclass(slots=True, frozen=True)
class Reject:
    """Why an input did not become a row: the stage that refused it and a precise reason.

    ``reason`` is a short machine-readable code (``empty_input``, ``not_html``,
    ``no_article``, ``too_large``, ``low_han_ratio``, ``error:ValueError`` ...);
    ``detail`` is a human-readable explanation.
    """

    doc_id: str
    source_path: str
    stage: str
    reason: str
    detail: str = ""
    url: str | None = None
    source_id: str | None = None
    input_sha1: str | None = None

    @classmethod
    def of(cls, doc: Doc, stage: str, reason: str, detail: str = "") -> Reject:
        """A rejection of ``doc`` carrying its provenance."""
        return cls(
            doc_id=doc.doc_id,
            source_path=doc.source_path,
            stage=stage,
            reason=reason,
            detail=detail[:DETAIL_CHARS],
            url=doc.url,
            source_id=doc.source_id,
            input_sha1=doc.input_sha1,
        )

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}
