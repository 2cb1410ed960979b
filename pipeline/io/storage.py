"""Where a path points: the local disk, or an object store named by an fsspec URL.

Every input and output path of zhnews may be a local path or a URL (``s3://``, ``gs://``,
``az://``, ``memory://``; ``file://`` is the local disk).  This module is the one place that
talks to fsspec: the rest of the pipeline asks it to list, open, read and write, and keeps its
own local-disk code (atomic renames, ``flock``) for local paths.

Credentials and endpoints come from the store's usual environment (for S3: ``AWS_*`` variables,
``AWS_PROFILE``, ``~/.aws``; ``AWS_ENDPOINT_URL_S3`` or ``AWS_ENDPOINT_URL`` for another
server), read by the store's own client.  Nothing here logs them, and a URL is shown without
any ``user:password@`` part (:func:`redacted`).
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from pipeline.errors import UsageError

if TYPE_CHECKING:
    from fsspec import AbstractFileSystem

_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]+)://")
#: Schemes that name the local disk: handled by the local code, not through fsspec.
LOCAL_SCHEMES = frozenset({"file", "local"})
#: The packages each store's fsspec driver lives in, for the one-line error when one is missing.
DRIVER_PACKAGES = {"s3": "s3fs", "s3a": "s3fs", "gs": "gcsfs", "gcs": "gcsfs", "az": "adlfs", "abfs": "adlfs"}


def scheme(path: str | Path) -> str | None:
    """The URL scheme of ``path`` (``s3``, ``memory`` ...), None for a plain path."""
    match = _SCHEME.match(str(path)) if isinstance(path, str) else None
    return match.group(1).lower() if match else None


def is_url(path: str | Path) -> bool:
    """Whether ``path`` names an object store (a URL whose scheme is not the local disk's)."""
    found = scheme(path)
    return found is not None and found not in LOCAL_SCHEMES


def local_path(path: str | Path) -> str:
    """``path`` as a local path: ``file:///x`` becomes ``/x``; other paths are returned as given."""
    text = str(path)
    if scheme(text) in LOCAL_SCHEMES:
        return text.split("://", 1)[1]
    return text


def redacted(url: str) -> str:
    """``url`` without a ``user:password@`` part, for messages and records."""
    return re.sub(r"^([a-zA-Z][a-zA-Z0-9+.-]+://)[^/@]*@", r"\1", url)


def join(base: str, *parts: str) -> str:
    """``base`` joined with ``parts`` by ``/`` (a URL) or by the OS separator (a local path)."""
    if not is_url(base):
        return os.path.join(base, *parts)
    return "/".join([base.rstrip("/"), *(p.strip("/") for p in parts if p)])


def _storage_options(protocol: str) -> dict[str, Any]:
    """Options the store's client does not take from the environment itself, on every version."""
    if protocol in ("s3", "s3a"):
        endpoint = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
        return {"client_kwargs": {"endpoint_url": endpoint}} if endpoint else {}
    return {}


def filesystem(url: str) -> tuple[AbstractFileSystem, str]:
    """The fsspec file system of ``url`` and the path within it."""
    import fsspec

    protocol = scheme(url) or "file"
    try:
        fs, path = fsspec.core.url_to_fs(url, **_storage_options(protocol))
    except ImportError as exc:
        package = DRIVER_PACKAGES.get(protocol, f"the fsspec driver for {protocol}://")
        extra = " (pip install 'zhnews[s3]')" if package == "s3fs" else ""
        raise UsageError(f"{redacted(url)}: reading {protocol}:// needs {package}{extra}") from exc
    except ValueError as exc:
        raise UsageError(f"{redacted(url)}: not a storage URL zhnews can use ({exc})") from exc
    return fs, path


def _url(fs: AbstractFileSystem, path: str) -> str:
    return str(fs.unstrip_protocol(path))


# -- reading ----------------------------------------------------------------------------------
def open_input(path: str, block_size: int = 1 << 22) -> IO[bytes]:
    """A buffered binary reader of a local file or an object (seekable, ``readline(limit)`` works)."""
    if not is_url(path):
        return open(local_path(path), "rb")  # noqa: SIM115 - the caller closes it
    fs, inner = filesystem(path)
    return io.BufferedReader(fs.open(inner, "rb", block_size=block_size), buffer_size=1 << 20)


def read_bytes(url: str) -> bytes:
    """The bytes of one object (``FileNotFoundError`` when there is none)."""
    fs, path = filesystem(url)
    return bytes(fs.cat_file(path))


def exists(url: str) -> bool:
    fs, path = filesystem(url)
    return bool(fs.exists(path))


@dataclass(frozen=True)
class StoredFile:
    """An object found under a URL: its full URL, size and modification time."""

    url: str
    size: int
    mtime_ns: int
    #: its path below the URL that was listed (``a/b.jsonl``), for filters on hidden names
    relative: str


def _mtime_ns(info: dict[str, Any]) -> int:
    value = info.get("LastModified") or info.get("mtime") or info.get("last_modified") or info.get("created")
    if value is None:
        return 0
    if hasattr(value, "timestamp"):
        return int(value.timestamp() * 1e9)
    try:
        return int(float(value) * 1e9)
    except (TypeError, ValueError):
        return 0


def list_files(url: str) -> list[StoredFile]:
    """The objects a URL names: itself, everything under it (a prefix), or what a glob matches;
    sorted by URL.  ``UsageError`` when it names nothing."""
    fs, path = filesystem(url)
    fs.invalidate_cache()
    if any(ch in path for ch in "*?["):
        matches = fs.glob(path, detail=True)
        entries: dict[str, dict[str, Any]] = {}
        for name, info in matches.items():
            if info.get("type") == "directory":
                entries.update(fs.find(name, detail=True))
            else:
                entries[name] = info
        base = path.split("*")[0].split("?")[0].split("[")[0].rsplit("/", 1)[0]
    elif fs.isdir(path):
        entries = fs.find(path, detail=True)
        base = path
    elif fs.isfile(path):
        entries = {path: fs.info(path)}
        base = path.rsplit("/", 1)[0]
    else:
        raise UsageError(f"input not found: {redacted(url)}")
    files = [StoredFile(_url(fs, name), int(info.get("size") or 0), _mtime_ns(info),
                        name[len(base):].lstrip("/") if name.startswith(base) else name.rsplit("/", 1)[-1])
             for name, info in entries.items() if info.get("type", "file") != "directory"]
    return sorted(files, key=lambda f: f.url)


def iter_tree(url: str) -> Iterator[tuple[str, int]]:
    """``(path below url, size)`` of every object under ``url`` (nothing when there is none)."""
    fs, path = filesystem(url)
    fs.invalidate_cache(path)
    if not fs.isdir(path):
        return
    for name, info in sorted(fs.find(path, detail=True).items()):
        if info.get("type", "file") != "directory":
            yield name[len(path):].lstrip("/"), int(info.get("size") or 0)


# -- writing ----------------------------------------------------------------------------------
def write_bytes(url: str, data: bytes) -> None:
    """Write one object whole.  An object store replaces an object in one step: a reader gets
    the old bytes or the new ones, never part of them."""
    fs, path = filesystem(url)
    fs.pipe_file(path, data)


def create_exclusive(url: str, data: bytes) -> bool:
    """Write ``url`` only if it does not exist (a conditional put on S3, ``O_EXCL`` on a disk);
    False when it already exists."""
    fs, path = filesystem(url)
    try:
        fs.pipe_file(path, data, mode="create")
    except FileExistsError:
        return False
    except OSError as exc:
        # some S3 clients report the failed precondition (HTTP 412) as a plain OSError
        if "412" in str(exc) or "PreconditionFailed" in str(exc) or "At least one of the pre-conditions" in str(exc):
            return False
        raise
    return True


def upload_file(local: str | Path, url: str) -> None:
    fs, path = filesystem(url)
    fs.put_file(str(local), path)


def download_file(url: str, local: str | Path) -> None:
    """Copy one object to a local file (written beside it, then renamed into place)."""
    fs, path = filesystem(url)
    target = Path(local)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".tmp-{target.name}")
    fs.get_file(path, str(partial))
    os.replace(partial, target)


