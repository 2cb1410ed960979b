"""Evidence: the sentences of an item that drove each assigned topic.

The guidelines assign a topic when "at least one full sentence is about it", so a decision is
shown by the item's own sentences (in its original script) that the topic's classifier scores
highest on their own.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np

from pipeline.classify.settings import EVIDENCE_MAX, EVIDENCE_MIN_CHARS, EVIDENCE_RELATIVE_FLOOR

# a sentence ends at Chinese or Western end punctuation (closing quotes stay with it) or a line break
_SENTENCE = re.compile(r"[^。！？!?；;\n]+(?:[。！？!?；;]+[”’」』）)]*)?")


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text`` as they are written (stripped), without empty ones."""
    return [s.strip() for s in _SENTENCE.findall(text or "") if s.strip()]


def candidate_sentences(title: str | None, text: str | None) -> list[str]:
    """The sentences evidence is chosen from: the title, then the body's sentences."""
    out = [title.strip()] if title and title.strip() else []
    out += split_sentences(text or "")
    return [s for s in out if len(s) >= EVIDENCE_MIN_CHARS]


def choose_evidence(
    sentences: Sequence[str], topics: Sequence[str], scores: Callable[[str], np.ndarray]
) -> dict[str, list[str]]:
    """``{topic: [sentence, ...]}``: per topic the best sentence, and up to ``EVIDENCE_MAX - 1``
    more scoring at least ``EVIDENCE_RELATIVE_FLOOR`` of it, in the item's order.

    ``scores(topic)`` returns one probability per sentence.
    """
    out: dict[str, list[str]] = {}
    if not sentences:
        return {t: [] for t in topics}
    for topic in topics:
        s = np.asarray(scores(topic), dtype=float)
        order = np.argsort(-s, kind="stable")[:EVIDENCE_MAX]
        best = s[order[0]]
        keep = [int(i) for i in order if i == order[0] or s[i] >= EVIDENCE_RELATIVE_FLOOR * best]
        out[topic] = [sentences[i] for i in sorted(keep)]
    return out
