"""Freed heap pages go back to the OS after a phase that dropped many objects."""

from __future__ import annotations

import gc
import sys

import psutil
import pytest

from pipeline.memory import release_freed_memory

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim")


@linux_only
def test_freed_heap_pages_are_returned_to_the_os() -> None:
    me = psutil.Process()
    # 1 KB objects come from malloc's heap (not Python's small-object arenas); one survivor in
    # every 64 pins the heap, so free() alone cannot shrink it
    blocks = [bytes(1024) + i.to_bytes(4, "little") for i in range(150_000)]
    survivors = blocks[::64]
    del blocks
    gc.collect()
    before = me.memory_info().rss
    assert release_freed_memory() is True
    after = me.memory_info().rss
    assert len(survivors) == 2_344
    assert before - after > 50 << 20, (before >> 20, after >> 20)

