"""Fitting runs with native thread pools held to one thread (idle pool threads only spin)."""

from __future__ import annotations

from threadpoolctl import threadpool_info

from pipeline.classify.cv import cross_validate
from pipeline.classify.settings import FIT_THREADS
from pipeline.classify.threads import native_threads, with_native_threads
from pipeline.classify.training import train


def test_the_limit_reaches_the_pools_that_load_with_scipy_and_scikit_learn() -> None:
    with native_threads():
        inside = threadpool_info()
    libraries = {(pool["internal_api"], pool["filepath"]) for pool in inside}
    # numpy's OpenBLAS, scipy's own OpenBLAS and scikit-learn's OpenMP runtime
    assert len([lib for lib in libraries if lib[0] == "openblas"]) >= 2
    assert any(lib[0] == "openmp" for lib in libraries)
    assert all(pool["num_threads"] == FIT_THREADS for pool in inside)


def test_the_limit_is_lifted_afterwards() -> None:
    before = {pool["filepath"]: pool["num_threads"] for pool in threadpool_info()}
    with native_threads():
        pass
    after = {pool["filepath"]: pool["num_threads"] for pool in threadpool_info()}
    assert all(after[path] == threads for path, threads in before.items())


def test_a_wrapped_function_runs_inside_the_limit() -> None:
    seen = with_native_threads(threadpool_info)()
    assert seen and all(pool["num_threads"] == FIT_THREADS for pool in seen)


def test_training_and_cross_validation_are_wrapped() -> None:
    for func in (train, cross_validate):
        assert getattr(func, "__wrapped__", None) is not None, func.__name__
