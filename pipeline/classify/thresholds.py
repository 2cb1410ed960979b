"""Decision thresholds chosen on out-of-fold probabilities (never on the data they score)."""

from __future__ import annotations

import numpy as np

#: candidate thresholds between ``lo`` and ``hi``: steps of 0.01 on the default range
GRID_POINTS = 91


def _grid_f1(y_true: np.ndarray, scores: np.ndarray, grid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """F1 and recall of ``scores >= t`` for every ``t`` of ``grid``."""
    pred = scores[None, :] >= grid[:, None]
    tp = (pred & y_true).sum(axis=1)
    fp = (pred & ~y_true).sum(axis=1)
    fn = (~pred & y_true).sum(axis=1)
    return 2 * tp / np.maximum(2 * tp + fp + fn, 1), tp / max(int(y_true.sum()), 1)


def _middle_of_best(grid: np.ndarray, objective: np.ndarray) -> float:
    """Among equally good thresholds the middle one, which is steadier on small sets."""
    best = np.flatnonzero(objective >= objective.max() - 1e-9)
    return float(grid[best[len(best) // 2]])


def best_f1_threshold(y_true: np.ndarray, scores: np.ndarray, lo: float = 0.05, hi: float = 0.95) -> float:
    """The threshold in ``[lo, hi]`` maximizing F1 of ``scores >= t``; 0.5 without positives.

    Among equally good thresholds the middle one is taken, which is steadier on small sets.
    """
    y_true = np.asarray(y_true, dtype=bool)
    if not y_true.any() or y_true.all():
        return 0.5
    grid = np.linspace(lo, hi, GRID_POINTS)
    return _middle_of_best(grid, _grid_f1(y_true, scores, grid)[0])


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
    grid = np.linspace(lo, hi, GRID_POINTS)
    labelled, recall = _grid_f1(y_true, scores, grid)
    fpr = (negative_scores[None, :] >= grid[:, None]).mean(axis=1)
    objective = (1 - weight) * labelled + weight * low_prevalence_f1(recall, fpr, prevalence)
    return _middle_of_best(grid, objective)
