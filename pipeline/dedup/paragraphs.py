"""Repeated paragraphs: exact matches of normalized paragraphs inside and across documents."""

from __future__ import annotations

import hashlib

import numpy as np


def text_hash(key: str) -> int:
    """64-bit hash of a normalized text (stable across processes and machines)."""
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "little")


class ParagraphCounter:
    """Collects one 64-bit hash per eligible paragraph, then tells each document's repeated share.

    Holds two integers per paragraph (hash and document row), never the paragraph text.
    """

    def __init__(self) -> None:
        self._hashes: list[np.ndarray] = []
        self._rows: list[np.ndarray] = []

    def add(self, row: int, keys: list[str]) -> None:
        """Record the normalized paragraphs ``keys`` of document ``row``."""
        if keys:
            self._hashes.append(np.fromiter((text_hash(k) for k in keys), dtype=np.uint64, count=len(keys)))
            self._rows.append(np.full(len(keys), row, dtype=np.int64))

    def repeated_ratio(self, n_docs: int) -> np.ndarray:
        """Per document: share of its eligible paragraphs that occur at least twice in the corpus."""
        if not self._hashes:
            return np.zeros(n_docs)
        hashes = np.concatenate(self._hashes)
        rows = np.concatenate(self._rows)
        _, inverse, counts = np.unique(hashes, return_inverse=True, return_counts=True)
        repeated = counts[inverse] >= 2
        total = np.bincount(rows, minlength=n_docs)
        hits = np.bincount(rows, weights=repeated, minlength=n_docs)
        return np.divide(hits, total, out=np.zeros(n_docs), where=total > 0)
