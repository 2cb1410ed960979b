"""Choosing a segmentation backend: ``jieba`` (pure Python) or ``rjieba`` (jieba-rs, ~15x faster).

Both use jieba's dictionary, HMM and the packaged user dictionary; a run or a model uses one
backend throughout (it is part of the step's config and of the model's metadata).
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.util import find_spec

BACKENDS = ("jieba", "rjieba")

Tokenize = Callable[..., list[str]]


def rjieba_available() -> bool:
    """True when the optional ``rjieba`` package is installed."""
    return find_spec("rjieba") is not None


def resolve_backend(backend: str = "auto") -> str:
    """``auto`` -> ``rjieba`` when installed, else ``jieba``; other names are checked."""
    if backend == "auto":
        return "rjieba" if rjieba_available() else "jieba"
    if backend not in BACKENDS:
        raise ValueError(f"unknown segmentation backend {backend!r}; choose from {BACKENDS} or 'auto'")
    return backend


def get_tokenize(backend: str = "jieba") -> Tokenize:
    """The ``tokenize(text, user_dict=True)`` function of ``backend``."""
    if resolve_backend(backend) == "rjieba":
        from pipeline.segment.rjieba_backend import rjieba_tokenize

        return rjieba_tokenize
    from pipeline.segment.tokenizer import tokenize

    return tokenize
