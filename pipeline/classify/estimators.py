"""Estimators of one binary event's share from its documents' posteriors: the mean posterior with
the between-outlet bias in its interval, and prediction-powered inference (methods and reasons:
:mod:`pipeline.classify.prevalence`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import Protocol

import numpy as np

from pipeline.classify.settings import MIN_GROUP_ITEMS, PPI_PSEUDO_PAIRS, PREVALENCE_CONFIDENCE


@dataclass(frozen=True, slots=True)
class Share:
    """An estimated share with its interval and the ``method`` that gave it (PACC's fallback: pcc)."""

    estimate: float
    low: float
    high: float
    method: str = "pcc"
    note: str = ""

    def as_dict(self, digits: int = 4) -> dict[str, float]:
        """``{"estimate", "low", "high"}`` rounded, as the CLI prints it."""
        return {
            "estimate": round(self.estimate, digits),
            "low": round(self.low, digits),
            "high": round(self.high, digits),
        }


def _normal_share(estimate: float, variance: float, confidence: float, method: str, note: str = "") -> Share:
    """``estimate`` with the normal interval of the given variance, all clipped to [0, 1]."""
    if np.isnan(estimate):
        nan = float("nan")
        return Share(nan, nan, nan, method, "no documents")
    half = NormalDist().inv_cdf(0.5 + confidence / 2) * float(np.sqrt(max(variance, 0.0)))
    point = float(np.clip(estimate, 0.0, 1.0))
    return Share(point, max(0.0, min(point, estimate - half)), min(1.0, max(point, estimate + half)), method, note)


def scores_and_labels(
    scores: Sequence[float] | np.ndarray, labels: Sequence[int] | np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Posteriors clipped to [0, 1] and labels as floats; ValueError when their shapes differ."""
    s = np.clip(np.asarray(scores, dtype=float), 0.0, 1.0)
    y = np.asarray(labels, dtype=float)
    if s.shape != y.shape:
        raise ValueError(f"{s.shape} scores but {y.shape} labels")
    return s, y


def group_biases(
    scores: np.ndarray, labels: np.ndarray, groups: Sequence[str] | np.ndarray | None, min_items: int = MIN_GROUP_ITEMS
) -> np.ndarray:
    """Mean posterior minus true share of each group of at least ``min_items`` out-of-fold items;
    with fewer than two such groups, the one bias of all items."""
    if groups is not None:
        names = np.asarray(groups, dtype=str)
        biases = [
            float(scores[names == g].mean() - labels[names == g].mean())
            for g in np.unique(names)
            if np.sum(names == g) >= min_items
        ]
        if len(biases) >= 2:
            return np.array(biases)
    return np.array([float(scores.mean() - labels.mean())]) if len(scores) else np.zeros(1)


class MeanPosterior:
    """Probabilistic classify-and-count with an interval that carries the between-outlet bias.

    ``fit`` takes the out-of-fold posteriors, labels and cross-validation groups of the training
    items and keeps the mean squared bias of the groups (:func:`group_biases`); ``estimate`` is the
    documents' mean posterior, its variance that of the mean plus the outlet variance.
    """

    method = "pcc"
    needs_replicates = False

    def __init__(self, confidence: float = PREVALENCE_CONFIDENCE, min_group_items: int = MIN_GROUP_ITEMS) -> None:
        self.confidence = confidence
        self.min_group_items = min_group_items

    def fit(
        self,
        scores: Sequence[float] | np.ndarray,
        labels: Sequence[int] | np.ndarray,
        groups: Sequence[str] | np.ndarray | None = None,
    ) -> MeanPosterior:
        """The between-outlet variance ``outlet_variance_`` of the classifier's bias."""
        s, y = scores_and_labels(scores, labels)
        self.biases_ = group_biases(s, y, groups, self.min_group_items)
        self.outlet_variance_ = float(np.mean(self.biases_**2))
        self.note_ = ""
        return self

    def from_sample(
        self, mean: float, variance: float, replicates: np.ndarray | None = None, group: str | None = None
    ) -> Share:
        """The share from a set's mean posterior and the variance of that mean (any group alike)."""
        return _normal_share(mean, variance + self.outlet_variance_, self.confidence, self.method)

    def estimate(self, posteriors: Sequence[float] | np.ndarray) -> Share:
        """The share of positives among the documents whose posteriors are given."""
        p = np.clip(np.asarray(posteriors, dtype=float), 0.0, 1.0)
        return self.from_sample(*_mean_and_variance(p))


class PredictionPowered:
    """Prediction-powered inference: mean posterior plus the mean residual of labelled items.

    ``fit`` takes the posteriors and labels of a random sample of the target corpus and, optionally,
    the output group of each labelled item (``""`` for one outside every group); ``estimate`` adds
    a mean residual ``label - posterior`` to the documents' mean posterior, and its variance to the
    variance of the documents' mean.

    Groups (``--by``) differ in their mix of relevant items, and the residual moves with the mix.
    A group's residual is therefore its own labelled items' mean shrunk towards the corpus-wide one
    (empirical Bayes, as in small-area estimation): weight ``tau2 / (tau2 + v_g)``, where ``v_g`` is
    the variance of the group's mean residual and ``tau2`` the between-group variance of the true
    residuals (method of moments over the groups with at least two labelled items).  A group
    without labelled items takes the corpus-wide residual with ``tau2`` added to its variance.
    """

    method = "ppi"
    needs_replicates = False

    def __init__(self, confidence: float = PREVALENCE_CONFIDENCE) -> None:
        self.confidence = confidence

    def fit(
        self,
        scores: Sequence[float] | np.ndarray,
        labels: Sequence[int] | np.ndarray,
        groups: Sequence[str] | np.ndarray | None = None,
    ) -> PredictionPowered:
        """The corpus-wide ``residual_`` and ``residual_variance_``, the between-group variance
        ``tau2_`` and each group's shrunk residual and variance (``group_residuals_``)."""
        s, y = scores_and_labels(scores, labels)
        if len(s) < 2:
            raise ValueError("prediction-powered inference needs at least 2 labelled items")
        names = np.asarray(groups if groups is not None else [""] * len(s), dtype=str)
        if names.shape != s.shape:
            raise ValueError(f"{len(s)} labelled items but {len(names)} groups")
        self.n_labelled_ = len(s)
        self.residual_, self.residual_variance_ = _residual_mean(y - s, s)
        # a group's mean residual varies as one item's residual (the corpus-wide estimate, which is
        # stable where a group's own from a few items is not) over the group's labelled items
        per_item = self.residual_variance_ * len(s)
        own = {
            str(g): (float(np.mean(y[names == g] - s[names == g])), per_item / int(np.sum(names == g)))
            for g in np.unique(names)
            if g
        }
        means = np.array([m for m, _ in own.values()])
        # between-group variance of the true residuals: what the spread of the groups' means
        # exceeds their sampling variance by (none to measure with fewer than two groups)
        self.tau2_ = max(0.0, float(means.var(ddof=1) - np.mean([v for _, v in own.values()]))) if len(own) > 1 else 0.0
        self.group_residuals_ = {g: self._shrunk(m, v) for g, (m, v) in own.items()}
        self.note_ = ""
        return self

    def _shrunk(self, mean: float, variance: float) -> tuple[float, float]:
        weight = self.tau2_ / (self.tau2_ + variance) if self.tau2_ + variance > 0 else 0.0
        residual = weight * mean + (1 - weight) * self.residual_
        return residual, weight**2 * variance + (1 - weight) ** 2 * (self.tau2_ + self.residual_variance_)

    def residual(self, group: str | None = None) -> tuple[float, float]:
        """The residual of ``group`` (corpus-wide when ``None``) and its variance."""
        if group is None:
            return self.residual_, self.residual_variance_
        return self.group_residuals_.get(group, (self.residual_, self.tau2_ + self.residual_variance_))

    def from_sample(
        self, mean: float, variance: float, replicates: np.ndarray | None = None, group: str | None = None
    ) -> Share:
        """The share from a set's mean posterior, the variance of that mean and its group."""
        residual, residual_variance = self.residual(group)
        return _normal_share(mean + residual, variance + residual_variance, self.confidence, self.method)

    def estimate(self, posteriors: Sequence[float] | np.ndarray, group: str | None = None) -> Share:
        """The share of positives among the documents (of ``group``) whose posteriors are given."""
        p = np.clip(np.asarray(posteriors, dtype=float), 0.0, 1.0)
        return self.from_sample(*_mean_and_variance(p), group=group)


def _residual_mean(residuals: np.ndarray, scores: np.ndarray) -> tuple[float, float]:
    """Mean of the residuals and the variance of that mean.

    The variance also counts one pseudo-positive and one pseudo-negative at the mean posterior per
    ``PPI_PSEUDO_PAIRS`` (as Agresti-Coull's plus-two does for a proportion): a rare event whose
    sample holds no or few positives would otherwise get an interval of almost no width.
    """
    pseudo = [1.0 - float(scores.mean()), -float(scores.mean())] * PPI_PSEUDO_PAIRS
    return float(residuals.mean()), float(np.var(np.concatenate([residuals, pseudo]), ddof=1) / len(residuals))


def _mean_and_variance(values: np.ndarray) -> tuple[float, float]:
    """Mean of ``values`` and the variance of that mean (0 for a single value, nan for none)."""
    if not len(values):
        return float("nan"), float("nan")
    variance = float(values.var(ddof=1) / len(values)) if len(values) > 1 else 0.0
    return float(values.mean()), variance


class Quantifier(Protocol):
    """What :class:`Prevalence` needs of an event's estimator."""

    note_: str
    needs_replicates: bool

    def from_sample(
        self, mean: float, variance: float, replicates: np.ndarray | None, group: str | None = None
    ) -> Share: ...
