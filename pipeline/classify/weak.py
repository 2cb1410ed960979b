"""Using an unlabelled pool: seed-term labelling functions combined with a gold-trained model.

Self-training in one round: a model fitted on gold scores the pool; an item becomes a
pseudo-labelled training row when the model is confident *and* the taxonomy's labelling
functions agree (an item without any relevance seed term is a negative; a topic is positive
only when the model says so and one of its seed terms occurs).  Pseudo rows get a low weight
and never take part in threshold selection.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from pipeline.classify.model import TopicModel
from pipeline.classify.taxonomy import Taxonomy
from pipeline.classify.text import Item


def has_any(text: str, terms: Sequence[str]) -> bool:
    return any(t in text for t in terms)


@dataclass(frozen=True, slots=True)
class PseudoLabels:
    """Pool rows chosen for training, with their labels and weights."""

    index: np.ndarray
    relevant: np.ndarray
    topics: np.ndarray
    weight: np.ndarray


def pseudo_label(
    model: TopicModel,
    pool: Sequence[Item],
    taxonomy: Taxonomy,
    confident: float = 0.85,
    weight: float = 0.3,
) -> PseudoLabels:
    """Confident, LF-consistent pseudo-labels for ``pool`` from a gold-trained ``model``."""
    rel, ts = model.scores(pool)
    keys = model.topic_keys
    thr = np.array([model.state["topic_thresholds"][k] for k in keys])
    terms = {t.key: t.seed_terms for t in taxonomy.topics}
    idx, r_out, t_out = [], [], []
    for i, (title, body, _, _) in enumerate(pool):
        text = f"{title}\n{body}"
        population = has_any(text, taxonomy.relevance_terms) if taxonomy.relevance_terms else True
        if rel[i] <= 1 - confident or not population:
            idx.append(i)
            r_out.append(0)
            t_out.append(np.zeros(len(keys), dtype=int))
        elif rel[i] >= confident:
            row = np.array([int(ts[i, j] >= thr[j] and has_any(text, terms.get(k, ()))) for j, k in enumerate(keys)])
            if row.any():
                idx.append(i)
                r_out.append(1)
                t_out.append(row)
    n = len(idx)
    return PseudoLabels(
        index=np.array(idx, dtype=int),
        relevant=np.array(r_out, dtype=int),
        topics=np.array(t_out, dtype=int).reshape(n, len(keys)),
        weight=np.full(n, weight),
    )
