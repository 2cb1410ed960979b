"""Paragraph hashes: repeated paragraphs inside and across documents, paragraphs two documents share."""

from __future__ import annotations

import hashlib

import numpy as np

from pipeline.dedup import ranges
from pipeline.dedup.settings import PARAGRAPHS_PENDING


def text_hash(key: str) -> int:
    """64-bit hash of a normalized text (stable across processes and machines)."""
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "little")


class ParagraphCounter:
    """Collects one 64-bit hash and the length of each eligible paragraph, per document row.

    Holds three integers per paragraph (hash, document row, length), never the paragraph text.
    Rows must be added in increasing order.
    """

    def __init__(self) -> None:
        self._hashes: list[np.ndarray] = []
        self._rows: list[np.ndarray] = []
        self._lengths: list[np.ndarray] = []
        self._pending: tuple[list[int], list[int], list[int]] = ([], [], [])
        self._frozen: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self._ids: tuple[np.ndarray, np.ndarray] | None = None

    def add(self, row: int, keys: list[str]) -> None:
        """Record the normalized paragraphs ``keys`` of document ``row``."""
        if keys:
            hashes, rows, lengths = self._pending
            hashes.extend(text_hash(k) for k in keys)
            rows.extend([row] * len(keys))
            lengths.extend(len(k) for k in keys)
            if len(hashes) >= PARAGRAPHS_PENDING:
                self._flush()
            self._frozen = None

    def add_rows(self, rows: np.ndarray, hashes: np.ndarray, lengths: np.ndarray) -> None:
        """Record paragraphs already hashed (:func:`text_hash`): one document row, hash and
        length per paragraph, rows not below any added before."""
        if len(hashes):
            self._flush()
            self._hashes.append(np.asarray(hashes, dtype=np.uint64))
            self._rows.append(np.asarray(rows, dtype=np.int64))
            self._lengths.append(np.asarray(lengths, dtype=np.int32))
            self._frozen = None

    def _flush(self) -> None:
        hashes, rows, lengths = self._pending
        if hashes:
            self._hashes.append(np.array(hashes, dtype=np.uint64))
            self._rows.append(np.array(rows, dtype=np.int64))
            self._lengths.append(np.array(lengths, dtype=np.int32))
            self._pending = ([], [], [])

    def _arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if self._frozen is None:
            self._flush()
            if self._hashes:
                parts = (np.concatenate(self._hashes), np.concatenate(self._rows), np.concatenate(self._lengths))
            else:
                parts = (np.empty(0, np.uint64), np.empty(0, np.int64), np.empty(0, np.int32))
            self._hashes, self._rows, self._lengths = [parts[0]], [parts[1]], [parts[2]]
            self._frozen, self._ids = parts, None
        return self._frozen

    def _dense_ids(self) -> tuple[np.ndarray, np.ndarray]:
        """Each paragraph's dense hash id, and how many paragraphs have each id (computed once
        for both :meth:`repeated_ratio` and :meth:`shared_chars`)."""
        hashes, _, _ = self._arrays()
        if self._ids is None:
            _, inverse, counts = np.unique(hashes, return_inverse=True, return_counts=True)
            self._ids = (inverse.reshape(-1), counts)
        return self._ids

    def repeated_ratio(self, n_docs: int) -> np.ndarray:
        """Per document: share of its eligible paragraphs that occur at least twice in the corpus."""
        hashes, rows, _ = self._arrays()
        if len(hashes) == 0:
            return np.zeros(n_docs)
        inverse, counts = self._dense_ids()
        repeated = counts[inverse] >= 2
        total = np.bincount(rows, minlength=n_docs)
        hits = np.bincount(rows, weights=repeated, minlength=n_docs)
        return np.divide(hits, total, out=np.zeros(n_docs), where=total > 0)

    def shared_chars(self, pairs: np.ndarray) -> np.ndarray:
        """Per pair of rows: characters of the first row's distinct paragraphs also in the second."""
        hashes, rows, lengths = self._arrays()
        out = np.zeros(len(pairs), dtype=np.int64)
        if len(hashes) == 0 or len(pairs) == 0:
            return out
        pairs = np.asarray(pairs, dtype=np.int64)
        start = np.searchsorted(rows, pairs, side="left")
        stop = np.searchsorted(rows, pairs, side="right")
        # dense paragraph ids, so that (pair, paragraph) fits one int64 key
        ids, counts = self._dense_ids()
        n_ids = np.int64(len(counts))
        work = (stop[:, 0] - start[:, 0]) + (stop[:, 1] - start[:, 1])
        for part in ranges.chunks(work):
            owner_a, index_a = ranges.expand(start[part, 0], stop[part, 0])
            owner_b, index_b = ranges.expand(start[part, 1], stop[part, 1])
            # the first row's distinct paragraphs (first occurrence), then those the second has
            keys_a, first = np.unique(owner_a * n_ids + ids[index_a], return_index=True)
            shared = np.isin(keys_a, owner_b * n_ids + ids[index_b])
            chars = lengths[index_a[first[shared]]].astype(np.int64)
            out[part] = np.bincount(keys_a[shared] // n_ids, weights=chars, minlength=part.stop - part.start)
        return out
