"""Which Chinese script a text is written in: Simplified (``hans``), Traditional (``hant``) or ``mixed``.

A character counts as Traditional when OpenCC t2s changes it and as Simplified when s2t changes it;
characters shared by both scripts are not evidence.  Counts are weighted by occurrences.
"""

from __future__ import annotations

import re
from collections import Counter

from pipeline.normalize.opencc_convert import convert

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")

#: The minority script must stay below this share of the distinguishing characters.
MIXED_SHARE = 0.2


def script_counts(text: str) -> tuple[int, int]:
    """(Traditional-only, Simplified-only) character occurrences in ``text``."""
    counts = Counter(text)
    chars = [c for c in counts if _HAN.match(c)]
    if not chars:
        return 0, 0
    joined = "\n".join(chars)
    to_simp = convert(joined, "t2s").split("\n")
    to_trad = convert(joined, "s2t").split("\n")
    if len(to_simp) != len(chars) or len(to_trad) != len(chars):  # pragma: no cover - defensive
        return 0, 0
    trad = sum(counts[c] for c, s in zip(chars, to_simp) if s != c)
    simp = sum(counts[c] for c, t in zip(chars, to_trad) if t != c)
    return trad, simp


def detect_script(text: str) -> str | None:
    """``"hans"``, ``"hant"`` or ``"mixed"``; ``None`` when the text has no Han characters.

    Text made only of characters common to both scripts counts as ``"hans"``.
    """
    if not text or not _HAN.search(text):
        return None
    trad, simp = script_counts(text)
    total = trad + simp
    if total == 0:
        return "hans"
    if trad <= MIXED_SHARE * total:
        return "hans"
    if simp <= MIXED_SHARE * total:
        return "hant"
    return "mixed"
