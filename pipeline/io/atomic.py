"""Atomic file writes: write beside the target under a temporary name, fsync, then rename.

A reader (or a crashed run's successor) never sees a partial file under its final name.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

TMP_PREFIX = ".tmp-"


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write(path: Path, write: Callable[[str], None]) -> None:
    """Call ``write(tmp_path)`` then move the finished file to ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=TMP_PREFIX + path.name + ".", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    _fsync_dir(path.parent)


def write_parquet_atomic(table: pa.Table, path: Path) -> None:
    """Write ``table`` as zstd-compressed Parquet at ``path``, atomically."""
    atomic_write(path, lambda tmp: pq.write_table(table, tmp, compression="zstd", compression_level=3))


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` as UTF-8; a lone surrogate (a file name that is not UTF-8) is written
    as a ``\\udcNN`` escape, which JSON reads back as the same string."""

    def write(tmp: str) -> None:
        with open(tmp, "w", encoding="utf-8", errors="backslashreplace", newline="\n") as handle:
            handle.write(text)

    atomic_write(path, write)


def write_json_atomic(path: Path, data: Any) -> None:
    write_text_atomic(path, json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False, default=str) + "\n")


def remove_stale_temporaries(directory: Path) -> int:
    """Delete temporary files a killed run left behind; returns how many."""
    removed = 0
    if not directory.exists():
        return 0
    for tmp in directory.rglob(TMP_PREFIX + "*"):
        try:
            tmp.unlink()
            removed += 1
        except OSError:
            pass
    return removed
