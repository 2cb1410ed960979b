"""Word segmentation with jieba (or jieba-rs): one tokenizer per process, domain dictionary, stopwords."""

from pipeline.segment.backends import BACKENDS, get_tokenize, resolve_backend
from pipeline.segment.step import SegmentStep
from pipeline.segment.tokenizer import get_tokenizer, stopwords, tokenize

__all__ = ["BACKENDS", "SegmentStep", "get_tokenize", "get_tokenizer", "resolve_backend", "stopwords", "tokenize"]
