"""``clean_text``: a flattened page (one block per line) to an :class:`~pipeline.record.Article`."""

from __future__ import annotations

import re

from pipeline.clean import cues
from pipeline.clean.lines import Line, is_name, label_lines
from pipeline.clean.meta import parse_meta
from pipeline.errors import InputRejected
from pipeline.record import Article

_SENTENCE = re.compile(r"[^。！？!?]*(?:[。！？!?]+[”」』’\"]?|$)")


def split_sentences(paragraph: str) -> list[str]:
    """Sentences of a Chinese paragraph, end punctuation (and closing quote) kept."""
    return [s for s in _SENTENCE.findall(paragraph) if s]


def _drop_template(paragraph: str, whole: bool) -> str:
    """Remove template filler sentences; ``whole`` drops the paragraph if any is found."""
    if not cues.TEMPLATE.search(paragraph):
        return paragraph
    if whole:
        return ""
    kept = [s for s in split_sentences(paragraph) if not (cues.TEMPLATE.search(s) and len(cues.TEMPLATE.findall(s)) >= 2)]
    return "".join(kept).strip()


def clean_lines(text: str) -> tuple[Article, list[Line]]:
    """The article and the labelled lines (for inspection and evaluation)."""
    lines = label_lines(text)
    body = [ln for ln in lines if ln.label == "body"]
    for k, ln in enumerate(body):
        kept = _drop_template(ln.text, whole=k in (0, len(body) - 1) and len(body) > 1)
        if not kept:
            ln.label = "boilerplate"
        else:
            ln.text = kept
    paragraphs = [ln.text for ln in lines if ln.label == "body"]
    if not paragraphs:
        raise InputRejected("no_article", "no line of the text reads as article body")
    title = next((ln.text for ln in lines if ln.label == "title"), None)
    first_body = next(i for i, ln in enumerate(lines) if ln.label == "body")
    head_meta = [ln.text for ln in lines[:first_body] if ln.label == "meta"]
    tail_meta = [ln.text for ln in lines[first_body:] if ln.label == "meta"]
    names = [ln.text for ln in lines[:first_body] if ln.label == "meta" and is_name(ln)]
    published, source, author = parse_meta(head_meta + tail_meta, names)
    return Article(title=title, published_at=published, author=author, source=source, paragraphs=paragraphs), lines


def clean_text(text: str) -> Article:
    """Title, date, source, author and body paragraphs of a flattened page.

    Raises :class:`~pipeline.errors.InputRejected` (``no_article``) when no line is body.
    """
    if not text or not text.strip():
        raise InputRejected("no_article", "empty text")
    return clean_lines(text)[0]
