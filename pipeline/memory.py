"""Handing memory the process has freed back to the operating system.

glibc's allocator keeps freed heap pages for reuse: after a step that built and dropped many
small objects (the driver's dedup index of every document, a few hundred MB on a large run),
the process's resident size stays at its high-water mark while the next phase (publishing)
starts processes of its own. ``malloc_trim(0)`` returns those pages (the driver's peak memory:
docs/BENCHMARKS.md).
"""

from __future__ import annotations

import ctypes
import functools
import sys
from collections.abc import Callable


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
