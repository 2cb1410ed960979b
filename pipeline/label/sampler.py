"""Which item to label next: the strategies ``uncertainty`` (default), ``diverse`` and ``random``.

- ``uncertainty``: a warm-up of representative items, then the item whose label would teach the
  model most, less a diversity term (its highest similarity to an item labelled already), so
  that a batch between two retrains is not ten copies of one story.  What a label teaches is
  the larger of two questions: *relevance* (the relevance probability's closeness to 0.5) and
  *topics* (how unsure the topic classifiers are about the item, rare and unlearned topics
  weighted up, times the probability that the item is relevant, since only relevant items
  carry topic labels).  Once both relevance classes have enough labels, relevance questions
  count less and every likely relevant item is worth a topic question (a relevant item is a
  training row of every topic classifier, whatever its topics), so the labels go to relevant
  items, those whose topics are in doubt or rare first.
- ``representative``: the warm-up of ``uncertainty`` (until
  :data:`~settings.WARMUP_LABELS` labels, and while no model has scored the pool): items like
  many others in the pool and unlike anything labelled.  A model of a few dozen labels has
  no trustworthy doubt yet, and farthest-first alone would serve the pool's outliers (short
  posts, odd formats), few of them relevant.
- ``diverse``: the item least like anything labelled (farthest-first).
- ``random``: a fixed random order (the baseline of the benchmark).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from pipeline.label import settings
from pipeline.label.diversity import SimilarityIndex

STRATEGIES = settings.STRATEGIES


def relevance_uncertainty(relevance: np.ndarray, at: float = settings.UNCERTAIN_AT) -> np.ndarray:
    """1 at probability ``at``, falling linearly to 0 at 0 and 1."""
    return np.asarray(1.0 - np.abs(relevance - at) / max(at, 1.0 - at), dtype=np.float32)


def rarity_weights(positives: Sequence[int]) -> np.ndarray:
    """Per topic ``1/sqrt(1 + labelled positives)``, scaled so the rarest topic weighs 1."""
    w = 1.0 / np.sqrt(1.0 + np.asarray(positives, dtype=np.float32))
    return w / w.max() if w.size else w


def topic_uncertainty(topics: np.ndarray, positives: Sequence[int]) -> np.ndarray:
    """Per item in [0, 1]: the rarity-weighted mean over topics of what a topic label would teach.

    For a topic with at least :data:`~settings.FEW_POSITIVES` labelled positives that is the
    probability's closeness to 0.5; for a topic with fewer, positives are what its classifier
    lacks, so a likely positive counts as much as a doubtful one (``max(closeness, p)``).
    """
    if topics.shape[1] == 0:
        return np.zeros(topics.shape[0], dtype=np.float32)
    closeness = 1.0 - 2.0 * np.abs(topics - 0.5)
    few = np.asarray(positives) < settings.FEW_POSITIVES
    value = np.where(few, np.maximum(closeness, topics), closeness)
    weights = rarity_weights(positives)
    return np.asarray(value @ weights / weights.sum(), dtype=np.float32)


def relevance_settled(relevant: int, not_relevant: int) -> bool:
    """Whether both relevance classes have :data:`~settings.RELEVANCE_SETTLED` labels."""
    return min(relevant, not_relevant) >= settings.RELEVANCE_SETTLED


def relevance_share(relevant: int, not_relevant: int) -> float:
    """Weight of relevance questions: 1 until relevance is settled (:func:`relevance_settled`)."""
    return settings.SETTLED_RELEVANCE_SHARE if relevance_settled(relevant, not_relevant) else 1.0


def settled_topic_base(relevant: int, not_relevant: int) -> float:
    """What a likely relevant item's topic labels are worth however sure its topics are: 0 until
    relevance is settled (:func:`relevance_settled`), then :data:`~settings.SETTLED_TOPIC_BASE`."""
    return settings.SETTLED_TOPIC_BASE if relevance_settled(relevant, not_relevant) else 0.0


def uncertainty(
    relevance: np.ndarray, topics: np.ndarray, positives: Sequence[int], rel_share: float = 1.0,
    topic_base: float = 0.0,
) -> np.ndarray:
    """Per item in [0, 1]: the larger of the relevance question and the topic question.

    The relevance question is :func:`relevance_uncertainty` times ``rel_share``; the topic
    question is the relevance probability times ``topic_base + (1 - topic_base)`` times
    :func:`topic_uncertainty`, scaled so that the pool's largest is :data:`~settings.TOPIC_SHARE`.
    With ``topic_base`` > 0 every likely relevant item is worth labelling (each one is a training
    row of every topic classifier), those with doubtful or rare topics more.
    """
    u = rel_share * relevance_uncertainty(relevance)
    t = relevance * (topic_base + (1.0 - topic_base) * topic_uncertainty(topics, positives))
    if not t.size or t.max() <= 0:
        return np.asarray(u, dtype=np.float32)
    return np.asarray(np.maximum(u, settings.TOPIC_SHARE * t / t.max()), dtype=np.float32)


class Sampler:
    """Chooses among the items still open (not labelled, not skipped, not being labelled).

    ``prior_labels`` counts labels of items outside the pool (base labels), which count
    towards the warm-up; ``warmup`` is the number of labels served ``representative``ly first;
    after it ``uncertainty`` serves every ``explore_every``-th item from the random order (0: never).
    """

    def __init__(
        self, strategy: str, similarity: SimilarityIndex, seed: int = 0,
        prior_labels: int = 0, warmup: int = settings.WARMUP_LABELS, explore_every: int = settings.EXPLORE_EVERY,
    ) -> None:
        if strategy not in STRATEGIES:
            raise ValueError(f"unknown strategy {strategy!r}; choose from {STRATEGIES}")
        self.strategy = strategy
        self.similarity = similarity
        self.prior_labels = prior_labels
        self.warmup = warmup
        self.explore_every = explore_every
        n = len(similarity.max_sim)
        self.open = np.ones(n, dtype=bool)
        self.done = np.zeros(n, dtype=bool)
        self.order = np.random.default_rng(seed).permutation(n)
        # below any real difference of scores: breaks ties in the fixed random order
        self._tiebreak = np.empty(n, dtype=np.float32)
        self._tiebreak[self.order] = np.linspace(0.0, 1e-6, n, dtype=np.float32)
        top = float(similarity.density.max()) if n else 0.0
        self._density = similarity.density / top if top > 0 else np.ones(n, dtype=np.float32)
        self.uncertainty: np.ndarray | None = None

    def set_uncertainty(self, values: np.ndarray | None) -> None:
        """The current model's uncertainty of every pool item (None: no model yet)."""
        self.uncertainty = values

    def labelled(self, i: int) -> None:
        """Item ``i`` has a label: closed, and the diversity term learns it."""
        self.open[i] = False
        self.done[i] = True
        self.similarity.add(i)

    def close(self, i: int) -> None:
        """Item ``i`` is not to be served (skipped, or on screen)."""
        self.open[i] = False

    def reopen(self, i: int) -> None:
        self.open[i] = True

    def warming_up(self) -> bool:
        """``uncertainty`` still serves representative items (no model, or too few labels)."""
        return self.uncertainty is None or self.prior_labels + int(self.done.sum()) < self.warmup

    def choose(self) -> tuple[int, str] | None:
        """``(index, strategy used)`` of the next item, or None when every item is closed."""
        if not self.open.any():
            return None
        strategy = self.strategy
        if strategy == "uncertainty":
            if self.warming_up():
                strategy = "representative"
            elif self.explore_every and (self.prior_labels + int(self.done.sum())) % self.explore_every == 0:
                strategy = "random"
        if strategy == "random":
            return int(self.order[self.open[self.order]][0]), strategy
        if strategy == "diverse":
            value = -self.similarity.max_sim
        elif strategy == "representative":
            value = self._density * (1.0 - self.similarity.max_sim)
        else:
            assert self.uncertainty is not None
            value = self.uncertainty - settings.DIVERSITY_WEIGHT * self.similarity.max_sim
        value = np.where(self.open, value - self._tiebreak, -np.inf)
        return int(np.argmax(value)), strategy
