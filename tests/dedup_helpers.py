"""Dedup over a list of records in one pass, as a run does it over its staged parts."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pipeline.dedup import DedupInput, Deduplicator, DedupResult


def find_duplicates(records: Iterable[DedupInput], **params: Any) -> DedupResult:
    """The clusters of ``records``: their features in batches, gathered in one index."""
    dedup = Deduplicator(**params)
    index = dedup.index()
    for batch in dedup.featurized(records):
        index.add(batch)
    return index.result()
