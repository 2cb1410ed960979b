"""Normalization: pinyin-annotation removal, mojibake detection, Unicode clean-up, OpenCC, quality."""

from pipeline.normalize.mojibake import find_mojibake_spans, mojibake_score
from pipeline.normalize.opencc_convert import convert, get_converter
from pipeline.normalize.pinyin import remove_pinyin_annotations
from pipeline.normalize.quality import QualityFilter, char_count, han_ratio, repetition_ratio
from pipeline.normalize.script import detect_script
from pipeline.normalize.step import NormalizeStep, normalize_text
from pipeline.normalize.unicode_text import normalize_unicode

__all__ = [
    "NormalizeStep",
    "QualityFilter",
    "char_count",
    "convert",
    "detect_script",
    "find_mojibake_spans",
    "get_converter",
    "han_ratio",
    "mojibake_score",
    "normalize_text",
    "normalize_unicode",
    "remove_pinyin_annotations",
    "repetition_ratio",
]
