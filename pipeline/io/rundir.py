"""The run folder ``_run/``: what a finished run keeps so the next run on the same output can
resume or add to it without the staged rows.

::

    _run/state.json             settings id, and the tasks whose rows the published dataset holds
    _run/tasks/<task>.json      a task's completion marker: its counts and its input files (with SHA-1)
    _run/<stage>/<task>/...     what a global stage keeps per task (dedup: its signatures)

A task id is a hash of the settings and of its inputs' paths and contents, so a marker
names the same work whatever other inputs a run has.  ``_staging/`` (the rows of the tasks
not yet published) is removed when a run has published, unless it was asked to keep it.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.io.atomic import write_json_atomic

RUN_DIR = "_run"
TASKS = "tasks"
STATE = "state.json"
#: Version of the run folder's layout: a folder of another version is not trusted (started over).
RUN_FORMAT = 1


@dataclass
class RunState:
    """What ``_run/state.json`` records: the settings id and the published tasks."""

    config_id: str
    tasks: list[str] = field(default_factory=list)


def run_dir(output_dir: str | Path) -> Path:
    return Path(output_dir) / RUN_DIR


def marker_path(output_dir: str | Path, task_id: str) -> Path:
    """The completion marker of ``task_id``."""
    return run_dir(output_dir) / TASKS / f"{task_id}.json"


def stage_store(output_dir: str | Path, stage: str, task_id: str) -> Path:
    """The folder where global stage ``stage`` keeps what it needs of ``task_id`` for later runs."""
    return run_dir(output_dir) / stage / task_id


def read_state(output_dir: str | Path) -> RunState | None:
    """The state of the last published run, or None (none, unreadable, or another layout)."""
    path = run_dir(output_dir) / STATE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != RUN_FORMAT:
        return None
    return RunState(config_id=str(data.get("config_id")), tasks=[str(t) for t in data.get("tasks", [])])


def write_state(output_dir: str | Path, state: RunState) -> None:
    write_json_atomic(run_dir(output_dir) / STATE,
                      {"format": RUN_FORMAT, "config_id": state.config_id, "tasks": sorted(state.tasks)})


def start_state(output_dir: str | Path, config_id: str) -> RunState:
    """The state to build on: the last run's when it had the same settings; otherwise the run
    folder and staging are cleared (nothing of another configuration is reused) and the state
    is empty.  The state file keeps the published tasks until this run publishes."""
    from pipeline.io.staging import STAGING

    state = read_state(output_dir)
    if state is not None and state.config_id == config_id:
        return state
    for name in (RUN_DIR, STAGING, "_markers"):  # ``_markers``: the layout before ``_run``
        shutil.rmtree(Path(output_dir) / name, ignore_errors=True)
    fresh = RunState(config_id=config_id)
    write_state(output_dir, fresh)
    return fresh


def forget_tasks_except(output_dir: str | Path, keep: Iterable[str]) -> None:
    """Remove the markers and stage stores of every task not in ``keep``."""
    kept = set(keep)
    root = run_dir(output_dir)
    for marker in (root / TASKS).glob("*.json"):
        if marker.stem not in kept:
            marker.unlink(missing_ok=True)
    for store in root.iterdir() if root.is_dir() else ():
        if store.is_dir() and store.name != TASKS:
            for folder in store.iterdir():
                if folder.name not in kept:
                    shutil.rmtree(folder, ignore_errors=True)


def link_or_copy(source: Path, target: Path) -> None:
    """``target`` with the bytes of ``source``: a hard link when the file system allows one."""
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
