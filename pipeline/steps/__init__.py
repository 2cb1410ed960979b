"""Steps and the chain that runs them: the protocol, the registry, per-document batches."""

from pipeline.steps.base import (
    BaseStep,
    GlobalStage,
    Result,
    RowFill,
    StageOutcome,
    Step,
    StreamStep,
    TaskContext,
    added_columns,
    record_columns,
)
from pipeline.steps.chain import Chain, StepPipeline
from pipeline.steps.registry import DEFAULT_STEPS, REGISTRY, build_steps, resolve

__all__ = [
    "DEFAULT_STEPS",
    "REGISTRY",
    "BaseStep",
    "Chain",
    "GlobalStage",
    "Result",
    "RowFill",
    "StageOutcome",
    "Step",
    "StepPipeline",
    "StreamStep",
    "TaskContext",
    "added_columns",
    "build_steps",
    "record_columns",
    "resolve",
]
