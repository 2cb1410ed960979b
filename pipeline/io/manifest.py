"""The per-run ``manifest.json``: what went in, what came out, with which code and settings."""

from __future__ import annotations

import datetime as dt
import platform
import sys
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from pipeline.io.schema import SCHEMA_VERSION

#: Distributions whose versions decide the output, recorded in every manifest.
TRACKED_DISTRIBUTIONS = (
    "zhnews",
    "jieba",
    "rjieba",
    "opencc",
    "lxml",
    "charset-normalizer",
    "scikit-learn",
    "skops",
    "numpy",
    "scipy",
    "pyarrow",
    "datasketch",
    "warcio",
    "dask",
    "distributed",
)


def dependency_versions() -> dict[str, str | None]:
    versions: dict[str, str | None] = {"python": sys.version.split()[0], "platform": platform.platform()}
    for name in TRACKED_DISTRIBUTIONS:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = None
    return versions


def build_manifest(
    *,
    run_id: str,
    config: dict[str, Any],
    steps: dict[str, Any],
    inputs: list[dict[str, Any]],
    counts: dict[str, Any],
    timings: dict[str, float],
    provenance: dict[str, str | None],
    started_at: str,
    wall_seconds: float,
    engine: dict[str, Any],
) -> dict[str, Any]:
    """The manifest as a JSON-ready dict."""
    return {
        "run_id": run_id,
        "schema_version": SCHEMA_VERSION,
        "pipeline_version": provenance.get("pipeline_version"),
        "model_version": provenance.get("model_version"),
        "opencc_config": provenance.get("opencc_config"),
        "started_at": started_at,
        "finished_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "wall_seconds": round(wall_seconds, 3),
        "engine": engine,
        "config": config,
        "steps": steps,
        "counts": counts,
        "stage_seconds": {k: round(v, 3) for k, v in timings.items()},
        "inputs": inputs,
        "versions": dependency_versions(),
    }
