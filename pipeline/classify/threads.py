"""Native thread pools (BLAS, OpenMP) held to what small linear-model work can use."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

from pipeline.classify.settings import FIT_THREADS

P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def native_threads(limit: int = FIT_THREADS) -> Iterator[None]:
    """Native thread pools limited to ``limit`` threads inside the block (the numbers computed
    are the same; only idle threads spinning between small calls are spared)."""
    # a limit reaches only the libraries loaded when it is set: scipy's own OpenBLAS and
    # scikit-learn's OpenMP runtime load with their packages, after numpy's OpenBLAS
    import scipy.linalg  # noqa: F401
    import sklearn.linear_model  # noqa: F401
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=limit):
        yield


def with_native_threads(func: Callable[P, R]) -> Callable[P, R]:
    """``func`` run inside :func:`native_threads` with the default limit."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with native_threads():
            return func(*args, **kwargs)

    return wrapper
