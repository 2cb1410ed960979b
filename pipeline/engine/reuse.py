"""Incremental runs: which published tasks a new run on the same output keeps, and what is left to do.

A task is named by its content (:func:`content_task`): the settings id and, for each of its
files, the path, the SHA-1 of the whole file and the byte range.  Against the tasks the output
already holds (their markers list their files), each file of the new run is

* covered by a published task whose files are all listed again with the same content
  (*reused*: its rows stay as published);
* covered by a published task some of whose files are no longer listed and none changed
  (*kept*: an input dropped from the list keeps its rows unless the run prunes);
* otherwise left to plan into new tasks.  A published task with a file whose content changed
  is *dropped* (its rows leave; its files still listed are read again), as is, with
  ``prune``, one with a file no longer listed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from pipeline.engine.task import TaskResult
from pipeline.ingest import InputFile, Task
from pipeline.ingest.step import file_sha1


@dataclass
class ReusePlan:
    """The published tasks a run keeps or drops, and the files no kept task covers."""

    reused: list[TaskResult] = field(default_factory=list)
    kept: list[TaskResult] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    todo: list[InputFile] = field(default_factory=list)
    #: the files of kept tasks that this run does not list (their rows stay)
    absent: list[InputFile] = field(default_factory=list)

    @property
    def carried(self) -> list[TaskResult]:
        """The published tasks whose rows stay."""
        return self.reused + self.kept


def with_hashes(files: Sequence[InputFile], known: Iterable[InputFile] = ()) -> list[InputFile]:
    """``files`` with their SHA-1: a file with the path, size and modification time of a
    ``known`` one takes its hash (as ``make`` and ``git`` trust a file's stat), the others are read.
    An unreadable file gets an empty hash (its task reports the error)."""
    by_path = {(f.path, f.size, f.mtime_ns): f.sha1 for f in known if f.sha1}
    out = []
    for file in files:
        sha1 = by_path.get((file.path, file.size, file.mtime_ns))
        if sha1 is None:
            try:
                sha1 = file_sha1(file.path)
            except OSError:
                sha1 = ""
        out.append(replace(file, sha1=sha1))
    return out


def content_task(task: Task, config_id: str) -> Task:
    """``task`` named by the settings id and its files' paths, contents and ranges."""
    parts = [config_id] + [f"{f.path}\x1f{f.sha1}\x1f{f.start}-{f.end}" for f in task.files]
    digest = hashlib.sha1("\x1e".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return Task(task_id=digest, files=task.files)


def plan_reuse(files: Sequence[InputFile], published: Mapping[str, tuple[TaskResult, list[InputFile]]],
               prune: bool = False) -> ReusePlan:
    """Sort the ``published`` tasks (id -> marker) against this run's hashed ``files``."""
    current = {f.path: f.sha1 for f in files}
    plan = ReusePlan()
    covered: set[str] = set()
    for task_id in sorted(published):
        result, task_files = published[task_id]
        listed = [f for f in task_files if f.path in current]
        if any(current[f.path] != f.sha1 for f in listed):
            plan.dropped.append(task_id)
        elif len(listed) == len(task_files):
            plan.reused.append(result)
            covered.update(f.path for f in listed)
        elif prune:
            plan.dropped.append(task_id)
        else:
            plan.kept.append(result)
            covered.update(f.path for f in listed)
            plan.absent.extend(f for f in task_files if f.path not in current and f.start == 0)
    plan.todo = [f for f in files if f.path not in covered]
    return plan
