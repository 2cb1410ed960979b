"""The clean stage: text dumps through :func:`clean_text`, JSONL bodies through :func:`clean_body`."""

from __future__ import annotations

from pipeline.clean.body import clean_body
from pipeline.clean.text import clean_text
from pipeline.errors import InputRejected
from pipeline.ingest.sniff import looks_like_html
from pipeline.normalize.mojibake import mojibake_score
from pipeline.record import Doc, Reject
from pipeline.steps import Step, record_columns

#: A dump with no article whose mojibake score is above this is reported as mojibake.
MOJIBAKE_REJECT_SCORE = 0.05


class CleanStep(Step):
    """``text`` dumps become articles; ``jsonl`` bodies are lightly cleaned; other kinds pass through.

    Values already on the document (from the record or an earlier stage) are kept when the cleaner
    finds none; a JSONL record's title is always kept.  ``doc.raw`` is released after use.
    """

    name = "clean"
    columns = record_columns("title", "published_at", "author", "source", "paragraphs", "quality_flags")

    def __init__(self) -> None:
        super().__init__()

    def process(self, doc: Doc) -> Doc | Reject:
        if doc.input_kind == "text":
            raw = _as_text(doc.raw)
            if looks_like_html(raw):
                raise InputRejected("is_html", "the dump is HTML markup: extract it (zhnews extract) instead")
            try:
                article = clean_text(raw)
            except InputRejected as exc:
                if exc.reason == "no_article" and mojibake_score(raw) > MOJIBAKE_REJECT_SCORE:
                    raise InputRejected("mojibake", f"no article: the text is mojibake (score {mojibake_score(raw):.2f})") from exc
                raise
            doc.title = article.title or doc.title
            doc.published_at = article.published_at or doc.published_at
            doc.author = article.author or doc.author
            doc.source = article.source or doc.source
            doc.paragraphs = list(article.paragraphs)
            doc.quality_flags.extend(f for f in article.flags if f not in doc.quality_flags)
            doc.raw = None
        elif doc.input_kind == "jsonl":
            body = clean_body(_as_text(doc.raw) if doc.raw is not None else doc.body())
            if not body.paragraphs:
                raise InputRejected("no_article", "the record's text is empty after cleaning")
            doc.paragraphs = body.paragraphs
            doc.source = doc.source or body.source
            doc.quality_flags.extend(f for f in body.flags if f not in doc.quality_flags)
            doc.raw = None
        return doc


def _as_text(raw: bytes | str | None) -> str:
    if raw is None:
        return ""
    if isinstance(raw, bytes):
        return raw.decode("utf-8", errors="replace")
    return raw
