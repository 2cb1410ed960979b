"""Choosing a segmentation backend: ``jieba`` (jieba's tokens) or ``rjieba`` (jieba-rs throughout).

Both use jieba's dictionary, HMM and the packaged user dictionary; a run or a model uses one
backend throughout (it is part of the step's config and of the model's metadata).  The
``jieba`` backend can be *accelerated*: jieba-rs computes the runs of plain Han text, where it
agrees with jieba, and jieba the rest (:mod:`pipeline.segment.accelerated`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
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


def resolve_accelerate(accelerate: bool | None) -> bool:
    """``None`` -> accelerate when jieba-rs is installed; ``True`` without it is an error."""
    if accelerate is None:
        return rjieba_available()
    if accelerate and not rjieba_available():
        raise ImportError("accelerated jieba needs jieba-rs: pip install 'zhnews[rjieba]'")
    return bool(accelerate)


def get_tokenize(backend: str = "jieba", accelerate: bool | None = None) -> Tokenize:
    """The ``tokenize(text, user_dict=True)`` function of ``backend``.

    ``accelerate`` applies to the ``jieba`` backend only (``None``: when jieba-rs is installed).
    """
    if resolve_backend(backend) == "rjieba":
        from pipeline.segment.rjieba_backend import rjieba_tokenize

        return rjieba_tokenize
    if resolve_accelerate(accelerate):
        from pipeline.segment.accelerated import accelerated_tokenize

        return accelerated_tokenize
    from pipeline.segment.tokenizer import tokenize

    return tokenize


def tokenize_many(texts: Sequence[str], backend: str = "jieba") -> list[list[str]]:
    """``get_tokenize(backend)`` of every text; jieba-rs segments them all in one call."""
    if resolve_backend(backend) == "rjieba":
        from pipeline.segment.rjieba_backend import rjieba_tokenize_many

        return rjieba_tokenize_many(texts)
    cut = get_tokenize(backend)
    return [cut(t) for t in texts]
