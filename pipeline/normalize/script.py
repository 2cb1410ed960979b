"""Which Chinese script a text is written in: Simplified (``hans``), Traditional (``hant``) or ``mixed``.

A character counts as Traditional when OpenCC t2s changes it and as Simplified when s2t changes it;
characters shared by both scripts are not evidence.  Counts are weighted by occurrences.

Both character sets come from one OpenCC pass over every Han code point, each character converted
on its own, done when the package is built (:mod:`pipeline.normalize.tables`); a text is counted
with two regex scans at C speed.
"""

from __future__ import annotations

import functools
import re

from pipeline.normalize.opencc_convert import convert
from pipeline.normalize.settings import MIXED_SHARE

_HAN_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")



def char_class(chars: list[str]) -> re.Pattern[str]:
    """A compiled character class matching exactly ``chars`` (sorted code points, as ranges)."""
    if not chars:
        return re.compile(r"(?!)")
    points = sorted(ord(c) for c in chars)
    parts = []
    start = prev = points[0]
    for cp in points[1:] + [-1]:
        if cp != prev + 1:
            parts.append(chr(start) if start == prev else f"{chr(start)}-{chr(prev)}")
            start = cp
        prev = cp
    return re.compile("[" + "".join(re.escape(p) if len(p) == 1 else p for p in parts) + "]")


#: Name of the packaged table (``pipeline/resources/script_chars.json``).
TABLE_NAME = "script_chars"


def build_tables() -> dict[str, str]:
    """The Traditional-only and Simplified-only characters of the Han blocks, each converted on
    its own by OpenCC."""
    chars = [chr(cp) for lo, hi in _HAN_RANGES for cp in range(lo, hi + 1)]
    joined = "\n".join(chars)
    to_simp = convert(joined, "t2s").split("\n")
    to_trad = convert(joined, "s2t").split("\n")
    if len(to_simp) != len(chars) or len(to_trad) != len(chars):  # pragma: no cover - defensive
        raise RuntimeError("OpenCC changed the number of lines while converting single characters")
    trad = "".join(c for c, s in zip(chars, to_simp) if s != c)
    simp = "".join(c for c, t in zip(chars, to_trad) if t != c)
    return {"traditional": trad, "simplified": simp}


@functools.lru_cache(maxsize=1)
def script_classes() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(Traditional-only, Simplified-only) character classes over the Han blocks, from the
    prebuilt table (:mod:`pipeline.normalize.tables`; building it loads OpenCC's s2t too)."""
    from pipeline.normalize.tables import load_table, opencc_key

    table = load_table(TABLE_NAME, opencc_key(), build_tables)
    return char_class(list(table["traditional"])), char_class(list(table["simplified"]))


def script_counts(text: str) -> tuple[int, int]:
    """(Traditional-only, Simplified-only) character occurrences in ``text``."""
    trad, simp = script_classes()
    return len(trad.findall(text)), len(simp.findall(text))


def detect_script(text: str) -> str | None:
    """``"hans"``, ``"hant"`` or ``"mixed"``; ``None`` when the text has no Han characters.

    Text made only of characters common to both scripts counts as ``"hans"``.
    """
    if not text or not _HAN.search(text):
        return None
    trad_class, simp_class = script_classes()
    # one script absent decides without counting (most texts are all Simplified)
    if not trad_class.search(text):
        return "hans"
    if not simp_class.search(text):
        return "hant"
    trad, simp = script_counts(text)
    total = trad + simp
    if total == 0:
        return "hans"
    if trad <= MIXED_SHARE * total:
        return "hans"
    if simp <= MIXED_SHARE * total:
        return "hant"
    return "mixed"
