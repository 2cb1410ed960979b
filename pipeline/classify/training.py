"""Training entry point shared by the CLI and the benchmark: labels in, TopicModel out."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.classify.cooc import names_workers, worker_pattern
from pipeline.classify.data import LabelledSet, labelled_set
from pipeline.classify.groups import PLAN_NAMES, source_groups, time_groups
from pipeline.classify.model import TopicModel, TrainConfig, fit_multiclass, fit_multilabel, record_item
from pipeline.classify.settings import NEGATIVE_WEIGHT
from pipeline.classify.taxonomy import Taxonomy
from pipeline.classify.threads import with_native_threads
from pipeline.segment.backends import resolve_backend


def _round(x: float | None) -> float | None:
    return None if x is None else round(float(x), 3)


def seed_terms(taxonomy: Taxonomy) -> list[str]:
    """Every seed term of the taxonomy (topics and relevance)."""
    return sorted({t for topic in taxonomy.topics for t in topic.seed_terms} | set(taxonomy.relevance_terms))


def cooc_terms(taxonomy: Taxonomy | None) -> dict[str, Any]:
    """Keyword arguments of the co-occurrence block: worker terms and topic seed terms."""
    if taxonomy is None:
        return {}
    return {
        "worker_terms": list(taxonomy.worker_terms),
        "topic_terms": {t.key: list(t.seed_terms) for t in taxonomy.topics},
    }


def inner_groups(records: Sequence[dict[str, Any]], cfg: TrainConfig, scheme: str | None = None) -> np.ndarray | None:
    """The groups of the inner folds that calibrate and choose thresholds: ``scheme`` ("source",
    "time" or "none"), by default ``cfg.inner_groups``."""
    scheme = cfg.inner_groups if scheme is None else scheme
    if scheme == "source":
        return source_groups(records)
    if scheme == "time":
        return time_groups(records)
    return None


def topic_inner_groups(records: Sequence[dict[str, Any]], cfg: TrainConfig) -> np.ndarray | None:
    """The groups of the topic classifiers' inner folds (``cfg.topic_inner_groups``, else as
    relevance); "none" gives one group, that is stratified random folds."""
    if not cfg.topic_inner_groups:
        return inner_groups(records, cfg)
    groups = inner_groups(records, cfg, cfg.topic_inner_groups)
    return np.full(len(records), "all", dtype=object) if groups is None else groups


def fit_labelled(
    data: LabelledSet,
    taxonomy: Taxonomy | None,
    cfg: TrainConfig = TrainConfig(),
    pool: Sequence[dict[str, Any]] = (),
    negatives: Sequence[dict[str, Any]] = (),
) -> TopicModel:
    """Fit on ``data``; for multi-label sets, ``negatives`` (general news) add non-relevant
    rows and ``pool`` records add pseudo-labelled rows.

    A negative that names medical workers weighs ``cfg.hard_negative_weight`` and helps choose
    the relevance threshold (the worker gate lets such news through); the others weigh
    ``NEGATIVE_WEIGHT``."""
    cfg = replace(cfg, segmenter=resolve_backend(cfg.segmenter))
    items = [record_item(r, segmenter=cfg.segmenter) for r in data.records]
    if data.kind == "multiclass":
        return TopicModel(fit_multiclass(items, data.labels or [], cfg))
    terms = seed_terms(taxonomy) if taxonomy else []
    cooc = cooc_terms(taxonomy)
    gold_ids = {r.get("id") for r in data.records}
    neg_items = [record_item(r, segmenter=cfg.segmenter) for r in negatives if r.get("id") not in gold_ids]
    groups = inner_groups(data.records, cfg)
    topic_groups = topic_inner_groups(data.records, cfg)
    assert data.relevant is not None and data.topics is not None  # multi-label sets have both
    k = len(data.keys)
    rows = items + neg_items
    relevant = np.concatenate([data.relevant, np.zeros(len(neg_items), dtype=int)])
    topics = np.vstack([data.topics, np.zeros((len(neg_items), k), dtype=int)])
    hard = names_workers(neg_items, worker_pattern(cooc.get("worker_terms", ())))
    weight = np.concatenate([np.ones(len(items)), np.where(hard, cfg.hard_negative_weight, NEGATIVE_WEIGHT)])
    state = fit_multilabel(
        rows, relevant, topics, data.keys, cfg, sample_weight=weight, n_gold=len(items),
        seed_terms=terms, groups=groups, topic_groups=topic_groups,
        scored_negatives=len(items) + np.flatnonzero(hard), **cooc,
    )
    if pool and taxonomy is not None:
        from pipeline.classify.weak import pseudo_label

        pool_items = [record_item(r, segmenter=cfg.segmenter) for r in pool if r.get("id") not in gold_ids]
        pl = pseudo_label(TopicModel(state), pool_items, taxonomy)
        state = fit_multilabel(
            rows + [pool_items[i] for i in pl.index],
            np.concatenate([relevant, pl.relevant]),
            np.vstack([topics, pl.topics]),
            data.keys,
            cfg,
            sample_weight=np.concatenate([weight, pl.weight]),
            n_gold=len(items),
            seed_terms=terms,
            groups=groups,
            topic_groups=topic_groups,
            scored_negatives=len(items) + np.flatnonzero(hard),
            **cooc,
        )
    return TopicModel(state)


def rates_for_prevalence(model: TopicModel, data: LabelledSet, groups: np.ndarray | None, protocol: str) -> dict[str, Any]:
    """Out-of-fold posteriors and gold labels of the training items, from the fitted state
    (``oof``, removed from it here): what ``zhnews prevalence`` corrects shares with."""
    from pipeline.classify.prevalence import quantification_state

    oof = model.state.pop("oof", None)
    if oof is None or data.relevant is None or data.topics is None:
        return {}
    return quantification_state(
        oof["relevance"], data.relevant, oof["topics"], data.topics, data.keys, protocol,
        groups=groups if groups is not None and len(set(groups.tolist())) > 1 else None,
    )


def id_hash(record_id: object) -> str:
    """A short hash of a record id (the model remembers which ids it was trained on)."""
    return hashlib.sha1(str(record_id).encode("utf-8")).hexdigest()[:12]


def trained_on(model: TopicModel, records: Sequence[dict[str, Any]]) -> int:
    """How many of ``records`` (by id) the model was trained on."""
    known = set(model.meta.get("trained_id_hashes") or ())
    return sum(1 for r in records if r.get("id") is not None and id_hash(r["id"]) in known)


def _rjieba_version() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return {"rjieba": version("rjieba")}
    except PackageNotFoundError:
        return {}


@with_native_threads
def train(
    records: list[dict[str, Any]],
    taxonomy: Taxonomy | None,
    cfg: TrainConfig = TrainConfig(),
    pool: Sequence[dict[str, Any]] = (),
    labels_path: str | Path | None = None,
    negatives: Sequence[dict[str, Any]] = (),
) -> TopicModel:
    """Fit a model on labelled ``records`` and attach its metadata (version, data, sizes)."""
    from importlib.metadata import version

    import jieba
    import sklearn

    from pipeline import __version__

    data = labelled_set(records, taxonomy.keys if taxonomy else None)
    model = fit_labelled(data, taxonomy, cfg, pool, negatives)
    protocol = PLAN_NAMES.get(cfg.inner_groups, "stratified random folds")
    quantification = rates_for_prevalence(model, data, inner_groups(records, cfg), protocol)
    digest = hashlib.sha1("\n".join(sorted(str(r.get("id")) for r in records)).encode()).hexdigest()[:8]
    today = dt.date.today().isoformat()
    model.meta = {
        "model_version": f"{data.kind}-{today}-{digest}",
        "trained_on": str(labels_path) if labels_path else None,
        "kind": data.kind,
        "n_records": len(records),
        "n_relevant": int(data.relevant.sum()) if data.relevant is not None else None,
        "topic_keys": data.keys,
        "topic_counts": (
            {k: int(v) for k, v in zip(data.keys, data.topics.sum(axis=0))} if data.topics is not None else None
        ),
        "pool_records": len(pool),
        "negative_records": len(negatives),
        "threshold_negatives": int(model.state.get("threshold_negatives") or 0),
        "trained_id_hashes": sorted({id_hash(r["id"]) for r in records if r.get("id") is not None}),
        "quantification": quantification,
        "taxonomy": taxonomy.to_dict() if taxonomy else None,
        "thresholds": {
            "relevance": _round(model.state.get("relevance_threshold")),
            "topics": {k: _round(v) for k, v in (model.state.get("topic_thresholds") or {}).items()},
        },
        "config": model.state.get("config"),
        "versions": {"zhnews": __version__, "scikit-learn": sklearn.__version__, "skops": version("skops"),
                     "jieba": jieba.__version__, **_rjieba_version()},
        "date": today,
    }
    return model
