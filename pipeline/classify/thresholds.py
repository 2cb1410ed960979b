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
