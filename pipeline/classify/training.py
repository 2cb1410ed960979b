"""Training entry point shared by the CLI and the benchmark: labels in, TopicModel out."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import replace
from collections.abc import Sequence
from pathlib import Path
from typing import Any


import numpy as np

from pipeline.classify.data import LabelledSet, labelled_set
from pipeline.classify.model import TopicModel, TrainConfig, fit_multiclass, fit_multilabel, record_item
from pipeline.classify.taxonomy import Taxonomy
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


def fit_labelled(
    data: LabelledSet,
    taxonomy: Taxonomy | None,
    cfg: TrainConfig = TrainConfig(),
    pool: Sequence[dict[str, Any]] = (),
) -> TopicModel:
    """Fit on ``data``; for multi-label sets, ``pool`` records add pseudo-labelled rows."""
    cfg = replace(cfg, segmenter=resolve_backend(cfg.segmenter))
    items = [record_item(r, segmenter=cfg.segmenter) for r in data.records]
    if data.kind == "multiclass":
        return TopicModel(fit_multiclass(items, data.labels or [], cfg))
    terms = seed_terms(taxonomy) if taxonomy else []
    cooc = cooc_terms(taxonomy)
    state = fit_multilabel(items, data.relevant, data.topics, data.keys, cfg, seed_terms=terms, **cooc)
    if pool and taxonomy is not None:
        from pipeline.classify.weak import pseudo_label

        gold_ids = {r.get("id") for r in data.records}
        pool_items = [record_item(r, segmenter=cfg.segmenter) for r in pool if r.get("id") not in gold_ids]
        pl = pseudo_label(TopicModel(state), pool_items, taxonomy)
        state = fit_multilabel(
            items + [pool_items[i] for i in pl.index],
            np.concatenate([data.relevant, pl.relevant]),
            np.vstack([data.topics, pl.topics]),
            data.keys,
            cfg,
            sample_weight=np.concatenate([np.ones(len(items)), pl.weight]),
            n_gold=len(items),
            seed_terms=terms,
            **cooc,
        )
    return TopicModel(state)


def _rjieba_version() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return {"rjieba": version("rjieba")}
    except PackageNotFoundError:
        return {}


def train(
    records: list[dict[str, Any]],
    taxonomy: Taxonomy | None,
    cfg: TrainConfig = TrainConfig(),
    pool: Sequence[dict[str, Any]] = (),
    labels_path: str | Path | None = None,
) -> TopicModel:
    """Fit a model on labelled ``records`` and attach its metadata (version, data, sizes)."""
    import jieba
    import sklearn

    from pipeline import __version__

    data = labelled_set(records, taxonomy.keys if taxonomy else None)
    model = fit_labelled(data, taxonomy, cfg, pool)
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
        "taxonomy": taxonomy.to_dict() if taxonomy else None,
        "thresholds": {
            "relevance": _round(model.state.get("relevance_threshold")),
            "topics": {k: _round(v) for k, v in (model.state.get("topic_thresholds") or {}).items()},
        },
        "config": model.state.get("config"),
        "versions": {"zhnews": __version__, "scikit-learn": sklearn.__version__, "jieba": jieba.__version__, **_rjieba_version()},
        "date": today,
    }
    return model
