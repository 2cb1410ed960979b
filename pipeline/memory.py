"""The process's allocators: Arrow's, and handing memory the process has freed back to the OS.

:func:`use_arrow_allocator` picks Arrow's allocator (:data:`~pipeline.io.settings.ARROW_MEMORY_POOL`)
before Arrow first allocates, for this process and the processes it starts (the environment
is inherited: the fork server, the workers, a Dask cluster started here).

glibc's allocator keeps freed heap pages for reuse: after a step that built and dropped many
small objects (the driver's dedup index of every document, a few hundred MB on a large run),
the process's resident size stays at its high-water mark while the next phase (publishing)
starts processes of its own. ``malloc_trim(0)`` returns those pages (the driver's peak memory:
docs/BENCHMARKS.md).
"""

from __future__ import annotations

import ctypes
import functools
import os
import sys
from collections.abc import Callable

from pipeline.io.settings import ARROW_MEMORY_POOL

#: The variable Arrow reads, once, when it first needs its default allocator.
ARROW_POOL_VARIABLE = "ARROW_DEFAULT_MEMORY_POOL"


def use_arrow_allocator() -> None:
    """Have Arrow allocate with :data:`~pipeline.io.settings.ARROW_MEMORY_POOL` (unless the
    environment names one already).  Takes effect only if Arrow has not allocated yet in this
    process, so the command line calls it first; the processes it starts inherit it."""
    os.environ.setdefault(ARROW_POOL_VARIABLE, ARROW_MEMORY_POOL)


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        # the symbols already loaded into the process (its C library among them): no library
        # search, which ``ctypes.util.find_library`` does by running ldconfig
        trim = ctypes.CDLL(None).malloc_trim  # glibc only (musl has none)
    except (OSError, AttributeError):
        return None
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    return trim


def release_freed_memory() -> bool:
    """Return freed heap pages to the OS where the C library can (glibc); True if it did."""
    trim = _malloc_trim()
    if trim is None:
        return False
    return bool(trim(0))
