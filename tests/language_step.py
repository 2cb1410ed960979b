"""An example of a step of one's own: keep documents written in Chinese, and store why.

The whole of what a new step takes (docs/architecture.md shows it): this file, and its name in
a run config's ``steps`` list.  Its columns are added to the articles table after the standard
ones; its settings are the config section named after it.
"""

from __future__ import annotations

import re

from pipeline.errors import InputRejected
from pipeline.record import Column, Doc
from pipeline.steps import Step

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")


class LanguageFilter(Step):
    """Sets ``language`` (``zh`` when Han characters are at least ``min_han_share`` of the
    letters, else ``other``) and ``han_share``; rejects documents whose language is not kept."""

    name = "language"
    columns = (Column("language", "string"), Column("han_share", "float32"))

    def __init__(self, keep: tuple[str, ...] = ("zh",), min_han_share: float = 0.5) -> None:
        super().__init__()
        self.keep = tuple(keep)
        self.min_han_share = min_han_share

    def process(self, doc: Doc) -> Doc:
        text = doc.text if doc.text is not None else doc.body()
        han = len(_HAN.findall(text))
        letters = han + len(_LATIN.findall(text))
        share = han / letters if letters else 0.0
        language = "zh" if letters and share >= self.min_han_share else "other"
        if language not in self.keep:
            raise InputRejected("language", f"{language}: Han characters are {share:.0%} of the letters")
        doc.extra["language"] = language
        doc.extra["han_share"] = share
        return doc
