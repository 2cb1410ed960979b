"""Run configuration: plain data, loadable from a YAML/JSON/TOML file, written to the manifest.

Step settings are the keyword arguments of each step's constructor, so a config file reads
like this::

    workers: 2
    normalize: {opencc_config: hk2s, min_chars: 20}
    classify: {model_dir: models/default}
    dedup: {threshold: 0.8}
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from pipeline.errors import UsageError

DEFAULT_INPUT = "corpus/sample"
DEFAULT_OUTPUT = "corpus/processed"

STEP_SECTIONS = ("extract", "clean", "normalize", "segment", "classify")


@dataclass
class RunConfig:
    """Everything that decides what a run produces (and how it is executed)."""

    inputs: list[str] = field(default_factory=lambda: [DEFAULT_INPUT])
    output: str = DEFAULT_OUTPUT
    workers: int = 0  # 0: all cores
    engine: str = "local"  # local | dask
    scheduler: str | None = None
    batch_docs: int = 2000  # staging rows held in memory per task before a part is written
    task_max_files: int = 64
    task_max_bytes: int = 8 << 20
    max_input_bytes: int = 64 << 20
    doc_time_limit: float | None = 60.0  # seconds per document in all steps (None: no limit)
    max_decompression_ratio: int = 200  # gzip inputs expanding more than this are bombs
    classify_enabled: bool = True
    dedup_enabled: bool = True
    extract: dict[str, Any] = field(default_factory=dict)
    clean: dict[str, Any] = field(default_factory=dict)
    normalize: dict[str, Any] = field(default_factory=dict)
    segment: dict[str, Any] = field(default_factory=dict)
    classify: dict[str, Any] = field(default_factory=dict)
    dedup: dict[str, Any] = field(default_factory=dict)

    def resolved_workers(self) -> int:
        return self.workers if self.workers and self.workers > 0 else (os.cpu_count() or 1)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def result_affecting(self) -> dict[str, Any]:
        """The settings that change the output (not how many workers ran it)."""
        data = self.to_dict()
        for key in ("inputs", "output", "workers", "engine", "scheduler", "batch_docs"):
            data.pop(key)
        return data


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
    known = {f.name for f in fields(RunConfig)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise UsageError(f"unknown config keys in {path}: {', '.join(unknown)}")
    return data


def make_config(file: str | None = None, **overrides: Any) -> RunConfig:
    """A RunConfig from an optional file, then command-line overrides that are not None."""
    data: dict[str, Any] = load_config_file(file) if file else {}
    data.update({k: v for k, v in overrides.items() if v is not None})
    return RunConfig(**data)
