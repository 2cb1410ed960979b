"""Candidate verification: exact Jaccard similarity and containment of document pairs.

Every document keeps its sorted distinct shingle hashes, and every candidate pair is verified on
them: MinHash's estimation error (about +-0.035 at 0.8 with 128 permutations) would otherwise
drop about a third of the pairs just above the threshold and admit as many just below it.
Containment of the smaller set in the larger one follows from the Jaccard value and the two set
sizes: ``|A & B| = J (|A| + |B|) / (1 + J)``.
"""

from __future__ import annotations

import mmap
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import IO

import numpy as np

from pipeline.dedup import ranges
from pipeline.dedup.minhash import estimate_jaccard
from pipeline.dedup.paragraphs import ParagraphCounter
from pipeline.dedup.settings import (
    MIN_CHUNK_ELEMENTS,
    PAIRS_CHUNK,
    SHINGLES_IN_MEMORY,
    SYNDICATION_MIN_JACCARD,
    SYNDICATION_MIN_SHINGLES,
    SYNDICATION_SHARED_PARAGRAPHS,
)
from pipeline.dedup.threads import thread_map

_U32 = np.uint32


def distinct_sets(hash_sets: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per set: its distinct count and whether it is kept (not empty); the kept sets' sorted
    distinct shingles concatenated in set order (``(sizes, stored, flat)``)."""
    n = len(hash_sets)
    lengths = np.fromiter((len(h) for h in hash_sets), dtype=np.int64, count=n)
    if n == 0 or not lengths.any():
        return np.zeros(n, dtype=np.int64), np.zeros(n, dtype=bool), np.empty(0, dtype=_U32)
    owner = np.repeat(np.arange(n, dtype=np.uint64), lengths)
    keys = (owner << np.uint64(32)) | np.concatenate(hash_sets).astype(np.uint64)
    keys.sort()  # a plain sort: np.unique's hash table is several times slower here
    keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))]
    doc = (keys >> np.uint64(32)).astype(np.int64)
    sizes = np.bincount(doc, minlength=n).astype(np.int64)
    stored = sizes > 0
    flat = (keys & np.uint64(0xFFFFFFFF)).astype(_U32)
    return sizes, stored, flat


class ShingleStore:
    """Distinct shingle counts and sorted distinct shingle sets of every document.

    Documents are added in row order, a batch at a time.  Memory: 24 bytes per document, plus 4
    bytes per stored shingle up to ``memory_limit`` shingles; past that the sets go to an
    unnamed temporary file in ``spill_dir`` (the system's default when None), which
    verification reads memory-mapped, so the resident memory does not grow with the corpus's text.
    """

    def __init__(self, spill_dir: str | Path | None = None, memory_limit: int = SHINGLES_IN_MEMORY) -> None:
        self.spill_dir = spill_dir
        self.memory_limit = memory_limit
        self._rows = 0
        self._sizes: list[np.ndarray] = []
        self._ends: list[np.ndarray] = []
        self._blocks: list[np.ndarray] = []
        self._in_memory = 0
        self._spill: IO[bytes] | None = None
        self._stored_rows: list[np.ndarray] = []
        self._total = 0
        self._aliases: list[tuple[np.ndarray, np.ndarray]] = []

    def add_batch(self, hash_sets: Sequence[np.ndarray]) -> None:
        """Record the next documents' shingle hashes (uint32; any order, repeats allowed)."""
        if hash_sets:
            self.add_sets(*distinct_sets(hash_sets))

    def add_sets(self, sizes: np.ndarray, stored: np.ndarray, flat: np.ndarray) -> None:
        """Record the next documents from :func:`distinct_sets`' output: distinct counts, which
        rows keep their shingles, and those rows' sorted distinct shingles concatenated."""
        self._sizes.append(np.asarray(sizes, dtype=np.int64))
        rows = np.flatnonzero(stored)
        if len(rows):
            counts = sizes[rows]
            self._blocks.append(np.asarray(flat, dtype=_U32))
            self._in_memory += len(flat)
            self._ends.append(self._total + np.cumsum(counts))
            self._total += int(counts.sum())
            self._stored_rows.append(self._rows + rows)
            if self._in_memory > self.memory_limit:
                self._write_out()
        self._rows += len(sizes)

    def _write_out(self) -> None:
        """Append the sets held in memory to the spill file."""
        if self._spill is None:
            self._spill = tempfile.TemporaryFile(dir=self.spill_dir, prefix="zhnews-shingles-")
        for block in self._blocks:
            self._spill.write(np.ascontiguousarray(block, dtype="<u4").tobytes())
        self._blocks, self._in_memory = [], 0

    def alias(self, rows: np.ndarray, sources: np.ndarray) -> None:
        """Give ``rows`` (added with no shingles) the shingle sets of ``sources`` (exact copies)."""
        self._aliases.append((np.asarray(rows, dtype=np.int64), np.asarray(sources, dtype=np.int64)))

    def freeze(self) -> FrozenShingles:
        """Arrays for verification (the store is emptied; a spill file is handed over)."""
        def joined(parts: list[np.ndarray], dtype: type) -> np.ndarray:
            return np.concatenate(parts) if parts else np.empty(0, dtype=dtype)

        stored_rows = joined(self._stored_rows, np.int64)
        slot = np.full(self._rows, -1, dtype=np.int64)
        slot[stored_rows] = np.arange(len(stored_rows))
        offsets = np.concatenate(([0], joined(self._ends, np.int64)))
        sizes = joined(self._sizes, np.int64)
        for rows, sources in self._aliases:
            sizes[rows], slot[rows] = sizes[sources], slot[sources]
        spill = self._spill
        if spill is not None:
            self._write_out()
            spill.flush()
            flat: np.ndarray = np.memmap(spill, dtype="<u4", mode="r", shape=(self._total,))
        else:
            flat = joined(self._blocks, _U32)
        frozen = FrozenShingles(sizes, slot, offsets, flat, spill)
        self._blocks, self._sizes, self._ends, self._stored_rows, self._aliases = [], [], [], [], []
        self._spill, self._in_memory, self._rows, self._total = None, 0, 0, 0
        return frozen


class FrozenShingles:
    """Set sizes per row; ``slot[row] >= 0`` when the row's shingles are in ``flat`` (an array,
    or a memory map of ``spill``, the file closed with the last reference to this object)."""

    def __init__(self, sizes: np.ndarray, slot: np.ndarray, offsets: np.ndarray, flat: np.ndarray,
                 spill: IO[bytes] | None = None) -> None:
        self.sizes = sizes
        self.slot = slot
        self.offsets = offsets
        self.flat = flat
        self.spill = spill

    def intersections(self, pairs: np.ndarray, threads: int = 1) -> np.ndarray:
        """``|A & B|`` of many pairs of stored rows (sorted distinct arrays), all at once.

        Each pair's shingles become ``pair << 32 | shingle`` keys: those of the second rows,
        concatenated in pair order, are then sorted already (rows' sets are sorted), and the
        first rows' keys are looked up in them.  The pairs go in chunks, up to ``threads`` at
        a time (one chunk per thread at least, when they are few).  Two rows sharing one stored
        set (an exact copy and its original) intersect in the whole set, which is not read.
        """
        out = np.zeros(len(pairs), dtype=np.int64)
        if len(pairs) == 0:
            return out
        slots = self.slot[np.asarray(pairs, dtype=np.int64)]
        same = (slots[:, 0] == slots[:, 1]) & (slots[:, 0] >= 0)
        if not same.any():
            return self._counted(slots, threads)
        shared = slots[same, 0]
        out[same] = self.offsets[shared + 1] - self.offsets[shared]
        rest = np.flatnonzero(~same)
        out[rest] = self._counted(slots[rest], threads)
        return out

    def _counted(self, slots: np.ndarray, threads: int) -> np.ndarray:
        """``|A & B|`` of the stored sets of each row of ``slots`` (pairs of slots)."""
        out = np.zeros(len(slots), dtype=np.int64)
        if len(slots) == 0:
            return out
        begin, end = self.offsets[slots], self.offsets[slots + 1]
        sizes = (end[:, 0] - begin[:, 0]) + (end[:, 1] - begin[:, 1])
        per_thread = -(-int(sizes.sum()) // max(1, threads))  # ceiling division
        limit = min(ranges.CHUNK_ELEMENTS, max(MIN_CHUNK_ELEMENTS, per_thread))

        def count(part: slice) -> np.ndarray:
            owner_a, index_a = ranges.expand(begin[part, 0], end[part, 0])
            owner_b, index_b = ranges.expand(begin[part, 1], end[part, 1])
            if len(index_b) == 0:
                return np.zeros(part.stop - part.start, dtype=np.int64)
            keys_a = (owner_a.astype(np.uint64) << np.uint64(32)) | self.flat[index_a].astype(np.uint64)
            keys_b = (owner_b.astype(np.uint64) << np.uint64(32)) | self.flat[index_b].astype(np.uint64)
            pos = np.minimum(np.searchsorted(keys_b, keys_a), len(keys_b) - 1)
            hit = keys_b[pos] == keys_a
            return np.bincount(owner_a[hit], minlength=part.stop - part.start)

        parts = list(ranges.chunks(sizes, limit))
        for start in range(0, len(parts), max(1, threads)):
            group = parts[start : start + max(1, threads)]
            for part, counts in zip(group, thread_map(count, group, threads)):
                out[part] = counts
            self._release_pages()
        return out

    def _release_pages(self) -> None:
        """Drop the spill file's pages from this process's memory (they stay in the page cache):
        the resident size stays that of one round of chunks, not of every set verification read."""
        mapped = getattr(self.flat, "_mmap", None)
        if mapped is not None and hasattr(mapped, "madvise"):
            mapped.madvise(mmap.MADV_DONTNEED)


def similarities(
    sig: np.ndarray, store: FrozenShingles, pairs: np.ndarray, floor: float = 0.0, threads: int = 1
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per pair: Jaccard similarity, containment of the smaller set, and whether it is exact.

    Pairs of stored (non-empty) documents are computed exactly unless their estimate lies more
    than four standard deviations of the estimator below ``floor`` (the lowest Jaccard value any criterion
    accepts): such pairs cannot qualify, and skipping them saves most of the exact work when
    loose banding yields many weak candidates.  ``threads``: see :meth:`FrozenShingles.intersections`.
    """
    n_pairs = len(pairs)
    jac = np.zeros(n_pairs)
    for start in range(0, n_pairs, PAIRS_CHUNK):
        chunk = pairs[start : start + PAIRS_CHUNK]
        jac[start : start + len(chunk)] = estimate_jaccard(sig[chunk[:, 0]], sig[chunk[:, 1]])
    size_a, size_b = store.sizes[pairs[:, 0]], store.sizes[pairs[:, 1]]
    margin = 4.0 * np.sqrt(floor * (1.0 - floor) / sig.shape[1]) if sig.ndim == 2 and sig.shape[1] else 0.0
    exact = (store.slot[pairs[:, 0]] >= 0) & (store.slot[pairs[:, 1]] >= 0) & (jac >= floor - margin)
    inter = jac * (size_a + size_b) / (1.0 + jac)
    checked = np.flatnonzero(exact)
    inter[checked] = store.intersections(pairs[checked], threads)
    union = size_a + size_b - inter
    jac = np.where(exact, np.divide(inter, union, out=np.zeros(n_pairs), where=union > 0), jac)
    smaller = np.minimum(size_a, size_b)
    contain = np.minimum(1.0, np.divide(inter, smaller, out=np.zeros(n_pairs), where=smaller > 0))
    return jac, contain, exact


def syndicated(
    pairs: np.ndarray,
    jac: np.ndarray,
    contain: np.ndarray,
    set_sizes: np.ndarray,
    key_lengths: np.ndarray,
    para: ParagraphCounter,
    containment: float,
) -> np.ndarray:
    """Per pair: is the smaller document a syndicated copy of the larger one?

    A copy republished by another site keeps most paragraphs verbatim but rewrites the lead, drops
    or adds a paragraph and adds a "原标题：" line or a footer, which puts its Jaccard similarity
    well below 0.8.  The pair qualifies when (1) at least ``containment`` of the smaller
    document's shingles occur in the larger one, (2) their Jaccard similarity is at least
    :data:`SYNDICATION_MIN_JACCARD` (comparable sizes: no short item inside a digest),
    (3) the smaller one has at least :data:`SYNDICATION_MIN_SHINGLES` distinct shingles (an
    article, not a microblog post: posts quoting or truncating each other are not syndication),
    and (4) at least :data:`SYNDICATION_SHARED_PARAGRAPHS` of its characters are in normalized
    paragraphs that occur verbatim in the other (text edited throughout is a different version,
    judged by Jaccard alone).
    """
    a, b = pairs[:, 0], pairs[:, 1]
    ok = (contain >= containment) & (jac >= SYNDICATION_MIN_JACCARD)
    ok &= np.minimum(set_sizes[a], set_sizes[b]) >= SYNDICATION_MIN_SHINGLES
    idx = np.flatnonzero(ok)
    if len(idx) == 0:
        return ok
    sub = pairs[idx]
    a_smaller = key_lengths[sub[:, 0]] <= key_lengths[sub[:, 1]]
    ordered = np.where(a_smaller[:, None], sub, sub[:, ::-1])
    shared = para.shared_chars(ordered)
    ok[idx] = shared >= SYNDICATION_SHARED_PARAGRAPHS * np.maximum(key_lengths[ordered[:, 0]], 1)
    return ok
