"""Text preparation for classification: Simplified script, boilerplate removed, title kept apart."""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipeline.normalize.opencc_convert import convert

#: The classifier's input unit: ``(title, body, body tokens, title tokens)``.
Item = tuple[str, str, Sequence[str], Sequence[str]]

# Broadcast / wire lead-ins such as "XX网消息（新闻联播）：" or "新华社北京3月5日电（记者 …）".
_LEAD_INS = re.compile(
    r"^\s*(?:"
    r"[\w·]{1,12}消息\s*[（(][^）)\n]{0,16}[)）]\s*[：:]?"
    r"|[\w·]{1,12}消息\s*[：:]"
    r"|(?:新华社|中新社|中新网|本报)[^，。：\n]{0,20}电(?:\s*[（(][^）)\n]{0,30}[)）])?"
    r"|本报讯(?:\s*[（(][^）)\n]{0,30}[)）])?"
    r")"
)
# Social-media and page furniture that carries no topic signal.  Each pattern only runs when
# its literal marker occurs (a cheap ``in`` test), which keeps this step fast on long texts.
# (a character-class regex: ``str.translate`` with a dict table costs ~15 us per 500 characters)
_DROP_CHARS = re.compile("[\u200b\u200c\u200d\u200e\u200f\u2060\ufeff#＃]")
_FURNITURE = (
    ("展开全文", re.compile(r"\.{2,}\s*展开全文\w?|…*展开全文\w?")),
    ("网页链接", re.compile(r"[OL]?网页链接")),
    ("的微博视频", re.compile(r"[\w·]{1,20}的微博视频")),
    ("{{}}", re.compile(r"\{\{\}\}")),
    ("@", re.compile(r"//@[^:：\s]{1,30}[:：]|@[\w\-]{1,30}")),
)
_SPACES = re.compile(r"[ \t\u3000\xa0]+")


def strip_boilerplate(text: str) -> str:
    """Remove lead-ins, zero-width characters, hashtags markers, mentions and 'expand' links."""
    text = _DROP_CHARS.sub("", text)
    for marker, pattern in _FURNITURE:
        if marker in text:
            text = pattern.sub("", text)
    text = _LEAD_INS.sub("", text, count=1)
    return _SPACES.sub(" ", text).strip()


def to_simplified(text: str) -> str:
    """Traditional (or mixed) to Simplified through OpenCC ``t2s``; Simplified text is unchanged."""
    return convert(text, "t2s") if text else ""


def prepare(title: str | None, text: str | None, simplified: bool = False) -> tuple[str, str]:
    """``(title, body)`` ready for the features: Simplified and without boilerplate.

    ``simplified=True`` skips the conversion of the body (already normalized by the run).
    """
    title = strip_boilerplate(to_simplified(title or ""))
    body = text or ""
    if not simplified:
        body = to_simplified(body)
    return title, strip_boilerplate(body)
