"""The steps ``zhnews run`` knows by name, and the list of steps of a run.

A run config may list its steps (``steps: [read, extract, ..., stage, dedup]``): names from
:data:`REGISTRY` or ``package.module:Class`` for a step of one's own.  Each step's settings are
the section of the config named after it (``normalize: {min_chars: 20}``); reading and staging
take the run-level settings (``max_input_bytes``, ``max_decompression_ratio``, ``batch_docs``).
Steps are imported only when a run uses them.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipeline.errors import UsageError
from pipeline.steps.base import BaseStep
from pipeline.steps.chain import check_order

if TYPE_CHECKING:
    from pipeline.config import RunConfig


@dataclass(frozen=True)
class Registered:
    """A step by name: where its class is, and whether a config section of its name sets it."""

    target: str
    section: bool = True


#: Every step by name, in the order of a standard run.
REGISTRY: dict[str, Registered] = {
    "read": Registered("pipeline.ingest.step:ReadStep", section=False),
    "extract": Registered("pipeline.extract.step:ExtractStep"),
    "clean": Registered("pipeline.clean.step:CleanStep"),
    "normalize": Registered("pipeline.normalize.step:NormalizeStep"),
    "segment": Registered("pipeline.segment.step:SegmentStep"),
    "classify": Registered("pipeline.classify.step:ClassifyStep"),
    "stage": Registered("pipeline.io.staging:StageStep", section=False),
    "dedup": Registered("pipeline.dedup.step:DedupStep"),
}

#: The steps of a run whose config does not list them.
DEFAULT_STEPS: tuple[str, ...] = tuple(REGISTRY)

#: Config sections of the registered steps, in registry order.
SECTIONS: tuple[str, ...] = tuple(name for name, entry in REGISTRY.items() if entry.section)


def resolve(name: str) -> type[BaseStep]:
    """The step class a config names: a registered name or ``package.module:Class``."""
    entry = REGISTRY.get(name)
    target = entry.target if entry else name
    if ":" not in target:
        raise ValueError(f"unknown step {name!r}: one of {', '.join(REGISTRY)}, or package.module:Class")
    module_name, _, class_name = target.partition(":")
    try:
        cls = getattr(importlib.import_module(module_name), class_name)
    except (ImportError, AttributeError) as exc:
        raise ValueError(f"cannot load step {name!r}: {exc}") from exc
    if not (isinstance(cls, type) and issubclass(cls, BaseStep)):
        raise ValueError(f"step {name!r} is not a pipeline step class")
    return cls


def step_names(config: RunConfig) -> list[str]:
    """The steps a run config asks for, in order (``classify_enabled`` / ``dedup_enabled``
    off drop those steps)."""
    names = list(DEFAULT_STEPS if config.steps is None else config.steps)
    dropped = {name for name, enabled in (("classify", config.classify_enabled), ("dedup", config.dedup_enabled))
               if not enabled}
    return [name for name in names if name not in dropped]


def build_steps(config: RunConfig) -> list[BaseStep]:
    """The steps of a run, made from its config, checked to fit together (UsageError if not)."""
    steps = []
    for name in step_names(config):
        try:
            cls = resolve(name)
            steps.append(cls.from_config(config, config.section(cls.name)))
        except (ValueError, TypeError) as exc:  # a bad name or bad settings in the config
            raise UsageError(f"step {name!r}: {exc}") from exc
    try:
        check_order(steps)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    return steps
