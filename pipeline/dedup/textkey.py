"""The text a duplicate check compares: Simplified, NFKC, no punctuation, spaces or repost markers."""

from __future__ import annotations

import re
import unicodedata

from pipeline.normalize.opencc_convert import convert

# Weibo repost-chain markers ("//@name:" / "//@name："); the text around them is kept.
_REPOST_MARKER = re.compile(r"//@[^:：\s/]{1,30}[:：]")
# Everything that is not a letter or digit: punctuation, symbols, spaces, zero-width chars.
_NON_WORD = re.compile(r"[\W_]+")


def dedup_key(text: str, *, to_simplified: bool = True) -> str:
    """``text`` reduced to what makes two copies the same story.

    NFKC folding (full-width digits/letters), lowercasing, OpenCC t2s (idempotent on text the
    normalize stage already converted, so Traditional and Simplified copies compare equal),
    removal of repost-chain markers, and removal of every non-word character, so differences in
    punctuation, spacing and line breaks between copies do not count.
    """
    if to_simplified:
        text = convert(text, "t2s")
    text = _NON_WORD.sub("", _REPOST_MARKER.sub("", text))
    # NFKC after stripping (much less text to fold); folding can expose new symbols ("①" -> "1").
    if not unicodedata.is_normalized("NFKC", text):
        text = _NON_WORD.sub("", unicodedata.normalize("NFKC", text))
    return text.lower()


def repost_content(text: str) -> str:
    """The reposted part of a Weibo-style repost chain (``c1//@a: c2//@b: post``), else ``text``.

    Comments are dropped from the front, one ``//@name:`` segment at a time, while the comment is
    shorter than everything after it: reposts of one post along different paths, each with a
    few words of its own, become the same item.  A comment longer than what it reposts is new
    content, so the text is kept from there on.
    """
    while True:
        match = _REPOST_MARKER.search(text)
        if match is None:
            return text
        comment, rest = text[: match.start()], text[match.end() :]
        if match.start() > 0 and len(_NON_WORD.sub("", comment)) >= _content_length(rest):
            return text
        text = rest


def _content_length(text: str) -> int:
    return len(_NON_WORD.sub("", _REPOST_MARKER.sub("", text)))


def line_keys(text: str, *, to_simplified: bool = True) -> list[str]:
    """:func:`dedup_key` of each paragraph of the repost-aware text (see :func:`repost_content`)."""
    return [dedup_key(line, to_simplified=to_simplified) for line in split_paragraphs(repost_content(text))]


def document_key(text: str, *, to_simplified: bool = True) -> str:
    """The whole text a near-duplicate check compares (its paragraphs' keys, concatenated)."""
    return "".join(line_keys(text, to_simplified=to_simplified))


def split_paragraphs(text: str) -> list[str]:
    """The non-blank lines of ``text`` (paragraphs are newline-separated in the pipeline)."""
    return [line for line in text.split("\n") if line.strip()]
