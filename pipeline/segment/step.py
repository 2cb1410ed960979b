"""The ``segment`` stage: words of the normalized text into ``doc.tokens``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pipeline.record import Doc
from pipeline.segment.backends import BACKENDS, get_tokenize, resolve_accelerate
from pipeline.steps import Result, Step, record_columns

if TYPE_CHECKING:
    from pipeline.config import RunConfig


class SegmentStep(Step):
    """Set ``doc.tokens`` from ``doc.text`` with ``backend`` (``jieba`` or ``rjieba``).

    ``accelerate`` (``jieba`` backend only): let jieba-rs cut the runs of plain Han text, where
    its tokens are jieba's (:mod:`pipeline.segment.accelerated`); ``None`` decides at set-up
    (on when ``rjieba`` is installed).  ``zhnews run`` resolves it before the run starts, so the
    choice is part of the step's config, hence of the run id and the manifest: one run never
    mixes settings.
    """

    name = "segment"
    columns = record_columns("tokens")

    def __init__(self, backend: str = "jieba", user_dict: bool = True, accelerate: bool | None = None) -> None:
        super().__init__()
        if backend not in BACKENDS:
            raise ValueError(f"unknown segmentation backend {backend!r}; choose from {BACKENDS}")
        self.backend = backend
        self.user_dict = user_dict
        self.accelerate = accelerate

    @classmethod
    def from_config(cls, config: RunConfig, section: Mapping[str, Any]) -> SegmentStep:
        """With ``accelerate`` decided now, so the run id and manifest record it."""
        params = dict(section)
        if params.get("backend", "jieba") == "jieba":
            params["accelerate"] = resolve_accelerate(params.get("accelerate"))
        return cls(**params)

    def setup(self) -> None:
        self._tokenize = get_tokenize(self.backend, self.accelerate)
        self._tokenize("医", self.user_dict)  # build the segmenter now, not on the first document

    def process(self, doc: Doc) -> Result:
        doc.tokens = self._tokenize(doc.text or "", self.user_dict)
        return doc
