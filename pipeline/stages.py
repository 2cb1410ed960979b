"""The standard per-document steps, in order, built from a :class:`RunConfig`.

This is the one place that knows which steps make up ``zhnews run``; engines receive the
list and never look inside a step.
"""

from __future__ import annotations

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
        SegmentStep(**config.segment),
    ]
    if config.classify_enabled:
        from pipeline.classify import ClassifyStep

        steps.append(ClassifyStep(**config.classify))
    return steps
