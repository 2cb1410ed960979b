"""Find the input files a run was pointed at and group them into tasks.

Inputs are files, directories (walked recursively) or glob patterns.  Every file found is
either readable by one of the readers (kind ``html``, ``text``, ``jsonl``, ``warc``) or
becomes a reject with reason ``unsupported_input``: nothing is silently skipped.
Files are listed in sorted order, so task ids and doc ids do not depend on the file system.
"""

from __future__ import annotations

import glob
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path, PurePath, PurePosixPath

from pipeline.errors import UsageError
from pipeline.ingest.settings import COST_PER_BYTE, TASK_MAX_BYTES, TASK_MAX_FILES
from pipeline.io import storage

_KIND_BY_SUFFIX = {
    ".html": "html",
    ".htm": "html",
    ".shtml": "html",
    ".xhtml": "html",
    ".txt": "text",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".warc": "warc",
    ".warc.gz": "warc",
}

#: File names that describe a corpus folder rather than hold input: documentation, and the
#: bookkeeping ``zhnews crawl`` keeps beside its WARC files (so a crawl folder can be run as is).
_IGNORED_NAMES = {
    "readme.md", "provenance.md", "license", "license.md", ".ds_store", "thumbs.db",
    "crawl_log.jsonl", "frontier.sqlite", "frontier.sqlite-wal", "frontier.sqlite-shm",
}


@dataclass(frozen=True, slots=True)
class InputFile:
    """One file to read, with the kind of reader it needs (``None``: unsupported).

    A JSONL file too big for one task is read as several byte ranges: ``start`` and ``end``
    (``None``: to the end) are offsets of line starts, ``first_line`` the 1-based number of the
    line at ``start``, so line numbers (and doc ids) are those of the whole file.  ``sha1``
    (the whole file's, when known) is what names a task by its content.
    """

    path: str
    kind: str | None
    size: int
    mtime_ns: int
    start: int = 0
    end: int | None = None
    first_line: int = 1
    sha1: str | None = None

    @property
    def is_range(self) -> bool:
        return self.start > 0 or self.end is not None

    @property
    def span_bytes(self) -> int:
        """Bytes this entry covers (the whole file unless it is a range)."""
        return (self.size if self.end is None else self.end) - self.start

    @property
    def cost(self) -> float:
        """Expected work of reading and processing this entry: its bytes weighted by kind."""
        return self.span_bytes * COST_PER_BYTE.get(self.kind or "", 1.0)

    @property
    def fingerprint(self) -> str:
        base = f"{self.path}\x1f{self.size}\x1f{self.mtime_ns}"
        return f"{base}\x1f{self.start}-{self.end}" if self.is_range else base


@dataclass(frozen=True, slots=True)
class Task:
    """A unit of work for one worker: some input files, processed and written together."""

    task_id: str
    files: tuple[InputFile, ...]

    @property
    def size(self) -> int:
        return sum(f.span_bytes for f in self.files)


def input_kind(path: str) -> str | None:
    """The reader kind for a file name, from its (double) suffix."""
    name = path.lower()
    if name.endswith(".warc.gz"):
        return "warc"
    if name.endswith((".jsonl.gz", ".ndjson.gz")):
        return "jsonl"
    return _KIND_BY_SUFFIX.get(os.path.splitext(name)[1])


def _display_path(path: Path) -> str:
    """The path relative to the working directory when inside it, else absolute (POSIX form)."""
    resolved = path.resolve()
    try:
        return resolved.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return resolved.as_posix()


def _wanted(file: PurePath) -> bool:
    """Whether a file found in an input folder is input (not hidden, not a folder's bookkeeping)."""
    if any(part.startswith(".") for part in file.parts if part not in (".", "..")):
        return False
    return file.name.lower() not in _IGNORED_NAMES


