"""Thread fan-out for the clustering's array work (numpy releases the GIL in its sorts,
searches and element-wise loops, so independent pieces run on several cores at once)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from pipeline.dedup.settings import MAX_THREADS

T = TypeVar("T")
R = TypeVar("R")



def default_threads() -> int:
    """The machine's cores (counted as the default ``--workers`` counts them), at most
    :data:`MAX_THREADS`."""
    return max(1, min(MAX_THREADS, os.cpu_count() or 1))


def thread_map(fn: Callable[[T], R], items: Iterable[T], threads: int) -> list[R]:
    """``[fn(item) for item in items]``, run by up to ``threads`` threads, results in order."""
    items = list(items)
    if threads <= 1 or len(items) <= 1:
        return [fn(item) for item in items]
    with ThreadPoolExecutor(max_workers=min(threads, len(items)), thread_name_prefix="zhnews-cluster") as pool:
        return list(pool.map(fn, items))
