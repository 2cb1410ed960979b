"""Per-document quality signals and the filters that reject on them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.errors import InputRejected

#: Runs of characters that are not Han: removing them leaves the Han characters (one regex
#: match per run, not one per Han character).
_NON_HAN_RUN = re.compile(r"[^\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def han_ratio(text: str) -> float:
    """Han characters over all non-whitespace characters (0.0 for empty text)."""
    chars = char_count(text)
    return len(_NON_HAN_RUN.sub("", text)) / chars if chars else 0.0


def char_count(text: str) -> int:
    """Non-whitespace characters."""
    return len("".join(text.split()))


def repetition_ratio(paragraphs: list[str]) -> float:
    """Share of characters in paragraphs that repeat an earlier paragraph exactly (after trimming)."""
    seen: set[str] = set()
    total = repeated = 0
    for para in paragraphs:
        key = "".join(para.split())
        total += len(key)
        if key in seen:
            repeated += len(key)
        elif key:
            seen.add(key)
    return repeated / total if total else 0.0


@dataclass(frozen=True, slots=True)
class QualityFilter:
    """Thresholds; ``None`` disables a check.  :meth:`check` raises ``InputRejected``."""

    min_chars: int | None = 20
    min_han_ratio: float | None = 0.3
    max_mojibake_score: float | None = 0.05
    max_repetition_ratio: float | None = 0.5
    reasons: tuple[str, ...] = field(default=("too_short", "low_han_ratio", "mojibake", "repetitive"))

    def check(self, *, chars: int, han: float, mojibake: float, repetition: float) -> None:
        """Raise ``InputRejected`` with the first failing check's reason."""
        if self.min_chars is not None and chars < self.min_chars:
            raise InputRejected("too_short", f"{chars} characters < {self.min_chars}")
        if self.min_han_ratio is not None and han < self.min_han_ratio:
            raise InputRejected("low_han_ratio", f"Han ratio {han:.3f} < {self.min_han_ratio}")
        if self.max_mojibake_score is not None and mojibake > self.max_mojibake_score:
            raise InputRejected("mojibake", f"mojibake score {mojibake:.3f} > {self.max_mojibake_score}")
        if self.max_repetition_ratio is not None and repetition > self.max_repetition_ratio:
            raise InputRejected("repetitive", f"repetition ratio {repetition:.3f} > {self.max_repetition_ratio}")
