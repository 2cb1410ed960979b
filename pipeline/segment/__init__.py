"""Word segmentation with jieba: one tokenizer per process, domain dictionary, stopwords."""

from pipeline.segment.step import SegmentStep
from pipeline.segment.tokenizer import get_tokenizer, stopwords, tokenize

__all__ = ["SegmentStep", "get_tokenizer", "stopwords", "tokenize"]
