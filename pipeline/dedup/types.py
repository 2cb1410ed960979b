"""What the dedup step reads per document and what it gives back."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import NamedTuple

import numpy as np

from pipeline.record import Doc


class DedupInput(NamedTuple):
    """One document as the global dedup step sees it (only what clustering needs).

    ``text`` is the normalized (OpenCC t2s) body with paragraphs separated by newlines;
    ``paragraphs`` may be given instead of being derived from ``text``.
    """

    doc_id: str
    text: str
    published_at: str | None = None
    char_count: int = 0
    paragraphs: list[str] | None = None

    @classmethod
    def from_doc(cls, doc: Doc) -> DedupInput:
        """The dedup view of a pipeline :class:`~pipeline.record.Doc`."""
        text = doc.text if doc.text is not None else doc.body()
        count = doc.char_count if doc.char_count is not None else len(text)
        return cls(doc.doc_id, text, doc.published_at, count)


class DupInfo(NamedTuple):
    """Dedup columns of one row."""

    dup_cluster_id: str
    dup_cluster_size: int
    is_canonical: bool
    repeated_paragraph_ratio: float


class DupPairs:
    """The near-duplicate pairs the step asserted (verified LSH candidates), as row arrays."""

    def __init__(self, doc_ids: list[str], rows: np.ndarray, jaccard: np.ndarray, containment: np.ndarray) -> None:
        self.doc_ids = doc_ids
        self.rows = rows
        self.jaccard = jaccard
        self.containment = containment

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[tuple[str, str, float, float]]:
        """``(doc_id, doc_id, jaccard, containment)``; exact-text duplicates are not listed."""
        for (a, b), j, c in zip(self.rows.tolist(), self.jaccard.tolist(), self.containment.tolist()):
            yield self.doc_ids[a], self.doc_ids[b], j, c


class DedupResult(Mapping[str, DupInfo]):
    """``doc_id -> DupInfo`` for every input document, plus run statistics and asserted pairs."""

    def __init__(self, rows: dict[str, DupInfo], stats: dict[str, float | int], pairs: DupPairs | None = None) -> None:
        self._rows = rows
        #: Counts and timings of the run (documents, clusters, candidate pairs, seconds per phase).
        self.stats = stats
        #: Verified near-duplicate pairs with their Jaccard and containment values.
        empty = DupPairs([], np.empty((0, 2), dtype=np.int64), np.empty(0), np.empty(0))
        self.pairs = pairs if pairs is not None else empty

    def __getitem__(self, doc_id: str) -> DupInfo:
        return self._rows[doc_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)

    def clusters(self) -> dict[str, list[str]]:
        """Cluster id -> sorted member doc_ids, for clusters with more than one member."""
        out: dict[str, list[str]] = {}
        for doc_id, info in self._rows.items():
            if info.dup_cluster_size > 1:
                out.setdefault(info.dup_cluster_id, []).append(doc_id)
        return {cid: sorted(members) for cid, members in sorted(out.items())}

    def apply(self, doc: Doc) -> Doc:
        """Fill the dedup fields of ``doc`` (a doc absent from the run is its own cluster)."""
        info = self._rows.get(doc.doc_id) or DupInfo(doc.doc_id, 1, True, 0.0)
        doc.dup_cluster_id = info.dup_cluster_id
        doc.dup_cluster_size = info.dup_cluster_size
        doc.is_canonical = info.is_canonical
        return doc
