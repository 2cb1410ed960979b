"""``extract_html``: one HTML page (bytes or text) to an :class:`~pipeline.record.Article`."""

from __future__ import annotations

from typing import Any

from pipeline.errors import InputRejected
from pipeline.extract.blocks import Spans, iter_blocks
from pipeline.extract.content import article_paragraphs
from pipeline.extract.dom import drop_boilerplate, strip_noise
from pipeline.extract.metadata import (
    find_author,
    find_published,
    find_source,
    pick_title,
    read_head,
    title_index,
)
from pipeline.extract.parse import Limits, decode_page, parse_tree
from pipeline.record import Article

__all__ = ["Limits", "extract_html"]


def _first_index(blocks: list[Any], paragraphs: list[str]) -> int | None:
    if not paragraphs:
        return None
    first = paragraphs[0]
    for i, block in enumerate(blocks):
        if block.text == first:
            return i
    return None


def extract_html(
    data: bytes | str,
    url: str | None = None,
    content_type: str | None = None,
    **limits: int,
) -> Article:
    """Extract title, publication time, author, source and body paragraphs from a page.

    ``limits``: ``max_bytes``, ``max_depth``, ``max_nodes`` (see :class:`Limits`).
    Raises :class:`~pipeline.errors.InputRejected` with ``empty_input``, ``binary_input``,
    ``not_html``, ``too_large``, ``too_deep``, ``too_many_nodes`` or ``no_article``.
    """
    try:
        lim = Limits(**limits)
    except TypeError as exc:
        raise TypeError(f"unknown limit: {exc}") from exc
    text, codec, encoding_errors, flags = decode_page(data, content_type, lim)
    root = parse_tree(text, lim)
    head = read_head(root)
    strip_noise(root)
    # Datelines and bylines often sit in boxes with furniture-like classes: read metadata
    # from the blocks before cue-based pruning, the body from the blocks after it.
    spans: Spans = {}
    meta_blocks = iter_blocks(root, record=spans)
    changed = drop_boilerplate(root)
    # subtrees the pruning left alone give the same blocks again: copied, not re-walked
    blocks = iter_blocks(root, reuse=(meta_blocks, spans, changed))
    title = pick_title(head)
    paragraphs = article_paragraphs(blocks, title)
    if not paragraphs:
        raise InputRejected("no_article", "no block of running text found on the page")
    start = _first_index(meta_blocks, paragraphs)
    headline = title_index(meta_blocks, title, start)
    return Article(
        title=title,
        published_at=find_published(head, meta_blocks, headline, url, start),
        author=find_author(head, meta_blocks, headline, start, paragraphs),
        source=find_source(head, meta_blocks, headline, start),
        paragraphs=paragraphs,
        encoding=codec,
        encoding_errors=encoding_errors,
        flags=flags,
    )
