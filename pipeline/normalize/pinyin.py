"""Remove per-character pinyin annotations left by Traditional-conversion sites: ``醫(yī)師`` -> ``醫師``.

An annotation is a parenthesized single pinyin syllable (with a tone mark) that directly follows
the Han character it annotates.  Ordinary parentheses (``(资料图片)``, ``(8月3日)``, ``(輔)``,
``(WHO)``) survive: the content must be exactly one lower-case syllable.  Toneless syllables
(``的(de)``) are removed only when the same text also carries toned annotations.  A broken
annotation whose opening bracket and character were lost to mojibake (``?zhí)``) is removed too.
"""

from __future__ import annotations

import re

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_LETTERS = "a-zü" + _TONED
# One pinyin syllable: optional initial, then a final; vowels may carry a tone mark.
_V = f"[aeiouüv{_TONED}]"
_SYLLABLE = rf"(?:[bpmfdtnlgkhjqxrzcsyw]|zh|ch|sh)?{_V}{{1,3}}(?:ng|n|r)?|[mn]g?|[ńňǹḿ]g?|ê"
_HAN = r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"

_ANNOTATION = re.compile(rf"(?<={_HAN})[(（]((?:{_SYLLABLE}))[)）]")
_BROKEN = re.compile(rf"(?<=[?\ufffd])((?:{_SYLLABLE}))\)")
_HAS_TONE = re.compile(f"[{_TONED}]")
_QUICK = re.compile(rf"[{_LETTERS}]\)|[{_LETTERS}]）")


def remove_pinyin_annotations(text: str) -> tuple[str, int]:
    """``text`` without pinyin annotations, and how many were removed."""
    if not text or not _QUICK.search(text):
        return text, 0
    toned = sum(1 for m in _ANNOTATION.finditer(text) if _HAS_TONE.search(m.group(1)))
    count = 0

    def drop(match: re.Match[str]) -> str:
        nonlocal count
        if _HAS_TONE.search(match.group(1)) or toned >= 2:
            count += 1
            return ""
        return match.group(0)

    text = _ANNOTATION.sub(drop, text)
    if toned:
        # broken annotations only count as such where real ones exist in the same text
        text = _BROKEN.sub(lambda m: drop(m) if _HAS_TONE.search(m.group(1)) else m.group(0), text)
    return text, count
