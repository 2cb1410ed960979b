"""Arrow's allocator in zhnews processes; freed heap pages go back to the OS after a phase that
dropped many objects."""

from __future__ import annotations

import gc
import os
import subprocess
import sys

import psutil
import pytest

from pipeline.io.settings import ARROW_MEMORY_POOL
from pipeline.memory import ARROW_POOL_VARIABLE, release_freed_memory

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



def _arrow_backend(env: dict[str, str]) -> str:
    """The backend of Arrow's default allocator in a fresh process that ran the command line."""
    code = ("import contextlib, io\n"
            "from pipeline.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
            "    main(['--help'])\n"
            "import pyarrow\n"
            "print(pyarrow.default_memory_pool().backend_name)\n")
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def test_the_command_line_chooses_arrows_allocator_unless_the_user_did() -> None:
    env = {k: v for k, v in os.environ.items() if k != ARROW_POOL_VARIABLE}
    assert _arrow_backend(env) == ARROW_MEMORY_POOL
    import pyarrow as pa

    other = "mimalloc" if ARROW_MEMORY_POOL != "mimalloc" else "system"
    if other in pa.supported_memory_backends():
        assert _arrow_backend(env | {ARROW_POOL_VARIABLE: other}) == other
