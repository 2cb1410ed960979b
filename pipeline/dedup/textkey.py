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


def split_paragraphs(text: str) -> list[str]:
    """The non-blank lines of ``text`` (paragraphs are newline-separated in the pipeline)."""
    return [line for line in text.split("\n") if line.strip()]
