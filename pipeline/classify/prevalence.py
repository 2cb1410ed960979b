"""Shares of relevant items and of each topic, corrected for the classifier's errors.

Three estimators, one per ``method`` (``benchmarks/prevalence.py`` compares them on outlets the
model has not seen; ``docs/bench/prevalence.md``):

- ``"pcc"`` (default without labels): probabilistic classify-and-count, the mean posterior of the
  documents.  Its interval is a normal one whose variance adds to the sampling variance of the
  mean the between-outlet variance of the classifier's bias: the mean squared difference between
  the mean posterior and the true share of each cross-validation group (outlet) of the model's
  out-of-fold items.  A new outlet's bias is unknown; the spread of the bias over the outlets the
  model was tested on is the honest measure of it.
- ``"pacc"``: probabilistic adjusted classify-and-count (Bella et al., ICDM 2010), ``(pcc - fpr) /
  (tpr - fpr)`` clipped to [0, 1], the rates being the mean out-of-fold posteriors of truly
  positive/negative items; percentile bootstrap interval that resamples the rates (by
  cross-validation group when the state names them) and the documents in every replicate.  It is
  exact when the rates hold on the target, and far off when they do not: on a new outlet the
  rates move, and dividing by a small ``tpr - fpr`` amplifies the move.
- ``"ppi"`` (default with labels of a random sample of the target corpus): prediction-powered
  inference (Angelopoulos et al., Science 2023): the mean posterior of the documents plus the mean
  residual ``label - posterior`` of the labelled items, with the normal interval of the sum of
  two independent means.  Unbiased whatever the classifier's errors when the labelled items are a
  random sample of the documents estimated.

PACC's bootstrap resamples the documents per output group, all events together: up to
``EXACT_RESAMPLE_MAX`` documents by drawing indices; beyond, per event by one multinomial over the
posteriors pooled into ``PREVALENCE_BINS`` bins each at the mean of its members (the mean stays
exact, the replicate variance shrinks by at most 1/(12 * bins**2) per draw).  Degenerate rates
(no positive or negative, or ``tpr - fpr < PACC_MIN_SEPARATION``) fall back to the mean
posterior with the reason in :attr:`Share.note`.

Why not QuaPy (0.2.3, read): (1) weight — it installs pandas, matplotlib, xlrd, abstention and
ucimlrepo, foreign to a scoring command; (2) fit — its aggregative methods read the classes from a
fitted classifier, so each of the ten binary events would need a wrapped stand-in; (3) intervals —
``AggregativeBootstrap`` re-indexes all N posteriors per replicate and cannot resample the rates
by cross-validation group, nor carry the between-outlet bias.  Its other methods (EMQ/SLD, HDy,
DyS) trust the class-conditional posterior distributions of the training outlets more than PACC
does and err more on new outlets (the benchmark's rejected methods).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any, Protocol

import numpy as np

from pipeline.classify.settings import (
    EXACT_RESAMPLE_MAX,
    MIN_GROUP_ITEMS,
    PACC_MIN_SEPARATION,
    PPI_PSEUDO_PAIRS,
    PREVALENCE_BINS,
    PREVALENCE_BOOTSTRAP,
    PREVALENCE_CONFIDENCE,
    PREVALENCE_METHOD,
    PREVALENCE_SEED,
    RESAMPLE_CELLS,
)

#: Key of the model metadata that holds the out-of-fold posteriors and gold labels.
META_KEY = "quantification"

#: Name of the relevance event in :class:`Prevalence` results.
RELEVANT = "relevant"

#: The estimators of :class:`Prevalence`, by ``method`` name (see the module docstring).
METHODS = ("pcc", "pacc", "ppi")


def quantification_state(
    rel_scores: Sequence[float] | np.ndarray,
    rel_labels: Sequence[int] | np.ndarray,
    topic_scores: np.ndarray,
    topic_labels: np.ndarray,
    keys: Sequence[str],
    protocol: str,
    groups: Sequence[str] | np.ndarray | None = None,
) -> dict[str, Any]:
    """The ``meta["quantification"]`` dict of a model from its out-of-fold posteriors.

    ``rel_scores`` (n,) and ``topic_scores`` (n, k) are out-of-fold posteriors of the training
    items (topic scores conditional on relevance, as the model predicts them); ``rel_labels``
    (n,) and ``topic_labels`` (n, k) are their gold labels, a topic label meaning "relevant and
    has this topic".  A topic's event posterior is ``relevant_score * topic_score``.
    ``groups`` (optional, n) names each item's cross-validation group (e.g. its source family):
    the bootstrap then resamples whole groups, so that the intervals carry how much the rates
    move from one outlet to another.
    """
    rel = np.asarray(rel_scores, dtype=float).reshape(-1)
    rel_y = np.asarray(rel_labels).astype(int).reshape(-1)
    ts = np.asarray(topic_scores, dtype=float).reshape(len(rel), len(keys))
    ty = np.asarray(topic_labels).astype(int).reshape(len(rel), len(keys))
    if len(rel_y) != len(rel):
        raise ValueError(f"{len(rel)} relevance scores but {len(rel_y)} labels")
    events = event_posteriors(rel, ts)
    state: dict[str, Any] = {"protocol": protocol}
    if groups is not None:
        if len(groups) != len(rel):
            raise ValueError(f"{len(rel)} scores but {len(groups)} groups")
        state["groups"] = [str(g) for g in groups]
    return state | {
        "relevance": {"scores": _rounded(rel), "labels": rel_y.tolist()},
        "topics": {
            key: {"scores": _rounded(events[:, 1 + j]), "labels": (ty[:, j] & rel_y).tolist()}
            for j, key in enumerate(keys)
        },
    }


def _rounded(values: np.ndarray) -> list[float]:
    # six decimals: far below any rate's sampling error, and the model's meta.json stays small
    return [round(float(v), 6) for v in values]


def event_posteriors(relevant_score: np.ndarray, topic_scores: np.ndarray) -> np.ndarray:
    """(n, 1 + k) posteriors of the events: relevant, then relevant-and-topic for each topic."""
    rel = np.asarray(relevant_score, dtype=float).reshape(-1, 1)
    return np.hstack([rel, rel * np.asarray(topic_scores, dtype=float).reshape(len(rel), -1)])


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
        s = np.clip(np.asarray(scores, dtype=float), 0.0, 1.0)
        y = np.asarray(labels).astype(bool)
        if s.shape != y.shape:
            raise ValueError(f"{s.shape} scores but {y.shape} labels")
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


def _normal_share(estimate: float, variance: float, confidence: float, method: str, note: str = "") -> Share:
    """``estimate`` with the normal interval of the given variance, all clipped to [0, 1]."""
    if np.isnan(estimate):
        nan = float("nan")
        return Share(nan, nan, nan, method, "no documents")
    half = NormalDist().inv_cdf(0.5 + confidence / 2) * float(np.sqrt(max(variance, 0.0)))
    point = float(np.clip(estimate, 0.0, 1.0))
    return Share(point, max(0.0, min(point, estimate - half)), min(1.0, max(point, estimate + half)), method, note)


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
        s = np.clip(np.asarray(scores, dtype=float), 0.0, 1.0)
        y = np.asarray(labels, dtype=float)
        if s.shape != y.shape:
            raise ValueError(f"{s.shape} scores but {y.shape} labels")
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
        s = np.clip(np.asarray(scores, dtype=float), 0.0, 1.0)
        y = np.asarray(labels, dtype=float)
        if s.shape != y.shape:
            raise ValueError(f"{s.shape} scores but {y.shape} labels")
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


@dataclass(frozen=True, slots=True)
class GroupShares:
    """Shares of one group of documents: relevance and each topic (relevant and that topic)."""

    n: int
    relevant: Share
    topics: dict[str, Share]

    def as_dict(self, group: str) -> dict[str, Any]:
        """The CLI's object: ``{"group", "n", "relevant", "topics"}``."""
        return {
            "group": group,
            "n": self.n,
            "relevant": self.relevant.as_dict(),
            "topics": {key: share.as_dict() for key, share in self.topics.items()},
        }


