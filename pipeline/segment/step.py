"""The ``segment`` stage: words of the normalized text into ``doc.tokens``."""

from __future__ import annotations

from pipeline.record import Doc
from pipeline.segment.tokenizer import get_tokenizer, tokenize
from pipeline.steps import Result, Step

BACKENDS = ("jieba",)


class SegmentStep(Step):
    """Set ``doc.tokens`` from ``doc.text`` with jieba (domain user dictionary by default)."""

    name = "segment"

    def __init__(self, backend: str = "jieba", user_dict: bool = True) -> None:
        super().__init__()
        if backend not in BACKENDS:
            raise ValueError(f"unknown segmentation backend {backend!r}; choose from {BACKENDS}")
        self.backend = backend
        self.user_dict = user_dict

    def setup(self) -> None:
        get_tokenizer(self.user_dict)

    def process(self, doc: Doc) -> Result:
        doc.tokens = tokenize(doc.text or "", self.user_dict)
        return doc
