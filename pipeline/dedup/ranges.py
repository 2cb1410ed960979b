"""Many row ranges at once: the vectorized form of ``for k, (start, stop): ... array[start:stop]``."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from pipeline.dedup.settings import CHUNK_ELEMENTS


def expand(starts: np.ndarray, stops: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(owner, index)``: for each range ``k``, its indices ``starts[k]..stops[k]-1`` in order,
    each with its range number ``k`` (both int64, concatenated over the ranges)."""
    lengths = np.maximum(np.asarray(stops, dtype=np.int64) - starts, 0)
    owner = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
    begins = np.cumsum(lengths) - lengths
    index = np.arange(int(lengths.sum()), dtype=np.int64) - np.repeat(begins - starts, lengths)
    return owner, index


def chunks(sizes: np.ndarray, limit: int | None = None) -> Iterator[slice]:
    """Consecutive slices of the ranges whose ``sizes`` add up to at most ``limit`` each
    (default :data:`CHUNK_ELEMENTS`; a single range larger than that is a chunk of its own)."""
    limit = CHUNK_ELEMENTS if limit is None else limit
    total = np.cumsum(np.asarray(sizes, dtype=np.int64))
    start, n = 0, len(total)
    while start < n:
        base = total[start - 1] if start else 0
        stop = max(start + 1, int(np.searchsorted(total, base + limit, side="right")))
        yield slice(start, stop)
        start = stop
