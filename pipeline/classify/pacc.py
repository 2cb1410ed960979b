"""Probabilistic adjusted classify-and-count (PACC) of one binary event, with bootstrap intervals.

PACC's bootstrap resamples the documents per output group, all events together: up to
``EXACT_RESAMPLE_MAX`` documents by drawing indices; beyond, per event by one multinomial over the
posteriors pooled into ``PREVALENCE_BINS`` bins each at the mean of its members (the mean stays
exact, the replicate variance shrinks by at most 1/(12 * bins**2) per draw).  Degenerate rates
(no positive or negative, or ``tpr - fpr < PACC_MIN_SEPARATION``) fall back to the mean
posterior with the reason in :attr:`Share.note`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from pipeline.classify.estimators import Share, scores_and_labels
from pipeline.classify.settings import (
    EXACT_RESAMPLE_MAX,
    PACC_MIN_SEPARATION,
    PREVALENCE_BINS,
    PREVALENCE_BOOTSTRAP,
    PREVALENCE_CONFIDENCE,
    PREVALENCE_SEED,
    RESAMPLE_CELLS,
)


def bootstrap_means(
    values: np.ndarray, n_replicates: int, rng: np.random.Generator, bins: int = PREVALENCE_BINS
) -> np.ndarray:
    """Means of ``n_replicates`` resamples (with replacement, same size) of ``values`` in [0, 1].

    One multinomial over the distinct values (or over ``bins`` equal-width bins, each at the mean
    of its members, when there are more distinct values): see the module docstring.
    """
    values = np.asarray(values, dtype=float)
    n = len(values)
    if n == 0:
        return np.full(n_replicates, np.nan)
    support, counts = np.unique(values, return_counts=True)
    if len(support) > bins:
        idx = np.minimum((values * bins).astype(np.int64), bins - 1)
        counts = np.bincount(idx, minlength=bins)
        sums = np.bincount(idx, weights=values, minlength=bins)
        used = counts > 0
        counts, support = counts[used], sums[used] / counts[used]
    draws = rng.multinomial(n, counts / n, size=n_replicates)
    return np.asarray(draws @ support / n, dtype=float)


def cluster_rates(
    scores: np.ndarray, labels: np.ndarray, groups: np.ndarray, n_replicates: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Replicates of (tpr, fpr) when whole groups are drawn with replacement.

    A replicate whose drawn groups hold no positive (or no negative) has no rate; it is given
    the rate of all items, so rare classes concentrated in one group do not void the bootstrap.
    """
    names, index = np.unique(groups, return_inverse=True)
    g = len(names)
    pos_sum = np.bincount(index, weights=scores * labels, minlength=g)
    pos_n = np.bincount(index, weights=labels.astype(float), minlength=g)
    neg_sum = np.bincount(index, weights=scores * ~labels, minlength=g)
    neg_n = np.bincount(index, weights=(~labels).astype(float), minlength=g)
    draws = rng.multinomial(g, np.full(g, 1.0 / g), size=n_replicates).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        tpr = (draws @ pos_sum) / (draws @ pos_n)
        fpr = (draws @ neg_sum) / (draws @ neg_n)
    tpr[~np.isfinite(tpr)] = pos_sum.sum() / max(pos_n.sum(), 1.0)
    fpr[~np.isfinite(fpr)] = neg_sum.sum() / max(neg_n.sum(), 1.0)
    return tpr, fpr


