"""How the article columns the views read are stored: the single place to adapt to a schema change.

Schema 1.x stores the publication day as ``published_date`` (date32) and the topic scores as a
``map<string, float32>``; callers read both through these helpers only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

#: The column holding the publication day (date32), and the one holding topic scores.
DATE_COLUMN = "published_date"
TOPIC_SCORES_COLUMN = "topic_scores"


def date_field() -> pc.Expression:
    """The publication day as a dataset expression (for comparisons with ``datetime.date``)."""
    return pc.field(DATE_COLUMN)


def day_of(value: Any) -> dt.date | None:
    """A cell of :data:`DATE_COLUMN` as a date (None when undated)."""
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


def topic_score_dicts(column: pa.Array | pa.ChunkedArray) -> list[dict[str, float]]:
    """The topic scores of each row as ``{topic: score}`` (empty when missing)."""
    rows: list[dict[str, float]] = []
    for value in column.to_pylist():
        if not value:
            rows.append({})
        elif isinstance(value, dict):
            rows.append({str(k): float(v) for k, v in value.items() if v is not None})
        else:  # a map reads as (key, value) pairs; a list<struct> as dicts with two fields
            pairs = [tuple(item.values()) if isinstance(item, dict) else item for item in value]
            rows.append({str(k): float(v) for k, v in pairs if v is not None})
    return rows