class Prevalence:
    """Shares of relevance and every topic by one ``method`` of :data:`METHODS`, fitted from a
    quantification state: the model's ``meta["quantification"]`` (``pcc``, ``pacc``) or, for
    ``ppi``, the state of a labelled random sample of the target corpus."""

    def __init__(
        self,
        method: str = PREVALENCE_METHOD,
        n_bootstrap: int = PREVALENCE_BOOTSTRAP,
        confidence: float = PREVALENCE_CONFIDENCE,
        seed: int = PREVALENCE_SEED,
    ) -> None:
        self.method = method
        self.n_bootstrap = n_bootstrap
        self.confidence = confidence
        self.seed = seed

    def _quantifier(self, event: int) -> PACC | MeanPosterior | PredictionPowered:
        if self.method == "pacc":
            # one seed per event: the events' rate replicates are drawn independently
            return PACC(self.n_bootstrap, self.confidence, self.seed * 1_000 + event)
        if self.method == "pcc":
            return MeanPosterior(self.confidence)
        if self.method == "ppi":
            return PredictionPowered(self.confidence)
        raise ValueError(f"unknown method {self.method!r}; expected one of {METHODS}")

    def fit(self, state: Mapping[str, Any], keys: Sequence[str] | None = None) -> Prevalence:
        """Fit from a quantification state (see :func:`quantification_state`).

        ``keys`` are the topics to estimate (default: all in the state); a key absent from the
        state raises ``ValueError``.
        """
        topics = state.get("topics") or {}
        self.keys_ = list(keys) if keys is not None else list(topics)
        missing = [k for k in self.keys_ if k not in topics]
        if missing:
            raise ValueError(f"quantification state lacks the topics {missing}")
        rel, groups = state["relevance"], state.get("groups")
        self.relevance_: Quantifier = self._quantifier(0).fit(rel["scores"], rel["labels"], groups)
        self.topics_: dict[str, Quantifier] = {
            key: self._quantifier(1 + j).fit(topics[key]["scores"], topics[key]["labels"], groups)
            for j, key in enumerate(self.keys_)
        }
        self.protocol_ = str(state.get("protocol", ""))
        return self

    def use_rates_of(self, other: Prevalence, events: Sequence[str]) -> Prevalence:
        """Take the estimators of ``events`` (``relevant`` or topic keys) from ``other``, e.g. PACC
        rates measured on a labelled sample of the target corpus instead of the model's."""
        for name in events:
            if name == RELEVANT:
                self.relevance_ = other.relevance_
            elif name in self.topics_ and name in other.topics_:
                self.topics_[name] = other.topics_[name]
            else:
                raise ValueError(f"unknown event {name!r}")
        return self

    def fallbacks(self) -> dict[str, str]:
        """Events whose estimator fell back to the unadjusted mean posterior, with the reason."""
        events = {RELEVANT: self.relevance_, **self.topics_}
        return {name: q.note_ for name, q in events.items() if q.note_}

    def estimate(self, relevant_score: np.ndarray, topic_scores: np.ndarray, group: str | None = None) -> GroupShares:
        """Shares of a group from its documents' relevance (n,) and topic (n, k) posteriors.

        ``topic_scores`` columns follow ``keys_``; topic posteriors are conditional on relevance,
        as the model predicts them.  ``group`` names the output group, which ``ppi`` uses to pick
        its labelled items (``None``: the whole labelled sample).
        """
        events = np.clip(event_posteriors(relevant_score, topic_scores), 0.0, 1.0)
        n = len(events)
        means = events.mean(axis=0) if n else np.full(events.shape[1], np.nan)
        variances = events.var(axis=0, ddof=1) / n if n > 1 else np.zeros(events.shape[1])
        quantifiers = [self.relevance_, *(self.topics_[key] for key in self.keys_)]
        replicates = None
        if any(q.needs_replicates for q in quantifiers):
            # one stream per call, so a group's intervals do not depend on the groups before it
            replicates = resample_means(events, self.n_bootstrap, np.random.default_rng([self.seed, 1]))
        shares = [
            q.from_sample(float(means[j]), float(variances[j]), None if replicates is None else replicates[:, j], group)
            for j, q in enumerate(quantifiers)
        ]
        return GroupShares(n=n, relevant=shares[0], topics=dict(zip(self.keys_, shares[1:])))
