"""Cleaning of text dumps (flattened pages) and of JSONL article bodies into articles."""

from pipeline.clean.body import clean_body
from pipeline.clean.lines import LABELS, label_lines
from pipeline.clean.step import CleanStep
from pipeline.clean.text import clean_lines, clean_text, split_sentences

__all__ = ["LABELS", "CleanStep", "clean_body", "clean_lines", "clean_text", "label_lines", "split_sentences"]
