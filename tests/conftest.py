"""Shared fixtures: the real data folder beside the repository, and the sample corpus."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"
SAMPLE_CORPUS = REPO_ROOT / "corpus" / "sample"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data``: fails (never skips) under CI when it is missing."""
    if not SHARED_DATA.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"shared data folder missing under CI: {SHARED_DATA}")
        pytest.skip(f"shared data folder not found: {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture(scope="session")
def sample_corpus() -> Path:
    """The project's own sample corpus."""
    return SAMPLE_CORPUS


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT
