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
  random sample of the documents estimated; with groups (``--by``), each group's residual is
  shrunk towards the corpus-wide one (:class:`~pipeline.classify.estimators.PredictionPowered`).

Why not QuaPy (0.2.3, read): (1) weight — it installs pandas, matplotlib, xlrd, abstention and
ucimlrepo, foreign to a scoring command; (2) fit — its aggregative methods read the classes from a
fitted classifier, so each of the ten binary events would need a wrapped stand-in; (3) intervals —
``AggregativeBootstrap`` re-indexes all N posteriors per replicate and cannot resample the rates
by cross-validation group, nor carry the between-outlet bias.  Its other methods (EMQ/SLD, HDy,
DyS) trust the class-conditional posterior distributions of the training outlets and err more
than the mean posterior on new outlets (the benchmark's rejected methods).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from pipeline.classify.estimators import MeanPosterior, PredictionPowered, Quantifier, Share
from pipeline.classify.pacc import PACC, resample_means
from pipeline.classify.settings import (
    PREVALENCE_BOOTSTRAP,
    PREVALENCE_CONFIDENCE,
    PREVALENCE_METHOD,
    PREVALENCE_SEED,
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
