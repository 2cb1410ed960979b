"""Fold assignments for honest cross-validation: by source family and by contiguous time blocks.

Random folds put items of one outlet (one style, one year's vocabulary) on both sides and flatter
a model; a researcher's corpus comes from outlets and years the labels have not seen.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from pipeline.classify.settings import MIN_GROUP_ITEMS, PLATFORM_FAMILIES, TIME_BLOCKS

#: Fold of sources with too few labelled items to be a fold of their own.
SMALL_SOURCES = "other sources"
UNDATED = "undated"
#: How a fold plan ("source", "time") is named in model cards and prevalence metadata.
PLAN_NAMES = {"source": "leave-one-source-family-out", "time": "leave-one-time-block-out"}

_LEADING_NAME = re.compile(r"[^\W\d_]+")


def source_family(source: str | None) -> str:
    """The outlet family of a source name: a platform it names, else its leading letters.

    ``ncov10k_weibo_2020`` and ``weibo`` are one family (``weibo``); ``cctv12`` and
    ``cctv_xinwenlianbo_2012_2021`` are ``cctv``; a name without letters is its own family.
    """
    name = (source or "").strip().lower()
    for platform in PLATFORM_FAMILIES:
        if platform in name:
            return platform
    match = _LEADING_NAME.match(name)
    return match.group(0) if match else (name or "unknown")


def source_groups(records: Sequence[Mapping[str, Any]], min_items: int = MIN_GROUP_ITEMS) -> np.ndarray:
    """One group label per record: its source family, small families pooled together.

    A record's own ``group`` field, when present, wins (labellers may know better).
    """
    families = [str(r["group"]) if r.get("group") else source_family(r.get("source")) for r in records]
    counts = Counter(families)
    return np.array([f if counts[f] >= min_items else SMALL_SOURCES for f in families], dtype=object)


def time_groups(records: Sequence[Mapping[str, Any]], blocks: int = TIME_BLOCKS) -> np.ndarray:
    """One group label per record: its block of the date order (``YYYY-MM-DD..YYYY-MM-DD``).

    Items are sorted by date (id breaks ties) and cut into ``blocks`` contiguous blocks of
    about equal size; undated items form a group of their own.
    """
    dates = [str(r.get("date") or r.get("published_at") or "")[:10] for r in records]
    dated = sorted((d, str(records[i].get("id", i)), i) for i, d in enumerate(dates) if d)
    labels = np.array([UNDATED] * len(records), dtype=object)
    for chunk in np.array_split(np.arange(len(dated)), min(blocks, max(len(dated), 1))):
        if not len(chunk):
            continue
        first, last = dated[chunk[0]][0], dated[chunk[-1]][0]
        for j in chunk:
            labels[dated[j][2]] = f"{first}..{last}"
    return labels


def leave_one_group_out(groups: np.ndarray) -> Iterator[tuple[str, np.ndarray, np.ndarray]]:
    """``(group, train indices, test indices)`` for every group, in sorted order."""
    groups = np.asarray(groups, dtype=object)
    for g in sorted(set(groups.tolist())):
        test = np.flatnonzero(groups == g)
        if len(test) == len(groups):
            continue
        yield str(g), np.flatnonzero(groups != g), test
