"""The one record that flows through every stage, and the rejection that can replace it.

A :class:`Doc` is created by an ingest reader with its raw payload and provenance, then each
step fills in more fields.  A step that cannot handle a document returns a :class:`Reject`
instead of raising, so every input ends as either a row or a reject with its reason.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, fields
from typing import Any

#: How the raw payload must be interpreted by the first processing step.
INPUT_KINDS = ("html", "text", "jsonl", "warc")


def make_doc_id(source: str, locator: str) -> str:
    """Stable id: the first 16 hex digits of SHA-1 over the source and its URL, path or line.

    ``source`` names the container (file path relative to the input root, or WARC file);
    ``locator`` names the item inside it (URL, JSONL line number, record offset).  The same
    input gives the same id on every machine and every run.
    """
    digest = hashlib.sha1(f"{source}\x1f{locator}".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:16]


@dataclass(slots=True)
class Doc:
    """One document on its way from raw input to a Parquet row."""

    doc_id: str
    source_path: str
    input_kind: str
    url: str | None = None
    fetched_at: str | None = None
    source_id: str | None = None
    input_sha1: str | None = None
    # raw payload: bytes for HTML and WARC responses, str for text dumps and JSONL text
    raw: bytes | str | None = None
    http_headers: dict[str, str] | None = None
    encoding: str | None = None
    # article fields (set by extract / clean)
    title: str | None = None
    published_at: str | None = None
    author: str | None = None
    source: str | None = None
    paragraphs: list[str] = field(default_factory=list)
    # normalization
    script: str | None = None
    opencc_config: str | None = None
    text_original: str | None = None
    text: str | None = None
    # segmentation
    tokens: list[str] = field(default_factory=list)
    # quality signals and flags
    han_ratio: float | None = None
    mojibake_score: float | None = None
    repetition_ratio: float | None = None
    char_count: int | None = None
    pinyin_annotations_removed: int = 0
    quality_flags: list[str] = field(default_factory=list)
    # dedup (filled by the global step)
    dup_cluster_id: str | None = None
    dup_cluster_size: int | None = None
    is_canonical: bool | None = None
    repeated_paragraph_ratio: float | None = None
    # classification
    relevant: bool | None = None
    relevant_score: float | None = None
    topics: list[str] = field(default_factory=list)
    topic_scores: dict[str, float] = field(default_factory=dict)
    # provenance of the stages that touched it
    extractor: str | None = None

    def body(self) -> str:
        """The article's paragraphs joined by newlines (before normalization)."""
        return "\n".join(self.paragraphs)

    def to_dict(self) -> dict[str, Any]:
        """All fields as a plain dict (raw payload included)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(slots=True)
class Article:
    """What extraction (HTML) or cleaning (text dump) finds in one input."""

    title: str | None = None
    published_at: str | None = None
    author: str | None = None
    source: str | None = None
    paragraphs: list[str] = field(default_factory=list)
    encoding: str | None = None
    flags: list[str] = field(default_factory=list)

    def body(self) -> str:
        return "\n".join(self.paragraphs)


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
    def of(cls, doc: Doc, stage: str, reason: str, detail: str = "") -> "Reject":
        """A rejection of ``doc`` carrying its provenance."""
        return cls(
            doc_id=doc.doc_id,
            source_path=doc.source_path,
            stage=stage,
            reason=reason,
            detail=detail[:2000],
            url=doc.url,
            source_id=doc.source_id,
            input_sha1=doc.input_sha1,
        )

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}