class PACC:
    """Probabilistic adjusted classify-and-count for one binary event, with bootstrap intervals.

    ``fit`` takes the out-of-fold posteriors and gold labels of the training items and draws the
    bootstrap replicates of the rates once; ``estimate`` corrects the mean posterior of a set of
    documents and resamples those documents in each replicate.
    """

    method = "pacc"
    needs_replicates = True

    def __init__(
        self,
        n_bootstrap: int = PREVALENCE_BOOTSTRAP,
        confidence: float = PREVALENCE_CONFIDENCE,
        seed: int = PREVALENCE_SEED,
        min_separation: float = PACC_MIN_SEPARATION,
    ) -> None:
        self.n_bootstrap = n_bootstrap
        self.confidence = confidence
        self.seed = seed
        self.min_separation = min_separation

    def fit(
        self,
        scores: Sequence[float] | np.ndarray,
        labels: Sequence[int] | np.ndarray,
        groups: Sequence[str] | np.ndarray | None = None,
    ) -> PACC:
        """Rates ``tpr_``/``fpr_`` from out-of-fold posteriors and their bootstrap replicates.

        With ``groups`` (two or more distinct), replicates resample whole groups (cluster
        bootstrap); otherwise positives and negatives are resampled item by item.
        """
        if self.n_bootstrap < 1:
            raise ValueError("n_bootstrap must be positive")
        if not 0 < self.confidence < 1:
            raise ValueError("confidence must lie in (0, 1)")
        s, labels_float = scores_and_labels(scores, labels)
        y = labels_float.astype(bool)
        pos, neg = s[y], s[~y]
        self.n_positive_, self.n_negative_ = len(pos), len(neg)
        self.tpr_ = float(pos.mean()) if len(pos) else float("nan")
        self.fpr_ = float(neg.mean()) if len(neg) else float("nan")
        self.note_ = self._degenerate_reason()
        rng = np.random.default_rng([self.seed, 0])
        names = np.unique(np.asarray(groups, dtype=str)) if groups is not None else np.array([])
        if len(names) >= 2:
            self.tpr_replicates_, self.fpr_replicates_ = cluster_rates(
                s, y, np.asarray(groups, dtype=str), self.n_bootstrap, rng
            )
        else:
            self.tpr_replicates_ = bootstrap_means(pos, self.n_bootstrap, rng)
            self.fpr_replicates_ = bootstrap_means(neg, self.n_bootstrap, rng)
        return self

    def _degenerate_reason(self) -> str:
        if not self.n_positive_:
            return "no positive item among the out-of-fold rates"
        if not self.n_negative_:
            return "no negative item among the out-of-fold rates"
        if self.tpr_ - self.fpr_ < self.min_separation:
            return f"tpr - fpr = {self.tpr_ - self.fpr_:.3f} < {self.min_separation}: the classifier does not separate"
        return ""

    @property
    def adjusted(self) -> bool:
        """Whether estimates are corrected (False: the mean-posterior fallback)."""
        return not self.note_

    def correct(self, pcc: np.ndarray | float, tpr: np.ndarray | float, fpr: np.ndarray | float) -> np.ndarray:
        """``(pcc - fpr) / (tpr - fpr)`` clipped to [0, 1], the separation floored at the limit."""
        separation = np.maximum(np.asarray(tpr) - np.asarray(fpr), self.min_separation)
        return np.asarray(np.clip((np.asarray(pcc) - fpr) / separation, 0.0, 1.0), dtype=float)

    def estimate(self, posteriors: Sequence[float] | np.ndarray) -> Share:
        """The share of positives among the documents whose posteriors are given."""
        p = np.clip(np.asarray(posteriors, dtype=float), 0.0, 1.0).reshape(-1, 1)
        # a fixed stream per call: a group's interval does not depend on which groups came before
        replicates = resample_means(p, self.n_bootstrap, np.random.default_rng([self.seed, 1]))
        return self.from_means(float(p.mean()) if len(p) else float("nan"), replicates[:, 0])

    def from_sample(
        self, mean: float, variance: float, replicates: np.ndarray | None, group: str | None = None
    ) -> Share:
        """The share from a set's mean posterior and its bootstrap replicates (``variance`` unused)."""
        if replicates is None:
            raise ValueError("PACC needs the bootstrap replicates of the mean posterior")
        return self.from_means(mean, replicates)

    def from_means(self, pcc: float, pcc_replicates: np.ndarray) -> Share:
        """The share from a set's mean posterior and its bootstrap replicates."""
        method = "pacc" if self.adjusted else "pcc"
        if np.isnan(pcc):
            nan = float("nan")
            return Share(nan, nan, nan, method, "no documents")
        if self.adjusted:
            point = float(self.correct(pcc, self.tpr_, self.fpr_))
            replicates = self.correct(pcc_replicates, self.tpr_replicates_, self.fpr_replicates_)
        else:
            point, replicates = pcc, pcc_replicates
        tail = 100 * (1 - self.confidence) / 2
        low, high = np.percentile(replicates, [tail, 100 - tail])
        # the percentile interval of a clipped statistic can miss a point on the bound by a hair
        return Share(point, min(float(low), point), max(float(high), point), method, self.note_)


def resample_means(values: np.ndarray, n_replicates: int, rng: np.random.Generator) -> np.ndarray:
    """(replicates, events) means of resamples of the rows of ``values`` (n, events).

    Up to ``EXACT_RESAMPLE_MAX`` rows, every replicate draws row indices and all events share
    them (exact bootstrap, one matrix product); beyond, each event goes through the binned
    multinomial of :func:`bootstrap_means`, whose cost does not grow with ``n``.
    """
    n, events = values.shape
    if n == 0:
        return np.full((n_replicates, events), np.nan)
    if n > EXACT_RESAMPLE_MAX:
        return np.column_stack([bootstrap_means(values[:, j], n_replicates, rng) for j in range(events)])
    out = np.empty((n_replicates, events))
    step = max(1, RESAMPLE_CELLS // n)
    for start in range(0, n_replicates, step):
        b = min(step, n_replicates - start)
        rows = rng.integers(0, n, size=(b, n)) + n * np.arange(b)[:, None]
        counts = np.bincount(rows.ravel(), minlength=b * n).reshape(b, n)
        out[start : start + b] = counts @ values / n
    return out
