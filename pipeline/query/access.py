"""How the article columns the views read are stored: the single place to adapt to a schema change.

Articles are read through :class:`~pipeline.io.articles.ArticlesReader`, so a schema 1.x run
reads like a 2.0 one (``topic_scores`` a list of ``{topic, score}``, times as UTC instants).
Filters are pushed down to the stored files, though, so they use columns stored alike by every
version: the publication day is ``published_date`` (date32, the calendar day of
``published_at_original`` as the page gave it, the day ``prevalence --by month`` groups on), and
the ``year`` partition is an integer from 2.0 (``0`` when undated) and a string before
(``unknown`` when undated).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pyarrow loads in the functions: ``zhnews --help`` stays instant
    import pyarrow as pa
    import pyarrow.compute as pc

    from pipeline.io.articles import ArticlesReader

#: The column holding the publication day (date32), and the one holding topic scores.
DATE_COLUMN = "published_date"
TOPIC_SCORES_COLUMN = "topic_scores"
#: The hive partition column of the publication year.
YEAR_PARTITION = "year"


def open_articles(run_dir: Path) -> ArticlesReader:
    """A run's articles in the current schema, whatever version wrote them (UsageError when
    ``run_dir`` is no run folder or holds no article)."""
    from pipeline.io.articles import ArticlesReader

    return ArticlesReader(run_dir)


def date_field() -> pc.Expression:
    """The publication day as a dataset expression (for comparisons with ``datetime.date``)."""
    import pyarrow.compute as pc

    return pc.field(DATE_COLUMN)


def year_bounds(stored: pa.Schema, since: dt.date | None, until: dt.date | None) -> list[pc.Expression]:
    """Conditions on the ``year`` partition that skip whole years outside ``since``..``until``
    (none when the dataset is not partitioned by year).  Undated rows may pass them: their null
    ``published_date`` fails the date test anyway."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if YEAR_PARTITION not in stored.names:
        return []
    is_text = pa.types.is_string(stored.field(YEAR_PARTITION).type)

    def year(value: dt.date) -> pc.Expression:
        return pc.scalar(f"{value.year:04d}" if is_text else value.year)

    bounds = []
    if since is not None:
        bounds.append(pc.field(YEAR_PARTITION) >= year(since))
    if until is not None:
        bounds.append(pc.field(YEAR_PARTITION) <= year(until))
    return bounds


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
        else:  # a list<struct> reads as dicts with two fields; a 1.x map as (key, value) pairs
            pairs = [tuple(item.values()) if isinstance(item, dict) else item for item in value]
            rows.append({str(k): float(v) for k, v in pairs if v is not None})
    return rows
