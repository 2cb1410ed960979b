"""One run per output folder: an advisory lock file holding who runs there.

``<output>/.zhnews-run.lock`` holds the pid, host, start time and run id of the run that holds
it, under an exclusive ``flock``.  The kernel drops the lock when its process dies, however it
dies, so a lock file whose lock is free was left by a dead run: the next run takes it over with
a warning.  The file is emptied, never deleted, when a run ends (deleting it would let two runs
lock two different files of the same name).

Worker processes hold a shared lock on ``.zhnews-writers.lock`` while they run a task
(:func:`writing`); a run that starts waits for that lock to be free, so it never reads staged
output that a worker of a dead run could still be writing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.errors import UsageError
from pipeline.io.settings import ORPHAN_WAIT_SECONDS

if TYPE_CHECKING:
    from pipeline.io.remote import StoreLock

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: no locking
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

LOCK_NAME = ".zhnews-run.lock"
WRITERS_NAME = ".zhnews-writers.lock"


class OutputInUse(UsageError):
    """Another live run holds the output folder (exit status 2)."""


class RunLock:
    """The exclusive lock of one run on its output folder (see the module docstring)."""

    def __init__(self, output_dir: str | Path) -> None:
        self.output_dir = Path(output_dir)
        self.path = self.output_dir / LOCK_NAME
        self._fd: int | None = None
        self._info: dict[str, Any] = {}

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self, run_id: str | None = None) -> RunLock:
        """Take the lock or raise :class:`OutputInUse` at once; a lock left by a dead run is
        taken over with a warning."""
        if self._fd is not None:
            return self
        self.output_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                holder = _parse(_read_fd(fd))
                os.close(fd)
                raise OutputInUse(f"output {self.output_dir} is in use by run {holder.get('run_id') or '(starting)'} "
                                  f"(pid {holder.get('pid', '?')})") from None
        self._fd = fd
        stale = _parse(_read_fd(fd))
        if stale.get("pid"):
            log.warning("output %s: taking over the lock of run %s (pid %s on %s, started %s), which is no longer "
                        "running", self.output_dir, stale.get("run_id") or "(starting)", stale.get("pid"),
                        stale.get("host"), stale.get("started_at"))
        self._info = {"pid": os.getpid(), "host": socket.gethostname(),
                      "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "run_id": run_id}
        self._write()
        return self

    def set_run_id(self, run_id: str) -> None:
        """Record the run id once the run has planned its tasks."""
        if self._fd is not None and self._info.get("run_id") != run_id:
            self._info["run_id"] = run_id
            self._write()

    def release(self) -> None:
        """Empty the file and drop the lock (the file stays: see the module docstring)."""
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            os.ftruncate(fd, 0)
        except OSError:  # a full or read-only disk: the lock itself is still dropped below
            pass
        finally:
            os.close(fd)

    def _write(self) -> None:
        assert self._fd is not None
        data = (json.dumps(self._info) + "\n").encode()
        os.ftruncate(self._fd, 0)
        os.pwrite(self._fd, data, 0)

    def __enter__(self) -> RunLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def run_lock_for(output: str) -> RunLock | StoreLock:
    """The run lock of ``output``: :class:`~pipeline.io.remote.StoreLock` for a URL, the local
    ``flock`` otherwise (taken without importing the object-store code, which a local run never
    needs before its workers start)."""
    from pipeline.io import storage

    if storage.is_url(output):
        from pipeline.io.remote import StoreLock

        return StoreLock(output)
    return RunLock(storage.local_path(output))


def _read_fd(fd: int) -> bytes:
    return os.pread(fd, 4096, 0)


def _parse(data: bytes) -> dict[str, Any]:
    try:
        info = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return {}
    return info if isinstance(info, dict) else {}


def read_holder(output_dir: str | Path) -> dict[str, Any]:
    """What the lock file of ``output_dir`` says (empty when no run holds or held it)."""
    try:
        return _parse((Path(output_dir) / LOCK_NAME).read_bytes())
    except OSError:
        return {}


# -- workers writing into the output -----------------------------------------------------------
@contextlib.contextmanager
def writing(output_dir: str | Path) -> Iterator[None]:
    """Held by a worker while it writes a task's output (a shared lock: workers do not wait
    for each other)."""
    if fcntl is None:
        yield
        return
    try:
        fd = os.open(Path(output_dir) / WRITERS_NAME, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError:  # the driver made the folder; a worker that cannot open the file still works
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)
        yield
    finally:
        os.close(fd)


def wait_for_orphans(output_dir: Path, timeout: float = ORPHAN_WAIT_SECONDS) -> None:
    """Wait until no worker of an earlier, dead run is still writing into ``output_dir``.

    Raises :class:`OutputInUse` when one still is after ``timeout`` seconds (a worker on
    another machine that did not notice its driver died)."""
    if fcntl is None:
        return
    fd = os.open(output_dir / WRITERS_NAME, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        deadline = time.monotonic() + timeout
        warned = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise OutputInUse(f"output {output_dir} is still being written by workers of an interrupted "
                                      f"run; stop them and run again") from None
                if not warned:
                    log.warning("output %s: waiting for workers of an interrupted run to stop", output_dir)
                    warned = True
                time.sleep(0.2)
    finally:
        os.close(fd)  # closing drops the exclusive lock
