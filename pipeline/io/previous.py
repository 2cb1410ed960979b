"""The dataset already in an output folder, and how a new run's inputs relate to its inputs.

A run never replaces a dataset silently: when none of the dataset's inputs are among the new
run's, the run stops unless told to overwrite (:func:`check_replacement`).  An input counts as
the same when its path is (as the manifest shows it) or, for a run started from another folder,
when its file name and size are.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import Any

from pipeline.errors import UsageError


class Relation(enum.Enum):
    """The new run's inputs compared with those of the dataset in the folder."""

    NONE = "no dataset"  # nothing published there yet (or an unreadable manifest)
    SAME = "same inputs"
    SUPERSET = "more inputs"  # every input of the dataset, and new ones
    OVERLAP = "some inputs in common"
    DISJOINT = "other inputs"


class OutputHoldsOtherDataset(UsageError):
    """The output folder holds a dataset of other inputs and ``--overwrite`` was not given."""


def previous_manifest(output_dir: Path) -> dict[str, Any] | None:
    """The manifest of the dataset published in ``output_dir``, or None."""
    try:
        manifest = json.loads((output_dir / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


def _keys(path: str, size: int | None) -> set[tuple[Any, ...]]:
    return {("path", path), ("name", PurePosixPath(path).name, size)}


def relation(previous_inputs: Iterable[dict[str, Any]], new_inputs: Iterable[tuple[str, int]]) -> Relation:
    """How ``new_inputs`` (``(shown path, bytes)``) relate to a manifest's ``inputs`` listing."""
    old = [_keys(str(item.get("path")), item.get("bytes")) for item in previous_inputs]
    new = [_keys(path, size) for path, size in new_inputs]
    if not old:
        return Relation.NONE
    new_keys = set().union(*new) if new else set()
    old_keys = set().union(*old)
    kept = sum(1 for keys in old if keys & new_keys)
    if kept == 0:
        return Relation.DISJOINT
    if kept < len(old):
        return Relation.OVERLAP
    added = sum(1 for keys in new if not keys & old_keys)
    return Relation.SUPERSET if added else Relation.SAME


def check_replacement(output_dir: Path, new_inputs: Iterable[tuple[str, int]], overwrite: bool) -> Relation:
    """The relation of the new inputs to the dataset in ``output_dir``; raises
    :class:`OutputHoldsOtherDataset` when it holds one of other inputs only, unless ``overwrite``."""
    manifest = previous_manifest(output_dir)
    if manifest is None:
        return Relation.NONE
    found = relation(manifest.get("inputs") or [], new_inputs)
    if found is Relation.DISJOINT and not overwrite:
        raise OutputHoldsOtherDataset(
            f"output {output_dir} holds a dataset of other inputs (run {manifest.get('run_id')}, "
            f"{len(manifest.get('inputs') or [])} input files); pass --overwrite to replace it")
    return found
