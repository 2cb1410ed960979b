"""Run configuration: plain data, loadable from a YAML/JSON/TOML file, written to the manifest.

Run-level settings are fields of :class:`RunConfig`; each step's settings are the keyword
arguments of its constructor, in a section named after the step (the sections are those of
the registered steps, :mod:`pipeline.steps.registry`).  ``steps`` lists the steps of the run
when it is not the standard list.  A config file reads like this::

    workers: 2
    normalize: {opencc_config: hk2s, min_chars: 20}
    classify: {model_dir: models/default}
    dedup: {threshold: 0.8}
    # steps: [read, extract, clean, normalize, mypackage.lang:LanguageFilter, segment, classify, stage, dedup]
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from pipeline.errors import UsageError
from pipeline.ingest import settings as ingest_settings
from pipeline.io.settings import STAGING_BATCH_DOCS
from pipeline.steps.registry import REGISTRY, SECTIONS, resolve
from pipeline.steps.settings import DOC_TIME_LIMIT

DEFAULT_INPUT = "corpus/sample"
DEFAULT_OUTPUT = "corpus/processed"

#: Settings that decide how a run is executed, not what it produces (left out of the run id).
EXECUTION_SETTINGS = ("inputs", "output", "workers", "engine", "scheduler", "batch_docs", "prune", "keep_staging",
                      "overwrite")


@dataclass
class RunConfig:
    """Everything that decides what a run produces (and how it is executed)."""

    inputs: list[str] = field(default_factory=lambda: [DEFAULT_INPUT])
    output: str = DEFAULT_OUTPUT
    workers: int = 0  # 0: all cores
    engine: str = "local"  # local | dask
    scheduler: str | None = None
    batch_docs: int = STAGING_BATCH_DOCS  # staging rows held in memory per task before a part is written
    task_max_files: int = ingest_settings.TASK_MAX_FILES
    task_max_bytes: int = ingest_settings.TASK_MAX_BYTES
    max_input_bytes: int = ingest_settings.MAX_INPUT_BYTES
    doc_time_limit: float | None = DOC_TIME_LIMIT  # seconds per document in all steps (None: no limit)
    max_decompression_ratio: int = ingest_settings.MAX_DECOMPRESSION_RATIO  # gzip inputs expanding more are bombs
    classify_enabled: bool = True
    dedup_enabled: bool = True
    #: drop the rows of inputs an earlier run on the output published and this run does not list
    prune: bool = False
    #: keep ``_staging/`` (the tasks' staged rows) after publishing
    keep_staging: bool = False
    overwrite: bool = False  # replace a dataset none of whose inputs are in this run
    #: the steps of the run, in order (None: the standard list, ``pipeline.steps.registry.DEFAULT_STEPS``)
    steps: list[str] | None = None
    #: each step's settings (its constructor's keyword arguments), by step name
    params: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], origin: str = "config") -> RunConfig:
        """A config from a mapping of run settings and step sections (UsageError on unknown keys)."""
        run_fields = {f.name for f in fields(cls)} - {"params"}
        settings = {k: v for k, v in data.items() if k in run_fields}
        steps = settings.get("steps")
        if steps is not None and (not isinstance(steps, list) or not all(isinstance(s, str) for s in steps)):
            raise UsageError(f"{origin}: 'steps' must be a list of step names")
        sections = section_names(steps)
        unknown = sorted(k for k in data if k not in run_fields and k not in sections)
        if unknown:
            raise UsageError(f"unknown config keys in {origin}: {', '.join(unknown)}")
        params = {}
        for name in sections:
            value = data.get(name, {})
            if not isinstance(value, Mapping):
                raise UsageError(f"{origin}: the settings of step {name!r} must be a mapping")
            if value:
                params[name] = dict(value)
        return cls(**settings, params=params)

    def section(self, name: str) -> dict[str, Any]:
        """The settings of step ``name`` (empty when the config sets none)."""
        return dict(self.params.get(name, {}))

    def resolved_workers(self) -> int:
        return self.workers if self.workers and self.workers > 0 else (os.cpu_count() or 1)

    def to_dict(self) -> dict[str, Any]:
        """Run settings, then ``steps`` when set, then every step's section (as in a config file)."""
        data = {f.name: _copy(getattr(self, f.name)) for f in fields(self) if f.name not in ("steps", "params")}
        if self.steps is not None:
            data["steps"] = list(self.steps)
        names = section_names(self.steps)
        names += [name for name in self.params if name not in names]
        data.update((name, self.section(name)) for name in names)
        return data

    def result_affecting(self) -> dict[str, Any]:
        """The settings that change the output (not how many workers ran it)."""
        data = self.to_dict()
        for key in EXECUTION_SETTINGS:
            data.pop(key)
        return data


def _copy(value: Any) -> Any:
    return list(value) if isinstance(value, list) else value


def section_names(steps: list[str] | None) -> list[str]:
    """The config sections of the registered steps, then of the steps ``steps`` names by
    ``package.module:Class`` (a section named after each)."""
    names = list(SECTIONS)
    for name in steps or ():
        if name in REGISTRY:
            continue
        try:
            own = resolve(name).name
        except ValueError as exc:
            raise UsageError(str(exc)) from exc
        if own not in names:
            names.append(own)
    return names


def load_config_file(path: str | Path) -> dict[str, Any]:
    """Read a YAML, JSON or TOML config file into a dict; UsageError when unreadable."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read config {path}: {exc.strerror}") from exc
    try:
        if path.suffix == ".json":
            data = json.loads(text)
        elif path.suffix == ".toml":
            import tomllib

            data = tomllib.loads(text)
        else:
            import yaml

            data = yaml.safe_load(text)
    except Exception as exc:  # noqa: BLE001 - any parse error is a usage error
        raise UsageError(f"cannot parse config {path}: {exc}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise UsageError(f"config {path} must be a mapping at top level")
    RunConfig.from_dict(data, str(path))  # unknown keys are reported against the file
    return data


def make_config(file: str | None = None, **overrides: Any) -> RunConfig:
    """A RunConfig from an optional file, then command-line overrides that are not None."""
    data: dict[str, Any] = load_config_file(file) if file else {}
    data.update({k: v for k, v in overrides.items() if v is not None})
    return RunConfig.from_dict(data)
