"""Scores for relevance and multi-label topics: precision/recall/F1, micro and macro."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np


def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f, "support": tp + fn}


def multilabel_report(
    gold_rel: Sequence[bool] | np.ndarray,
    pred_rel: Sequence[bool] | np.ndarray,
    gold_topics: Sequence[Sequence[str]],
    pred_topics: Sequence[Sequence[str]],
    keys: Sequence[str],
) -> dict[str, Any]:
    """Relevance P/R/F1 and confusion; per-topic P/R/F1; topic micro- and macro-F1."""
    g = np.asarray(gold_rel, dtype=bool)
    p = np.asarray(pred_rel, dtype=bool)
    rel: dict[str, Any] = dict(prf(int((g & p).sum()), int((~g & p).sum()), int((g & ~p).sum())))
    rel["confusion"] = {"tp": int((g & p).sum()), "fp": int((~g & p).sum()), "fn": int((g & ~p).sum()), "tn": int((~g & ~p).sum())}
    per: dict[str, dict[str, float]] = {}
    totals = [0, 0, 0]
    for key in keys:
        tp = sum(key in gt and key in pt for gt, pt in zip(gold_topics, pred_topics))
        fp = sum(key not in gt and key in pt for gt, pt in zip(gold_topics, pred_topics))
        fn = sum(key in gt and key not in pt for gt, pt in zip(gold_topics, pred_topics))
        per[key] = prf(tp, fp, fn)
        totals = [totals[0] + tp, totals[1] + fp, totals[2] + fn]
    micro = prf(*totals)
    present = [k for k in keys if per[k]["support"]]
    macro = float(np.mean([per[k]["f1"] for k in present])) if present else 0.0
    return {"relevance": rel, "topics": per, "topic_micro_f1": micro["f1"], "topic_macro_f1": macro}


def multiclass_report(gold: Sequence[str], pred: Sequence[str]) -> dict[str, Any]:
    """Accuracy, macro-F1, per-class P/R/F1 and the confusion matrix (gold rows, predicted columns)."""
    classes = sorted(set(gold) | set(pred))
    per = {}
    for c in classes:
        tp = sum(a == c and b == c for a, b in zip(gold, pred))
        fp = sum(a != c and b == c for a, b in zip(gold, pred))
        fn = sum(a == c and b != c for a, b in zip(gold, pred))
        per[c] = prf(tp, fp, fn)
    confusion = {a: {b: 0 for b in classes} for a in classes}
    for a, b in zip(gold, pred):
        confusion[a][b] += 1
    acc = float(np.mean([a == b for a, b in zip(gold, pred)])) if gold else 0.0
    macro = float(np.mean([per[c]["f1"] for c in classes if per[c]["support"]])) if classes else 0.0
    return {"accuracy": acc, "macro_f1": macro, "classes": per, "confusion": confusion}
