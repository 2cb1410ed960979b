"""Atomic file writes: write beside the target under a temporary name, fsync, then rename.

A reader (or a crashed run's successor) never sees a partial file under its final name.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.io.settings import PARQUET_ZSTD_LEVEL, WRITER_THREADS

TMP_PREFIX = ".tmp-"


def _process_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


#: Mode of a finished file: what ``open(path, "w")`` gives (``mkstemp`` creates 0600 files,
#: which other users of a shared cluster file system could not read).
FILE_MODE = 0o666 & ~_process_umask()


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


def _fsync_file(path: Path | str) -> None:
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def atomic_write(path: Path, write: Callable[[str], None]) -> None:
    """Call ``write(tmp_path)`` then move the finished file to ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=TMP_PREFIX + path.name + ".", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, FILE_MODE)
        _fsync_file(tmp)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    _fsync_dir(path.parent)


#: Columns of whole texts and their tokens: min/max statistics of them prune nothing, and
#: computing them is a sizeable share of writing the articles.
NO_STATISTICS = frozenset({"paragraphs", "text_original", "text", "tokens"})


def write_parquet(table: pa.Table, path: Path | str) -> None:
    """Write ``table`` as zstd-compressed Parquet at ``path`` (not atomic by itself)."""
    statistics = [name for name in table.column_names if name not in NO_STATISTICS]
    pq.write_table(table, path, compression="zstd", compression_level=PARQUET_ZSTD_LEVEL, write_statistics=statistics)


def write_parquet_atomic(table: pa.Table, path: Path) -> None:
    """Write ``table`` as zstd-compressed Parquet at ``path``, atomically."""
    atomic_write(path, lambda tmp: write_parquet(table, tmp))


#: Suffix of a staging part (an Arrow IPC file).
STAGING_SUFFIX = ".arrow"


def write_staging_atomic(table: pa.Table, path: Path) -> None:
    """Write a staging part atomically as an Arrow IPC file with LZ4-compressed buffers.

    A staging part is read back whole, once, by the global steps, in the same layout it was
    written: IPC skips Parquet's encoding and decoding, which costs more CPU than the larger
    files cost disk.
    """
    import pyarrow.ipc as ipc

    # one thread: a worker process keeps to its one core
    options = ipc.IpcWriteOptions(compression="lz4", use_threads=False)

    def write(tmp: str) -> None:
        with pa.OSFile(tmp, "wb") as sink, ipc.new_file(sink, table.schema, options=options) as out:
            out.write_table(table)

    atomic_write(path, write)


def _write_durably(table: pa.Table, path: Path) -> None:
    write_parquet(table, path)
    _fsync_file(path)


class BuildTree:
    """Parquet files written into a folder that is published whole by one rename (see
    :func:`pipeline.publish.publish`).  Nobody reads them before that rename, so they need
    no temporary name of their own, only to be on disk before it.  Files are encoded,
    compressed and fsynced by a few threads (pyarrow and fsync release the GIL), at most
    ``2 * threads`` tables and, beyond the first, ``max_pending_bytes`` of Arrow buffers in
    flight; :meth:`sync` waits for them and fsyncs the directories."""

    def __init__(self, root: Path, threads: int = WRITER_THREADS, max_pending_bytes: int | None = None) -> None:
        self.root = Path(root)
        self.threads = max(1, threads)
        self.max_pending_bytes = max_pending_bytes
        self._pool = ThreadPoolExecutor(max_workers=self.threads, thread_name_prefix="zhnews-write")
        self._pending: list[tuple[Future[None], int]] = []  # (write, its table's bytes)
        self._dirs: set[Path] = set()

    @property
    def pending_bytes(self) -> int:
        """Arrow buffer bytes of the tables queued and not yet waited for."""
        return sum(size for _, size in self._pending)

    def _over_limit(self, size: int) -> bool:
        if len(self._pending) >= 2 * self.threads:
            return True
        limit = self.max_pending_bytes
        return limit is not None and bool(self._pending) and self.pending_bytes + size > limit

    def _wait_oldest(self) -> None:
        future, _ = self._pending.pop(0)
        future.result()

    def write_parquet(self, table: pa.Table, path: Path) -> None:
        """Queue ``table`` to be written at ``path`` (below :attr:`root`) and fsynced."""
        if path.parent not in self._dirs:  # a partition's folder is made once, not per file
            path.parent.mkdir(parents=True, exist_ok=True)
            self._dirs.update(p for p in path.parents if p == self.root or self.root in p.parents)
        size = table.get_total_buffer_size()
        while self._over_limit(size):  # bounded memory: wait for the oldest
            self._wait_oldest()
        self._pending.append((self._pool.submit(_write_durably, table, path), size))

    def sync(self) -> None:
        """Wait until every file and directory written so far is on disk (errors re-raised)."""
        while self._pending:
            self._wait_oldest()
        for directory in sorted(self._dirs, key=lambda p: len(p.parts), reverse=True):
            _fsync_dir(directory)
        self._dirs.clear()

    def close(self) -> None:
        try:
            self.sync()
        finally:
            self._pool.shutdown(wait=True, cancel_futures=True)


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
