"""Decision thresholds chosen on out-of-fold probabilities (never on the data they score)."""

from __future__ import annotations

import numpy as np


def best_f1_threshold(y_true: np.ndarray, scores: np.ndarray, lo: float = 0.05, hi: float = 0.95) -> float:
    """The threshold in ``[lo, hi]`` maximizing F1 of ``scores >= t``; 0.5 without positives.

    Among equally good thresholds the middle one is taken, which is steadier on small sets.
    """
    y_true = np.asarray(y_true, dtype=bool)
    if not y_true.any() or y_true.all():
        return 0.5
    grid = np.linspace(lo, hi, 91)
    pred = scores[None, :] >= grid[:, None]
    tp = (pred & y_true).sum(axis=1)
    fp = (pred & ~y_true).sum(axis=1)
    fn = (~pred & y_true).sum(axis=1)
    f1 = 2 * tp / np.maximum(2 * tp + fp + fn, 1)
    best = np.flatnonzero(f1 >= f1.max() - 1e-9)
    return float(grid[best[len(best) // 2]])


def low_prevalence_f1(recall: np.ndarray, false_positive_rate: np.ndarray, prevalence: float) -> np.ndarray:
    """Expected F1 on a corpus where a share ``prevalence`` is relevant and the rest behaves like
    the negatives whose false-positive rate is given (precision follows from the two rates)."""
    hits = prevalence * recall
    precision = hits / np.maximum(hits + (1 - prevalence) * false_positive_rate, 1e-12)
    return 2 * precision * recall / np.maximum(precision + recall, 1e-12)


def two_regime_threshold(
    y_true: np.ndarray, scores: np.ndarray, negative_scores: np.ndarray, prevalence: float,
    weight: float = 0.5, lo: float = 0.05, hi: float = 0.95,
) -> float:
    """The threshold in ``[lo, hi]`` maximizing a weighted mean of two F1s: on the labelled items
    at their own mix (weight ``1 - weight``), and expected on a corpus where only ``prevalence``
    is relevant and the other items are like ``negative_scores`` (out-of-fold scores of general
    news that names medical workers). A threshold set on a balanced labelled set alone calls most
    such news relevant.

    Among equally good thresholds the middle one is taken, as in :func:`best_f1_threshold`.
    """
    y_true = np.asarray(y_true, dtype=bool)
    negative_scores = np.asarray(negative_scores, dtype=float)
    if not y_true.any() or y_true.all() or not len(negative_scores):
        return best_f1_threshold(y_true, scores, lo, hi)
    grid = np.linspace(lo, hi, 91)
    pred = scores[None, :] >= grid[:, None]
    tp = (pred & y_true).sum(axis=1)
    fp = (pred & ~y_true).sum(axis=1)
    fn = (~pred & y_true).sum(axis=1)
    labelled = 2 * tp / np.maximum(2 * tp + fp + fn, 1)
    recall = tp / y_true.sum()
    fpr = (negative_scores[None, :] >= grid[:, None]).mean(axis=1)
    objective = (1 - weight) * labelled + weight * low_prevalence_f1(recall, fpr, prevalence)
    best = np.flatnonzero(objective >= objective.max() - 1e-9)
    return float(grid[best[len(best) // 2]])
