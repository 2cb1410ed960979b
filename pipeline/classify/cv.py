"""Cross-validation of the whole training path (calibration and thresholds chosen inside each
training fold): by source family, by time block, or by random folds for comparison."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from pipeline.classify.data import labelled_set
from pipeline.classify.groups import leave_one_group_out, source_groups, time_groups
from pipeline.classify.metrics import multiclass_report, multilabel_report
from pipeline.classify.model import TrainConfig
from pipeline.classify.taxonomy import Taxonomy
from pipeline.classify.threads import with_native_threads
from pipeline.classify.training import fit_labelled

#: Fold schemes of :func:`cross_validate`, in the order reports show them.
SCHEMES = ("source", "time", "random")
SCHEME_NAMES = {
    "source": "leave one source family out",
    "time": "leave one time block out",
    "random": "stratified random folds",
}


def fold_plan(records: list[dict[str, Any]], scheme: str, folds: int = 5, seed: int = 0) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """``(fold name, train indices, test indices)`` of one scheme."""
    if scheme == "source":
        return list(leave_one_group_out(source_groups(records)))
    if scheme == "time":
        return list(leave_one_group_out(time_groups(records)))
    if scheme != "random":
        raise ValueError(f"unknown cross-validation scheme {scheme!r}; expected one of {SCHEMES}")
    from sklearn.model_selection import StratifiedKFold

    data = labelled_set(records)
    if data.kind == "multiclass":
        strata = np.asarray(data.labels)
    else:
        assert data.relevant is not None and data.topics is not None  # multi-label sets have both
        common = int(data.topics.sum(axis=0).argmax()) if data.topics.size else 0
        strata = data.relevant * 2 + (data.topics[:, common] if data.topics.size else 0)
    splitter = StratifiedKFold(folds, shuffle=True, random_state=seed)
    return [(f"fold {i}", tr, te) for i, (tr, te) in enumerate(splitter.split(np.zeros(len(records)), strata))]


@with_native_threads
def cross_validate(
    records: list[dict[str, Any]],
    taxonomy: Taxonomy | None,
    cfg: TrainConfig = TrainConfig(),
    folds: int = 5,
    seed: int = 0,
    pool: Sequence[dict[str, Any]] = (),
    scheme: str = "random",
    negatives: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    """Out-of-fold predictions for every record and the resulting report.

    ``scheme`` is ``source`` (each source family is tested by a model that never saw it),
    ``time`` (each contiguous date block likewise) or ``random``.  The report adds
    ``scheme``, per-fold relevance figures (``folds``) and the out-of-fold ``relevant_score``.
    """
    data = labelled_set(records, taxonomy.keys if taxonomy else None)
    relevant = data.relevant if data.relevant is not None else np.zeros(len(records), dtype=int)
    pred_rel = np.zeros(len(records), dtype=bool)
    scores = np.zeros(len(records))
    pred_topics: list[list[str]] = [[] for _ in records]
    per_fold = []
    for name, tr, te in fold_plan(records, scheme, folds, seed):
        train = labelled_set([records[i] for i in tr], data.keys if data.kind == "multilabel" else None)
        model = fit_labelled(train, taxonomy, cfg, pool, negatives)
        for i, res in zip(te, model.predict_records([records[i] for i in te], evidence=False)):
            pred_rel[i] = res["relevant"]
            scores[i] = res.get("relevant_score", 1.0)
            pred_topics[i] = res["topics"]
        if data.kind == "multilabel":
            fold_report = multilabel_report(
                relevant[te].astype(bool), pred_rel[te], [records[i].get("topics") or [] for i in te],
                [pred_topics[i] for i in te], data.keys,
            )
            per_fold.append({"fold": name, "n": len(te), "relevance": fold_report["relevance"],
                             "topic_micro_f1": fold_report["topic_micro_f1"]})
    if data.kind == "multiclass":
        report = multiclass_report(data.labels or [], [t[0] for t in pred_topics])
    else:
        gold_topics = [list(r.get("topics") or []) for r in records]
        report = multilabel_report(relevant.astype(bool), pred_rel, gold_topics, pred_topics, data.keys)
        report["relevant_score"] = [round(float(s), 4) for s in scores]
    report["scheme"] = scheme
    report["folds"] = per_fold
    return report


def format_report(report: dict[str, Any], title: str = "") -> str:
    """A plain-text table of a multi-label report (relevance, per-topic P/R/F1 and support)."""
    lines = [title] if title else []
    if "relevance" not in report:
        lines.append(f"accuracy {report['accuracy']:.3f}  macro-F1 {report['macro_f1']:.3f}")
        return "\n".join(lines)
    rel = report["relevance"]
    lines.append(f"{'':16}{'support':>8}{'P':>7}{'R':>7}{'F1':>7}")
    lines.append(f"{'relevance':16}{rel['support']:>8}{rel['precision']:>7.3f}{rel['recall']:>7.3f}{rel['f1']:>7.3f}")
    for key, m in report["topics"].items():
        lines.append(f"{key:16}{m['support']:>8}{m['precision']:>7.3f}{m['recall']:>7.3f}{m['f1']:>7.3f}")
    lines.append(f"{'topics micro-F1':16}{'':>8}{'':>7}{'':>7}{report['topic_micro_f1']:>7.3f}")
    lines.append(f"{'topics macro-F1':16}{'':>8}{'':>7}{'':>7}{report['topic_macro_f1']:>7.3f}")
    for fold in report.get("folds") or []:
        r = fold["relevance"]
        lines.append(f"  fold {fold['fold']} (n={fold['n']}): relevance P {r['precision']:.3f} R {r['recall']:.3f} "
                     f"F1 {r['f1']:.3f}; topics micro-F1 {fold['topic_micro_f1']:.3f}")
    return "\n".join(lines)
