"""Copies of real long articles just above and just below the threshold are told apart exactly."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from pipeline.dedup import DedupInput
from pipeline.dedup.textkey import document_key
from tests.dedup_helpers import find_duplicates
from tests.test_dedup_shared import load_indomain

# replacement characters for the edits: common Han characters, none of them punctuation
_HAN = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面"


def _grams(text: str) -> set[str]:
    key = document_key(text)
    return {key[k : k + 5] for k in range(len(key) - 4)}


def _jaccard(a: str, b: str) -> float:
    x, y = _grams(a), _grams(b)
    return len(x & y) / len(x | y)


def _edited(text: str, low: float, high: float, rng: random.Random) -> str | None:
    """``text`` with characters replaced at random until its exact 5-gram Jaccard to the original
    lies in [low, high) (None if no try lands there)."""
    for _ in range(80):
        rate = rng.uniform(0.01, 0.04)
        chars = [rng.choice(_HAN) if ch != "\n" and rng.random() < rate else ch for ch in text]
        copy = "".join(chars)
        if low <= _jaccard(text, copy) < high:
            return copy
    return None


@pytest.fixture(scope="module")
def near_threshold(shared_data: Path) -> tuple[list[DedupInput], dict[str, tuple[str, bool]]]:
    """Long real articles (> 1,000 compared characters: their sets are far larger than a Weibo
    post's), each with a copy at Jaccard 0.80-0.85 and one at 0.75-0.80 to it."""
    recs = load_indomain(shared_data, ("dxy_news_2020.jsonl", "peoples_daily_s1000.jsonl", "hkcnews.jsonl"))
    long = [r for r in recs if len(document_key(r.text)) > 1000]
    rng = random.Random(11)
    originals = rng.sample(long, 40)
    docs: list[DedupInput] = []
    copies: dict[str, tuple[str, bool]] = {}  # copy id -> (original id, above the threshold)
    for original in originals:
        docs.append(original)
        for above, (low, high) in ((True, (0.80, 0.85)), (False, (0.75, 0.80))):
            text = _edited(original.text, low, high, rng)
            assert text is not None
            doc_id = f"{original.doc_id}-{'above' if above else 'below'}"
            docs.append(DedupInput(doc_id, text, original.published_at, len(text)))
            copies[doc_id] = (original.doc_id, above)
    return docs, copies


@pytest.mark.parametrize("containment", [0.0, 0.7], ids=["jaccard-only", "default"])
def test_copies_at_the_threshold_are_decided_on_the_exact_value(
    near_threshold: tuple[list[DedupInput], dict[str, tuple[str, bool]]], containment: float
) -> None:
    docs, copies = near_threshold
    result = find_duplicates(docs, containment=containment)
    texts = {d.doc_id: d.text for d in docs}
    asserted = {frozenset((a, b)): jac for a, b, jac, _ in result.pairs}
    for copy_id, (original_id, above) in copies.items():
        same = result[copy_id].dup_cluster_id == result[original_id].dup_cluster_id
        assert same == above, copy_id
        pair = frozenset((copy_id, original_id))
        assert (pair in asserted) == above
        if above:  # the reported value is the exact one, not an estimate
            assert asserted[pair] == pytest.approx(_jaccard(texts[copy_id], texts[original_id]))
