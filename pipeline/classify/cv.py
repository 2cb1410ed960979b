"""K-fold cross-validation of the whole training path (thresholds chosen inside each fold)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from pipeline.classify.data import labelled_set
from pipeline.classify.metrics import multiclass_report, multilabel_report
from pipeline.classify.model import TrainConfig
from pipeline.classify.taxonomy import Taxonomy
from pipeline.classify.training import fit_labelled


def cross_validate(
    records: list[dict[str, Any]],
    taxonomy: Taxonomy | None,
    cfg: TrainConfig = TrainConfig(),
    folds: int = 5,
    seed: int = 0,
    pool: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    """Out-of-fold predictions for every record and the resulting report."""
    from sklearn.model_selection import StratifiedKFold

    data = labelled_set(records, taxonomy.keys if taxonomy else None)
    if data.kind == "multiclass":
        strata = np.asarray(data.labels)
    else:
        # stratify on relevance and the most frequent topic
        common = int(data.topics.sum(axis=0).argmax()) if data.topics.size else 0
        strata = data.relevant * 2 + (data.topics[:, common] if data.topics.size else 0)
    pred_rel = np.zeros(len(records), dtype=bool)
    pred_topics: list[list[str]] = [[] for _ in records]
    for tr, te in StratifiedKFold(folds, shuffle=True, random_state=seed).split(np.zeros(len(records)), strata):
        train = labelled_set([records[i] for i in tr], data.keys if data.kind == "multilabel" else None)
        model = fit_labelled(train, taxonomy, cfg, pool)
        for i, res in zip(te, model.predict_records([records[i] for i in te])):
            pred_rel[i] = res["relevant"]
            pred_topics[i] = res["topics"]
    if data.kind == "multiclass":
        return multiclass_report(data.labels or [], [t[0] for t in pred_topics])
    gold_topics = [list(r.get("topics") or []) for r in records]
    return multilabel_report(data.relevant.astype(bool), pred_rel, gold_topics, pred_topics, data.keys)
