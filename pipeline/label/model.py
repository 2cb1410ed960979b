"""The labelling app's only door into :mod:`pipeline.classify`.

Every call the app makes to the classifier (reading records, loading, training, scoring,
cross-validating) is in this module, so that a change of the classifier's API is a change
here.  The calls used: ``classify.data.read_jsonl`` / ``iter_run_dir``, ``classify.load_model``,
``classify.persist.model_file`` (does a directory hold a model), ``classify.default_model_dir``,
``classify.load_taxonomy``, ``classify.train``, ``TopicModel.predict_records`` (and its
``kind`` / ``topic_keys`` / ``version``), ``classify.cv.cross_validate`` and, for the
benchmark, ``classify.metrics.multilabel_report``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.label import settings

Record = dict[str, Any]
Evidence = dict[str, list[str]]

#: what :func:`cv_score` measures; shown beside the score so that nobody reads random folds
#: as an estimate for unseen outlets
#: what the page calls each fold scheme of :func:`cv_score`
CV_KINDS = {"source": "leave one source family out", "time": "leave one time block out", "random": "stratified 5-fold"}


@dataclass(slots=True)
class Scores:
    """A model's view of the pool: relevance, topic probabilities (taxonomy order), evidence."""

    relevance: np.ndarray
    topics: np.ndarray
    evidence: list[Evidence] = field(default_factory=list)


def read_jsonl(path: str | Path) -> list[Record]:
    """JSON objects of a JSONL file (``UsageError`` when unreadable)."""
    from pipeline.classify.data import read_jsonl as _read

    return _read(path)


def iter_run_dir(path: str | Path) -> Iterator[Record]:
    """Records (``id``, ``title``, ``text``, ``tokens``) of a zhnews run folder."""
    from pipeline.classify.data import iter_run_dir as _iter

    return _iter(path)


def load_taxonomy(path: str | Path | None = None) -> Any:
    """The taxonomy of ``path`` (the packaged one when None)."""
    from pipeline.classify import load_taxonomy as _load

    return _load(path)


def default_model_dir() -> Path:
    """Where ``zhnews classify`` finds its model when given none."""
    from pipeline.classify import default_model_dir as _default

    return _default()


def load_model(path: str | Path) -> Any:
    """A saved model (``UsageError`` when there is none or it is unsafe)."""
    from pipeline.classify import load_model as _load

    return _load(path)


def incompatibility(model: Any, keys: Sequence[str]) -> str | None:
    """Why ``model`` cannot score for a taxonomy with topic ``keys`` (None when it can)."""
    if getattr(model, "kind", None) != "multilabel":
        return f"it is a {getattr(model, 'kind', 'unknown')} model, not a relevance + topics one"
    missing = [k for k in keys if k not in model.topic_keys]
    if missing:
        return f"it has no classifier for the topics {missing}"
    return None


def model_version(model: Any) -> str:
    """The model's version string."""
    return str(getattr(model, "version", "unknown"))


def trainable(records: Sequence[Record]) -> bool:
    """``records`` hold both relevant and not relevant items (what a relevance model needs)."""
    seen = {bool(r.get("relevant")) for r in records}
    return seen == {True, False}


def fit(records: Sequence[Record], taxonomy: Any) -> Any:
    """A model trained on labelled ``records`` (``id``, ``text``, ``relevant``, ``topics``)."""
    from pipeline.classify import train

    return train(_training_view(records), taxonomy)  # native threads held to one (train's own limit)


def score(model: Any, records: Sequence[Record], keys: Sequence[str], simplified: bool = False) -> Scores:
    """The model's scores of ``records``, topic columns in ``keys`` order.

    ``simplified`` says the texts are Simplified already (run folders).  Results without an
    ``evidence`` field (classifiers that give none) get empty evidence.
    """
    from pipeline.classify.threads import native_threads

    rel = np.zeros(len(records), dtype=np.float32)
    topics = np.zeros((len(records), len(keys)), dtype=np.float32)
    evidence: list[Evidence] = []
    start = 0
    for batch in _batches(records, settings.SCORE_BATCH):
        with native_threads():
            results = model.predict_records(batch, simplified=simplified)
        for i, res in enumerate(results, start):
            rel[i] = res["relevant_score"]
            topic_scores = res.get("topic_scores") or {}
            topics[i] = [topic_scores.get(k, 0.0) for k in keys]
            evidence.append({str(k): [str(s) for s in v] for k, v in (res.get("evidence") or {}).items()})
        start += len(batch)
    return Scores(rel, topics, evidence)


def cv_score(records: Sequence[Record], taxonomy: Any) -> dict[str, Any]:
    """Cross-validated relevance F1 and topic micro-F1 of the training path on ``records``.

    Grouped folds, as the classifier reports itself: by source family when the labels come from
    at least two, else by time block when they are dated, else stratified random folds.
    """
    from pipeline.classify.cv import cross_validate
    from pipeline.classify.groups import UNDATED, source_groups, time_groups

    view = _training_view(records)
    if len(set(source_groups(view).tolist())) >= 2:
        scheme = "source"
    elif sum(g != UNDATED for g in time_groups(view)) >= settings.CV_FOLDS:
        scheme = "time"
    else:
        scheme = "random"
    rep = cross_validate(view, taxonomy, folds=settings.CV_FOLDS, scheme=scheme)
    return {
        "relevance_f1": round(float(rep["relevance"]["f1"]), 3),
        "topic_micro_f1": round(float(rep["topic_micro_f1"]), 3),
        "folds": CV_KINDS[scheme],
        "records": len(records),
    }


def evaluate(model: Any, records: Sequence[Record], keys: Sequence[str]) -> dict[str, Any]:
    """Relevance and topic scores of ``model`` on labelled ``records`` (for benchmarks)."""
    from pipeline.classify.metrics import multilabel_report

    pred = model.predict_records(records)
    return multilabel_report(
        [bool(r["relevant"]) for r in records],
        [p["relevant"] for p in pred],
        [list(r.get("topics") or []) for r in records],
        [p["topics"] for p in pred],
        list(keys),
    )


def _training_view(records: Sequence[Record]) -> list[Record]:
    """The fields training reads, so that extra fields of a label line never reach it."""
    keep = ("id", "title", "text", "relevant", "topics", "source", "date")
    return [{k: r[k] for k in keep if k in r} for r in records]


def _batches(records: Sequence[Record], size: int) -> Iterator[list[Record]]:
    it = iter(records)
    while batch := list(itertools.islice(it, size)):
        yield batch


def model_exists(path: str | Path) -> bool:
    """``path`` holds a saved model."""
    from pipeline.classify.persist import model_file
    from pipeline.errors import UsageError

    try:
        model_file(path)
    except UsageError:
        return False
    return True
