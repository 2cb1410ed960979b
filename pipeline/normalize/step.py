"""The normalize stage: pinyin removal, Unicode clean-up, OpenCC conversion, quality signals, filters."""

from __future__ import annotations

from pipeline.normalize.metadata import normalize_name
from pipeline.normalize.mojibake import (
    find_mojibake_spans,
    mojibake_score,
    warm_up_tables,
)
from pipeline.normalize.opencc_convert import SUPPORTED_CONFIGS, convert, get_converter
from pipeline.normalize.pinyin import remove_pinyin_annotations
from pipeline.normalize.quality import (
    QualityFilter,
    char_count,
    han_ratio,
    repetition_ratio,
)
from pipeline.normalize.script import detect_script, script_classes
from pipeline.normalize.settings import MAX_MOJIBAKE_SCORE, MAX_REPETITION_RATIO, MIN_CHARS, MIN_HAN_RATIO
from pipeline.normalize.unicode_text import normalize_unicode
from pipeline.record import Doc, Reject
from pipeline.steps import Step, record_columns


def normalize_text(text: str, opencc_config: str = "t2s") -> str:
    """Unicode clean-up then OpenCC conversion; idempotent for the to-Simplified configs."""
    return convert(normalize_unicode(text), opencc_config)


def _strip_lines(text: str) -> str:
    return "\n".join(line.strip() for line in text.split("\n"))


class NormalizeStep(Step):
    """Fill ``text_original``/``text``, script and quality fields; reject by the quality filters.

    ``author`` and ``source`` are normalized like the text (:mod:`pipeline.normalize.metadata`),
    the values found kept in ``author_original`` and ``source_original``.

    ``doc.paragraphs`` stay in the source's script and form; only pinyin annotations are removed.  ``opencc_config`` applies to every document
    unless the document already carries one (``doc.opencc_config``) chosen upstream.
    """

    name = "normalize"
    columns = record_columns("title", "author", "author_original", "source", "source_original", "paragraphs",
                             "script", "opencc_config", "text_original", "text", "char_count", "han_ratio",
                             "mojibake_score", "repetition_ratio", "pinyin_annotations_removed", "quality_flags")

    def __init__(
        self,
        opencc_config: str = "t2s",
        min_chars: int | None = MIN_CHARS,
        min_han_ratio: float | None = MIN_HAN_RATIO,
        max_mojibake_score: float | None = MAX_MOJIBAKE_SCORE,
        max_repetition_ratio: float | None = MAX_REPETITION_RATIO,
    ) -> None:
        super().__init__()
        if opencc_config not in SUPPORTED_CONFIGS:
            raise ValueError(f"unsupported OpenCC config {opencc_config!r}")
        self.opencc_config = opencc_config
        self.min_chars = min_chars
        self.min_han_ratio = min_han_ratio
        self.max_mojibake_score = max_mojibake_score
        self.max_repetition_ratio = max_repetition_ratio

    def provenance(self) -> dict[str, str | None]:
        return {"opencc_config": self.opencc_config}

    def setup(self) -> None:
        get_converter(self.opencc_config)
        warm_up_tables()
        script_classes()
        self._filter = QualityFilter(
            min_chars=self.min_chars,
            min_han_ratio=self.min_han_ratio,
            max_mojibake_score=self.max_mojibake_score,
            max_repetition_ratio=self.max_repetition_ratio,
        )

    def process(self, doc: Doc) -> Doc | Reject:
        config = doc.opencc_config or self.opencc_config
        removed = 0
        paragraphs = []
        for para in doc.paragraphs:
            para, n = remove_pinyin_annotations(para)
            removed += n
            paragraphs.append(para)
        title = doc.title
        if title:
            title, n = remove_pinyin_annotations(title)
            removed += n
            title = normalize_text(title, config).strip() or None
        original = _strip_lines(normalize_unicode("\n".join(paragraphs)))
        text = convert(original, config)
        flags = list(doc.quality_flags)
        # the mojibake scorer reads the t2s form: reuse the converted text when it is that
        score = mojibake_score(original, text if config == "t2s" else None)
        if score > 0 or (doc.title and find_mojibake_spans(doc.title)):
            flags.append("mojibake")
        if removed:
            flags.append("pinyin_annotations")
        doc.pinyin_annotations_removed += removed
        doc.paragraphs = paragraphs
        doc.text_original = original
        doc.text = text
        doc.title = title
        if doc.author_original is None and doc.source_original is None:  # not normalized before
            doc.author_original, doc.source_original = doc.author, doc.source
        doc.author = normalize_name(doc.author_original, config)
        doc.source = normalize_name(doc.source_original, config)
        doc.script = detect_script(original)
        doc.opencc_config = config
        doc.han_ratio = han_ratio(original)
        doc.mojibake_score = score
        doc.repetition_ratio = repetition_ratio(paragraphs)
        doc.char_count = char_count(doc.text)
        doc.quality_flags = list(dict.fromkeys(flags))
        self._filter.check(
            chars=doc.char_count,
            han=doc.han_ratio,
            mojibake=score,
            repetition=doc.repetition_ratio,
        )
        return doc
