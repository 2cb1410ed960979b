"""Run folders in an object store: a run works in a local folder and publishes snapshots.

An object store has no rename, so a remote output is published the way readers can trust:

::

    <url>/snapshots/<id>/articles/...     a dataset, written whole before anything names it
    <url>/snapshots/<id>/rejects/...      (with its manifest.json, README.md and run-state.json)
    <url>/manifest.json                   the pointer: the current dataset's manifest and
                                          ``"snapshot": "snapshots/<id>"``, replaced in one PUT
    <url>/_run/tasks/<task>.json, _run/<stage>/<task>/...   per-task records of later runs
    <url>/.zhnews-run.lock                the run lock (:class:`StoreLock`)

A run on ``<url>`` (:class:`RemoteOutput`) mirrors the current snapshot into a local work
folder (kept between runs, so a killed run resumes there and an unchanged snapshot is not
fetched again), runs there exactly as on a local output, uploads the new dataset under a new
snapshot prefix (files unchanged since the last snapshot copied inside the store), then replaces
the pointer.  The snapshot before is kept until the next publish, so a reader that read the
pointer just before a publish can finish; older ones are deleted.  Readers of a remote run
folder (:func:`readable_run_folder`) read the pointer and fetch that snapshot.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import os
import secrets
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pipeline.errors import UsageError
from pipeline.io import storage
from pipeline.io.dataset import ARTICLES, REJECTS
from pipeline.io.lock import OutputInUse
from pipeline.io.rundir import RUN_DIR, STATE, TASKS, read_state
from pipeline.io.settings import LOCK_LEASE_SECONDS, LOCK_RENEW_SECONDS
from pipeline.io.staging import STAGING

log = logging.getLogger(__name__)

POINTER = "manifest.json"
SNAPSHOTS = "snapshots"
#: The run folder's state of a snapshot's dataset, kept with it (``_run/state.json`` locally).
SNAPSHOT_STATE = "run-state.json"
LOCK_NAME = ".zhnews-run.lock"
#: What the work folder records of the snapshot it mirrors: its name and its files' sizes and times.
SYNCED = ".zhnews-synced.json"
#: The published files of a dataset, beside its ``articles/`` and ``rejects/`` trees.
DATASET_FILES = ("manifest.json", "README.md")


def cache_root() -> Path:
    """Where zhnews keeps local copies of remote run folders: ``$ZHNEWS_CACHE_DIR``, else
    ``$XDG_CACHE_HOME/zhnews`` (``~/.cache/zhnews``); made readable by this user only."""
    root = os.environ.get("ZHNEWS_CACHE_DIR")
    if not root:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        root = os.path.join(base, "zhnews")
    path = Path(root)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def _key(url: str) -> str:
    return hashlib.sha1(storage.redacted(url).rstrip("/").encode()).hexdigest()[:16]


def read_pointer(url: str) -> dict[str, Any] | None:
    """The pointer manifest of the remote run folder ``url`` (None: nothing published there)."""
    storage.invalidate(url)
    try:
        data = json.loads(storage.read_bytes(storage.join(url, POINTER)))
    except (FileNotFoundError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("snapshot"), str) else None


def _local_files(root: Path) -> dict[str, list[int]]:
    """``relative path: [size, mtime_ns]`` of the dataset files in a local run folder."""
    files: dict[str, list[int]] = {}
    for name in (ARTICLES, REJECTS, *DATASET_FILES):
        path = root / name
        found = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else []
        for file in found:
            if not file.name.startswith("."):
                stat = file.stat()
                files[file.relative_to(root).as_posix()] = [stat.st_size, stat.st_mtime_ns]
    return files


def _download_dataset(url: str, snapshot: str, target: Path) -> None:
    """The dataset files of ``snapshot`` into ``target``."""
    prefix = storage.join(url, snapshot)
    storage.download_files([(storage.join(prefix, relative), target / relative)
                            for relative, _ in storage.iter_tree(prefix)
                            if relative.split("/", 1)[0] in (ARTICLES, REJECTS) or relative in DATASET_FILES])


class RemoteOutput:
    """The output ``url`` of a run, mirrored in a local work folder (see the module docstring)."""

    def __init__(self, url: str, workspace: Path | None = None) -> None:
        self.url = url.rstrip("/")
        self.workspace = workspace or cache_root() / "outputs" / _key(self.url)

    def _synced(self) -> dict[str, Any]:
        try:
            data = json.loads((self.workspace / SYNCED).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _record_synced(self, snapshot: str | None) -> None:
        data = {"url": storage.redacted(self.url), "snapshot": snapshot, "files": _local_files(self.workspace)}
        (self.workspace / SYNCED).write_text(json.dumps(data), encoding="utf-8")

    def pull(self) -> None:
        """Make the work folder mirror the published snapshot (its dataset, and the run records
        of its tasks).  A work folder already mirroring it is kept as it is, with what a killed
        run staged there."""
        self.workspace.mkdir(parents=True, exist_ok=True)
        pointer = read_pointer(self.url)
        snapshot = pointer["snapshot"] if pointer else None
        if (self.workspace / SYNCED).exists() and self._synced().get("snapshot") == snapshot:
            return
        for name in (ARTICLES, REJECTS, RUN_DIR, *DATASET_FILES):
            path = self.workspace / name
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink(missing_ok=True)
        if snapshot is not None:
            _download_dataset(self.url, snapshot, self.workspace)
            run = self.workspace / RUN_DIR
            storage.download_file(storage.join(self.url, snapshot, SNAPSHOT_STATE), run / STATE)
            state = read_state(self.workspace)
            tasks = set(state.tasks) if state else set()
            remote_run = storage.join(self.url, RUN_DIR)
            # _run/tasks/<task>.json and _run/<stage>/<task>/...: the records of the snapshot's tasks
            storage.download_files([(storage.join(remote_run, relative), run / relative)
                                    for relative, _ in storage.iter_tree(remote_run)
                                    if _task_of(relative) in tasks])
        self._record_synced(snapshot)

    def publish(self) -> str:
        """Upload the work folder's dataset as a new snapshot, then point readers at it; returns
        the snapshot's name.  Deletes the snapshots before the previous one, and the run records
        of tasks the dataset no longer holds."""
        synced = self._synced()
        previous = synced.get("snapshot")
        known: dict[str, Any] = synced.get("files") or {}
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
        snapshot = f"{SNAPSHOTS}/{stamp}-{secrets.token_hex(4)}"
        prefix = storage.join(self.url, snapshot)
        files = _local_files(self.workspace)
        unchanged = [relative for relative, facts in files.items() if previous and known.get(relative) == facts]
        # files an incremental run left as they were are copied inside the store, not uploaded
        storage.copy_files([(storage.join(self.url, str(previous), relative), storage.join(prefix, relative))
                            for relative in unchanged])
        run = self.workspace / RUN_DIR
        remote_run = storage.join(self.url, RUN_DIR)
        present = {relative for relative, _ in storage.iter_tree(remote_run)}
        records = [file for file in sorted(run.rglob("*")) if file.is_file() and file != run / STATE
                   and not file.name.startswith(".") and file.relative_to(run).as_posix() not in present]
        storage.upload_files(
            [(self.workspace / relative, storage.join(prefix, relative)) for relative in files if relative not in unchanged]
            + [(run / STATE, storage.join(prefix, SNAPSHOT_STATE))]
            + [(file, storage.join(remote_run, file.relative_to(run).as_posix())) for file in records])
        manifest = json.loads((self.workspace / POINTER).read_text(encoding="utf-8"))
        pointer = json.dumps(manifest | {"snapshot": snapshot}, ensure_ascii=False, indent=2) + "\n"
        storage.write_bytes(storage.join(self.url, POINTER), pointer.encode())  # readers switch here
        self._record_synced(snapshot)
        self._tidy(keep={snapshot, previous}, present=present)
        return snapshot

    def fetch_task(self, task_id: str) -> bool:
        """Copy a task a worker staged in the store into the work folder (its staged folder,
        then its marker); False when the store holds no finished task of that id."""
        marker = storage.join(self.url, STORE_STAGING, f"{task_id}.json")
        if not storage.exists(marker):
            return False
        folder = storage.join(self.url, STORE_STAGING, task_id)
        storage.download_files([(storage.join(folder, relative), self.workspace / STAGING / task_id / relative)
                                for relative, _ in storage.iter_tree(folder)])
        storage.download_file(marker, self.workspace / RUN_DIR / TASKS / f"{task_id}.json")
        return True

    def _tidy(self, keep: set[str | None], present: set[str]) -> None:
        storage.remove(storage.join(self.url, STORE_STAGING), recursive=True)
        for name in storage.subfolders(storage.join(self.url, SNAPSHOTS)):
            if f"{SNAPSHOTS}/{name}" not in keep:
                storage.remove(storage.join(self.url, SNAPSHOTS, name), recursive=True)
        state = read_state(self.workspace)
        tasks = set(state.tasks) if state else set()
        remote_run = storage.join(self.url, RUN_DIR)
        for relative in sorted(present):
            task = _task_of(relative)
            if task and task not in tasks:
                storage.remove(storage.join(remote_run, relative))


def _task_of(relative: str) -> str:
    """The task a file of ``_run/`` belongs to (``tasks/<task>.json``, ``<stage>/<task>/...``)."""
    parts = relative.split("/")
    return parts[1].removesuffix(".json") if len(parts) > 1 else ""


def readable_run_folder(run_dir: str | Path) -> Path:
    """A local folder holding the run ``run_dir``: the folder itself, or for a URL a local copy of
    the snapshot its pointer names (fetched once per snapshot).  ``UsageError`` for a URL where
    nothing is published."""
    text = str(run_dir)
    if not storage.is_url(text):
        return Path(storage.local_path(text))
    pointer = read_pointer(text)
    if pointer is None:
        raise UsageError(f"{storage.redacted(text)} is not a zhnews run folder (no {POINTER} naming a snapshot)")
    snapshot = str(pointer["snapshot"])
    target = cache_root() / "snapshots" / _key(storage.join(text, snapshot))
    if not (target / POINTER).is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        building = Path(tempfile.mkdtemp(prefix=".fetch-", dir=target.parent))
        try:
            _download_dataset(text, snapshot, building)
            shutil.rmtree(target, ignore_errors=True)
            building.rename(target)
        finally:
            shutil.rmtree(building, ignore_errors=True)
    return target


@contextlib.contextmanager
def written_to(target: str | Path) -> Iterator[Path]:
    """A local path to write an output file at; for a URL, a temporary file uploaded to it when
    the block ends without error."""
    text = str(target)
    if not storage.is_url(text):
        yield Path(storage.local_path(text))
        return
    with tempfile.TemporaryDirectory(prefix="zhnews-out-") as folder:
        local = Path(folder) / text.rstrip("/").rsplit("/", 1)[-1]
        yield local
        storage.upload_file(local, text)


# -- the run lock in a store --------------------------------------------------------------------
def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class StoreLock:
    """One run per remote output: ``<url>/.zhnews-run.lock`` created by a conditional put
    (``If-None-Match: *`` on S3), renewed every :data:`LOCK_RENEW_SECONDS` while the run lives.

    A lock left by a dead run is taken over: at once when it names a process of this machine
    that no longer runs, otherwise once it has not been renewed for :data:`LOCK_LEASE_SECONDS`.
    Taking over deletes the stale object and creates a new one conditionally, so two runs
    taking over together cannot both win.  A store without conditional puts cannot keep two
    machines from creating the lock at the same instant (see docs/RELIABILITY.md)."""

    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")
        self.path = storage.join(self.url, LOCK_NAME)
        self._info: dict[str, Any] = {}
        self._stop: threading.Event | None = None
        self._renewer: threading.Thread | None = None

    @property
    def held(self) -> bool:
        return self._stop is not None

    def _payload(self) -> bytes:
        self._info["renewed_at"] = time.time()
        return (json.dumps(self._info) + "\n").encode()

    def _holder(self) -> dict[str, Any]:
        try:
            data = json.loads(storage.read_bytes(self.path))
        except (FileNotFoundError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _stale(self, holder: dict[str, Any]) -> bool:
        if not holder:
            return True
        if holder.get("host") == socket.gethostname() and isinstance(holder.get("pid"), int):
            return not _process_alive(holder["pid"])
        return time.time() - float(holder.get("renewed_at") or 0) > LOCK_LEASE_SECONDS

    def acquire(self, run_id: str | None = None) -> StoreLock:
        if self.held:
            return self
        self._info = {"pid": os.getpid(), "host": socket.gethostname(), "run_id": run_id,
                      "token": secrets.token_hex(8),
                      "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
        storage.invalidate(self.url)
        if not storage.create_exclusive(self.path, self._payload()):
            holder = self._holder()
            if not self._stale(holder):
                raise OutputInUse(f"output {storage.redacted(self.url)} is in use by run "
                                  f"{holder.get('run_id') or '(starting)'} (pid {holder.get('pid', '?')} on "
                                  f"{holder.get('host', '?')})")
            log.warning("output %s: taking over the lock of run %s (pid %s on %s), which is no longer running",
                        storage.redacted(self.url), holder.get("run_id") or "(starting)", holder.get("pid"),
                        holder.get("host"))
            storage.remove(self.path)
            if not storage.create_exclusive(self.path, self._payload()):
                raise OutputInUse(f"output {storage.redacted(self.url)} was just taken by another run")
        self._stop = threading.Event()
        self._renewer = threading.Thread(target=self._renew, args=(self._stop,), name="zhnews-lock", daemon=True)
        self._renewer.start()
        return self

    def _renew(self, stop: threading.Event) -> None:
        while not stop.wait(LOCK_RENEW_SECONDS):
            try:
                storage.write_bytes(self.path, self._payload())
            except OSError as exc:  # the next renewal tries again; the lease covers a few misses
                log.warning("output %s: could not renew the run lock: %s", storage.redacted(self.url), exc)

    def set_run_id(self, run_id: str) -> None:
        if self.held and self._info.get("run_id") != run_id:
            self._info["run_id"] = run_id
            storage.write_bytes(self.path, self._payload())

    def release(self) -> None:
        if self._stop is None:
            return
        self._stop.set()
        if self._renewer is not None:
            self._renewer.join()
        self._stop = self._renewer = None
        if self._holder().get("token") == self._info.get("token"):
            storage.remove(self.path)

    def __enter__(self) -> StoreLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


# -- tasks staged in the store by workers that share no disk with the driver -------------------
STORE_STAGING = "_staging"


def upload_task(scratch: Path, url: str, task_id: str) -> None:
    """Upload what a task staged in ``scratch`` to ``<url>/_staging/<task>/``, its completion
    marker last (``<url>/_staging/<task>.json``), so a marker in the store means a whole task."""
    staged = scratch / STAGING / task_id
    storage.upload_files([(file, storage.join(url, STORE_STAGING, task_id, file.relative_to(staged).as_posix()))
                          for file in sorted(staged.rglob("*")) if file.is_file()])
    storage.upload_file(scratch / RUN_DIR / TASKS / f"{task_id}.json",
                        storage.join(url, STORE_STAGING, f"{task_id}.json"))