def discover_inputs(inputs: list[str]) -> list[InputFile]:
    """Expand files, directories and globs into a sorted, de-duplicated list of input files.

    An input may be a storage URL (``s3://bucket/prefix/``, a glob of objects): its objects are
    listed through :mod:`pipeline.io.storage` and keep their URL as path (workers read them from
    the store).

    Raises :class:`UsageError` when an argument matches nothing or a folder holds no input file.
    """
    found: dict[str, InputFile] = {}
    for arg in inputs:
        if storage.is_url(arg):
            stored = [f for f in storage.list_files(arg) if _wanted(PurePosixPath(f.relative))]
            if not stored:
                raise UsageError(f"no inputs found under {storage.redacted(arg)}")
            for item in stored:
                found[item.url] = InputFile(item.url, input_kind(item.url), item.size, item.mtime_ns)
            continue
        arg = storage.local_path(arg)
        candidates: list[Path]
        if any(ch in arg for ch in "*?["):
            candidates = [Path(p) for p in sorted(glob.glob(arg, recursive=True))]
            if not candidates:
                raise UsageError(f"no input matches {arg!r}")
        else:
            candidates = [Path(arg)]
            if not candidates[0].exists():
                raise UsageError(f"input not found: {arg}")
        before = len(found)
        for candidate in candidates:
            files = sorted(p for p in candidate.rglob("*") if p.is_file()) if candidate.is_dir() else [candidate]
            for file in files:
                if not _wanted(file):
                    continue
                try:
                    stat = file.stat()
                except OSError as exc:
                    raise UsageError(f"cannot read {file}: {exc.strerror}") from exc
                shown = _display_path(file)
                found[shown] = InputFile(shown, input_kind(file.name), stat.st_size, stat.st_mtime_ns)
        if len(found) == before and all(c.is_dir() for c in candidates):
            raise UsageError(f"no inputs found under {arg}")
    return [found[key] for key in sorted(found)]


def plan_tasks(files: list[InputFile], max_files: int = TASK_MAX_FILES, max_bytes: int = TASK_MAX_BYTES) -> list[Task]:
    """Group small files into tasks of about ``max_bytes`` of expected work (bytes weighted by
    kind, :attr:`InputFile.cost`; at most ``max_files`` files); containers (JSONL, WARC) each get
    a task of their own, and an uncompressed JSONL file over ``max_bytes`` gets one task per range
    of about ``max_bytes`` (cut at line starts), so several workers share one big file.

    The grouping depends only on the sorted file list (and the JSONL files' bytes), so the same
    inputs give the same task ids on every run: that is what makes completion markers (resume) work.
    """
    tasks: list[Task] = []
    batch: list[InputFile] = []
    batch_cost = 0.0

    def flush() -> None:
        nonlocal batch, batch_cost
        if batch:
            tasks.append(_make_task(batch))
            batch, batch_cost = [], 0.0

    for file in files:
        if file.kind in ("jsonl", "warc"):
            tasks.extend(_make_task([part]) for part in split_jsonl(file, max_bytes))
            continue
        if batch and (len(batch) >= max_files or batch_cost + file.cost > max_bytes):
            flush()
        batch.append(file)
        batch_cost += file.cost
    flush()
    return tasks


def split_jsonl(file: InputFile, max_bytes: int) -> list[InputFile]:
    """``file`` as byte ranges of about ``max_bytes`` each, cut after a newline; the file itself
    when it is small, not plain JSONL (gzip, WARC) or unreadable (the reader reports that)."""
    if file.kind != "jsonl" or file.size <= max_bytes or max_bytes <= 0 or file.path.lower().endswith(".gz"):
        return [file]
    cuts: list[tuple[int, int]] = [(0, 1)]  # (offset of a line start, its line number)
    try:
        with storage.open_input(file.path) as handle:
            offset, line = 0, 1
            target = max_bytes
            while True:
                chunk = handle.read(1 << 20)
                if not chunk:
                    break
                end = offset + len(chunk)
                while target < end:
                    newline = chunk.find(b"\n", max(target - offset, 0))
                    if newline < 0:
                        break
                    cut = offset + newline + 1
                    if cut >= file.size:
                        target = end  # nothing left after the cut
                        break
                    cuts.append((cut, line + chunk.count(b"\n", 0, newline + 1)))
                    target = cut + max_bytes
                line += chunk.count(b"\n")
                offset = end
    except OSError:
        return [file]
    if len(cuts) == 1:
        return [file]
    ends = [start for start, _ in cuts[1:]] + [None]
    return [InputFile(file.path, file.kind, file.size, file.mtime_ns, start, end, number, file.sha1)
            for (start, number), end in zip(cuts, ends)]


def _make_task(files: list[InputFile]) -> Task:
    digest = hashlib.sha1("\x1e".join(f.fingerprint for f in files).encode("utf-8", "surrogatepass"))
    return Task(task_id=digest.hexdigest()[:16], files=tuple(files))
