"""Where benchmarks find the real data: ``../shared/data`` relative to the repository root."""

from __future__ import annotations

import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def shared_data_dir() -> Path:
    """The shared data folder; exits with a clear message when it is missing."""
    path = REPO_ROOT.parent / "shared" / "data"
    if not path.is_dir():
        sys.exit(f"shared data not found at {path}: place the shared/ folder beside the repository")
    return path
