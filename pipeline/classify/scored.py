"""Scored documents for prevalence: posteriors, publication dates and sources, read in bulk.

A run folder's ``articles/**/*.parquet`` already hold ``relevant_score`` and the
``topic_scores``; only those, ``published_at_original`` and the columns naming the source are read.  A JSONL file may hold
the output of ``zhnews classify`` (records with ``relevant_score`` and ``topic_scores``, used as
they are) or raw records (``text``/``title``), which are scored with the model.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.classify.data import iter_jsonl
from pipeline.errors import UsageError
from pipeline.io.schema import published_date
from pipeline.query.filters import ArticleFilter

#: Records classified together when a JSONL file carries no scores.
CLASSIFY_BATCH = 512

#: Group of every document when not grouping, and of documents without a date or a source.
ALL, UNDATED, UNKNOWN_SOURCE = "all", "undated", "unknown"


@dataclass(slots=True)
class ScoredDocs:
    """Posteriors of ``n`` documents: relevance (n,), topics (n, k) in ``keys`` order; ``ids``
    when asked for (they place labelled items in their groups)."""

    relevant_score: np.ndarray
    topic_scores: np.ndarray
    published_at: list[str | None]
    source: list[str | None]
    ids: list[str] | None = None


def read_run_scores(run_dir: str | Path, keys: Sequence[str], article_filter: ArticleFilter | None = None,
                    with_sources: bool = True, with_ids: bool = False) -> ScoredDocs:
    """Scores, dates and sources (display names) of a run's articles matching ``article_filter``;
    without ``with_sources`` the sources are left empty and the texts are not read; ``with_ids``
    reads the ``doc_id`` too."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from pipeline.query.access import open_articles
    from pipeline.query.filters import SOURCE_COLUMNS, display_sources, read_table
    from pipeline.query.sources import UNKNOWN

    flt = (article_filter or ArticleFilter()).for_run(Path(run_dir))
    present = open_articles(Path(run_dir)).names
    # the publication time as found: its calendar day is the one the page gives
    columns = ["relevant_score", "topic_scores", "published_at_original"]
    absent = [c for c in columns if c not in present]
    if absent:
        raise UsageError(f"{Path(run_dir) / 'articles'} lacks the columns {absent}")
    named = [c for c in SOURCE_COLUMNS if c in present] if with_sources else []
    table = read_table(Path(run_dir), columns + named + (["doc_id"] if with_ids else []), flt)
    rel = table.column("relevant_score")
    if rel.null_count:
        raise UsageError(
            f"{rel.null_count} of {len(rel)} articles in {run_dir} have no relevant_score "
            "(run made without a model?): classify them with 'zhnews classify' first"
        )
    topic_scores = np.zeros((table.num_rows, len(keys)))
    scores = table.column("topic_scores").combine_chunks()
    if len(pc.list_flatten(scores)):
        pairs = pc.list_flatten(scores)
        rows = pc.list_parent_indices(scores).to_numpy()
        cols = pc.index_in(pc.struct_field(pairs, "topic"), value_set=pa.array(list(keys), pa.string()))
        known = cols.is_valid().to_numpy(zero_copy_only=False)
        topic_scores[rows[known], cols.drop_null().to_numpy()] = (
            pc.struct_field(pairs, "score").filter(cols.is_valid()).to_numpy(zero_copy_only=False))
    return ScoredDocs(
        rel.to_numpy().astype(float),
        topic_scores,
        table.column("published_at_original").to_pylist(),
        [None if name == UNKNOWN else name for name in display_sources(table)] if with_sources
        else [None] * table.num_rows,
        [str(i) for i in table.column("doc_id").to_pylist()] if with_ids else None,
    )


Classifier = Callable[[list[dict[str, Any]]], list[dict[str, Any]]]


def read_jsonl_scores(path: str | Path, keys: Sequence[str], classify: Callable[[], Classifier]) -> ScoredDocs:
    """Scores, dates and sources of JSONL records; records without scores go to ``classify()``.

    ``classify`` is called (once) only when some record lacks ``relevant_score`` or
    ``topic_scores``, so that scored files never load the model's classifier.
    """
    path = Path(path)
    rel: list[float] = []
    topics: list[dict[str, float]] = []
    dates: list[str | None] = []
    sources: list[str | None] = []
    ids: list[str] = []
    unscored: list[tuple[int, dict[str, Any]]] = []
    for line_no, rec in iter_jsonl(path):
        score, topic_map = rec.get("relevant_score"), rec.get("topic_scores")
        if isinstance(score, int | float) and isinstance(topic_map, dict):
            rel.append(float(score))
            topics.append(topic_map)
        elif "text" in rec:
            unscored.append((len(rel), rec))
            rel.append(float("nan"))
            topics.append({})
        else:
            raise UsageError(f"cannot read {path}: line {line_no} has neither relevant_score/topic_scores nor text")
        dates.append(_text(rec.get("published_at") or rec.get("date")))
        sources.append(_text(rec.get("source")))
        ids.append(str(rec.get("id", rec.get("doc_id"))))
    if unscored:
        _score_into(unscored, classify(), rel, topics)
    matrix = np.array([[float(m.get(k) or 0.0) for k in keys] for m in topics]).reshape(len(rel), len(keys))
    return ScoredDocs(np.array(rel, dtype=float), matrix, dates, sources, ids)


def _score_into(
    unscored: list[tuple[int, dict[str, Any]]], classify: Classifier, rel: list[float], topics: list[dict[str, float]]
) -> None:
    batches = iter(unscored)
    while batch := list(itertools.islice(batches, CLASSIFY_BATCH)):
        for (at, _), res in zip(batch, classify([rec for _, rec in batch])):
            rel[at] = float(res["relevant_score"])
            topics[at] = res["topic_scores"]


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def group_labels(docs: ScoredDocs, by: str) -> list[str]:
    """The group of every document: ``all``; ``YYYY-MM``/``YYYY-Qn``/``YYYY`` or ``undated``;
    or the source (``unknown`` when absent)."""
    if by == "none":
        return [ALL] * len(docs.relevant_score)
    if by == "source":
        return [s if s else UNKNOWN_SOURCE for s in docs.source]
    if by not in ("month", "quarter", "year"):
        raise UsageError(f"unknown grouping {by!r}")
    cache: dict[str | None, str] = {}
    return [cache[d] if d in cache else cache.setdefault(d, _period(d, by)) for d in docs.published_at]


def _period(published_at: str | None, by: str) -> str:
    day = published_date(published_at)
    if day is None:
        return UNDATED
    if by == "month":
        return f"{day.year:04d}-{day.month:02d}"
    if by == "quarter":
        return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"
    return f"{day.year:04d}"


def groups(labels: Iterable[str]) -> list[tuple[str, np.ndarray]]:
    """``(group, row indices)`` pairs, sorted by group."""
    names, inverse = np.unique(np.asarray(list(labels), dtype=object), return_inverse=True)
    order = np.argsort(inverse, kind="stable")
    bounds = np.cumsum(np.bincount(inverse, minlength=len(names)))[:-1]
    return [(str(name), rows) for name, rows in zip(names, np.split(order, bounds))]