def copy(source: str, target: str) -> None:
    """Copy an object within its store (server-side where the store can)."""
    copy_files([(source, target)])


# -- many files at once: the store's client overlaps the requests (s3fs: batches of coroutines) --
def upload_files(pairs: Sequence[tuple[str | Path, str]]) -> None:
    """Upload ``(local file, URL)`` pairs, all of one store."""
    if pairs:
        fs, _ = filesystem(pairs[0][1])
        fs.put([str(local) for local, _ in pairs], [filesystem(url)[1] for _, url in pairs])


def download_files(pairs: Sequence[tuple[str, str | Path]]) -> None:
    """Download ``(URL, local file)`` pairs, all of one store; each file is written beside its
    target and renamed into place, so a file under its name is whole."""
    if not pairs:
        return
    fs, _ = filesystem(pairs[0][0])
    partials = []
    for _, local in pairs:
        target = Path(local)
        target.parent.mkdir(parents=True, exist_ok=True)
        partials.append(target.with_name(f".tmp-{target.name}"))
    fs.get([filesystem(url)[1] for url, _ in pairs], [str(p) for p in partials])
    for partial, (_, local) in zip(partials, pairs, strict=True):
        os.replace(partial, local)


def copy_files(pairs: Sequence[tuple[str, str]]) -> None:
    """Copy ``(source URL, target URL)`` pairs within one store (server-side where it can)."""
    if pairs:
        fs, _ = filesystem(pairs[0][0])
        fs.copy([filesystem(source)[1] for source, _ in pairs], [filesystem(target)[1] for _, target in pairs])


def remove(url: str, recursive: bool = False) -> None:
    """Delete an object, or everything under a prefix; nothing when there is nothing."""
    fs, path = filesystem(url)
    try:
        fs.rm(path, recursive=recursive)
    except FileNotFoundError:
        pass


def subfolders(url: str) -> list[str]:
    """The names of the folders (common prefixes) right under ``url``."""
    fs, path = filesystem(url)
    fs.invalidate_cache(path)
    try:
        entries = fs.ls(path, detail=True)
    except FileNotFoundError:
        return []
    return sorted(str(e["name"]).rstrip("/").rsplit("/", 1)[-1] for e in entries if e.get("type") == "directory")


def invalidate(url: str) -> None:
    """Forget what the client cached of listings under ``url`` (another process may have written)."""
    fs, path = filesystem(url)
    fs.invalidate_cache(path)
