"""Shares of relevant items and of each topic, corrected for the classifier's errors.

Method: probabilistic adjusted classify-and-count (PACC; Bella et al., ICDM 2010).  For a binary
event (relevant; or relevant *and* topic t), the mean posterior over a set of documents is
``pcc = p * tpr + (1 - p) * fpr``, where ``tpr``/``fpr`` are the mean posteriors of truly
positive/negative items.  Both rates come from out-of-fold posteriors of the training items (a
grouped cross-validation, stored in the model as ``meta["quantification"]``), so solving for the
share gives ``p = (pcc - fpr) / (tpr - fpr)``, clipped to [0, 1].

Interval: percentile bootstrap that resamples both sources of error in every replicate — the
out-of-fold items behind ``tpr`` and ``fpr`` and the target documents behind ``pcc``.  The rates
are resampled once per model: by whole cross-validation group (cluster bootstrap) when the state
names each item's group, since the rates move from one outlet to another far more than within
one; otherwise positives and negatives each keep their count (the rates are means conditional on
the class).  The documents are resampled per group of the output, all events together: up to
``EXACT_RESAMPLE_MAX`` documents by drawing indices (exact); beyond, per event by one multinomial
over the distinct posteriors, pooled into ``PREVALENCE_BINS`` bins each at the mean of its
members — the mean stays exact and the replicate variance shrinks only by the within-bin variance
(at most 1/(12 * bins**2) per draw), so a large group costs O(replicates * bins), not O(n).

Degenerate rates: when the out-of-fold set has no positive or no negative for an event, or
``tpr - fpr < PACC_MIN_SEPARATION``, the correction is undefined or amplifies noise without bound;
the estimate falls back to the unadjusted mean posterior (probabilistic classify-and-count,
``method="pcc"``) with the reason recorded in :attr:`Share.note`.  Replicates whose resampled
separation falls below the limit divide by the limit instead (then clipped to [0, 1]).

Why not QuaPy (0.2.3, read): (1) weight — it installs pandas, matplotlib, xlrd, abstention and
ucimlrepo, foreign to a scoring command; (2) fit — ``PACC.aggregation_fit`` takes precomputed
posteriors but reads the classes from a fitted classifier, so each of the ten binary events would
need a wrapped stand-in classifier; (3) intervals — ``AggregativeBootstrap`` crosses
``n_train_samples`` rate resamples with ``n_test_samples`` document resamples (1000 replicates
means about 32 x 32 quantifier copies) and re-indexes all N posteriors per replicate in joblib
workers: O(replicates * N) per event instead of O(replicates * bins), and it cannot resample the
rates by cross-validation group.  The point estimate here is QuaPy's binary PACC with
``norm="clip"``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from pipeline.classify.settings import (
    EXACT_RESAMPLE_MAX,
    PACC_MIN_SEPARATION,
    PREVALENCE_BINS,
    PREVALENCE_BOOTSTRAP,
    PREVALENCE_CONFIDENCE,
    PREVALENCE_SEED,
    RESAMPLE_CELLS,
)

#: Key of the model metadata that holds the out-of-fold posteriors and gold labels.
META_KEY = "quantification"

#: Name of the relevance event in :class:`Prevalence` results.
RELEVANT = "relevant"


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
    """An estimated share with its interval; ``method`` is ``"pacc"`` or the ``"pcc"`` fallback."""

    estimate: float
    low: float
    high: float
    method: str = "pacc"
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
    """PACC for relevance and every topic of a model, fitted from its ``meta["quantification"]``."""

    def __init__(
        self,
        n_bootstrap: int = PREVALENCE_BOOTSTRAP,
        confidence: float = PREVALENCE_CONFIDENCE,
        seed: int = PREVALENCE_SEED,
    ) -> None:
        self.n_bootstrap = n_bootstrap
        self.confidence = confidence
        self.seed = seed

    def _pacc(self, event: int) -> PACC:
        # one seed per event: the events' rate replicates are drawn independently
        return PACC(self.n_bootstrap, self.confidence, self.seed * 1_000 + event)

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
        self.relevance_ = self._pacc(0).fit(rel["scores"], rel["labels"], groups)
        self.topics_ = {
            key: self._pacc(1 + j).fit(topics[key]["scores"], topics[key]["labels"], groups)
            for j, key in enumerate(self.keys_)
        }
        self.protocol_ = str(state.get("protocol", ""))
        return self

    def use_rates_of(self, other: Prevalence, events: Sequence[str]) -> Prevalence:
        """Take the rates of ``events`` (``relevant`` or topic keys) from ``other``, e.g. rates
        measured on a labelled sample of the target corpus instead of the model's."""
        for name in events:
            if name == RELEVANT:
                self.relevance_ = other.relevance_
            elif name in self.topics_ and name in other.topics_:
                self.topics_[name] = other.topics_[name]
            else:
                raise ValueError(f"unknown event {name!r}")
        return self

    def fallbacks(self) -> dict[str, str]:
        """Events estimated without correction, with the reason."""
        events = {RELEVANT: self.relevance_, **self.topics_}
        return {name: q.note_ for name, q in events.items() if not q.adjusted}

    def estimate(self, relevant_score: np.ndarray, topic_scores: np.ndarray) -> GroupShares:
        """Shares of a group from its documents' relevance (n,) and topic (n, k) posteriors.

        ``topic_scores`` columns follow ``keys_``; topic posteriors are conditional on relevance,
        as the model predicts them.
        """
        events = np.clip(event_posteriors(relevant_score, topic_scores), 0.0, 1.0)
        # one stream per call, so a group's intervals do not depend on the groups before it
        replicates = resample_means(events, self.n_bootstrap, np.random.default_rng([self.seed, 1]))
        means = events.mean(axis=0) if len(events) else np.full(events.shape[1], np.nan)
        return GroupShares(
            n=len(events),
            relevant=self.relevance_.from_means(float(means[0]), replicates[:, 0]),
            topics={
                key: self.topics_[key].from_means(float(means[1 + j]), replicates[:, 1 + j])
                for j, key in enumerate(self.keys_)
            },
        )
