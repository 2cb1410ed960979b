"""The standard per-document steps, in order, built from a :class:`RunConfig`.

This is the one place that knows which steps make up ``zhnews run``; engines receive the
list and never look inside a step.
"""

from __future__ import annotations

from typing import Any

from pipeline.config import RunConfig
from pipeline.steps import Step


def build_steps(config: RunConfig) -> list[Step]:
    """extract (HTML, WARC) -> clean (text, JSONL) -> normalize -> segment -> classify."""
    from pipeline.clean import CleanStep
    from pipeline.extract import ExtractStep
    from pipeline.normalize import NormalizeStep
    from pipeline.segment import SegmentStep

    steps: list[Step] = [
        ExtractStep(**config.extract),
        CleanStep(**config.clean),
        NormalizeStep(**config.normalize),
        SegmentStep(**resolved_segment(config.segment)),
    ]
    if config.classify_enabled:
        from pipeline.classify import ClassifyStep

        steps.append(ClassifyStep(**config.classify))
    return steps


def resolved_segment(params: dict[str, Any]) -> dict[str, Any]:
    """Segment settings with ``accelerate`` decided now, so the run id and manifest record it."""
    from pipeline.segment.backends import resolve_accelerate

    params = dict(params)
    if params.get("backend", "jieba") == "jieba":
        params["accelerate"] = resolve_accelerate(params.get("accelerate"))
    return params
