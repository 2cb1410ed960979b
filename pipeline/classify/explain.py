"""The heaviest positive features of each classifier (what a topic is "about" to the model)."""

from __future__ import annotations

import numpy as np

from pipeline.classify.model import MULTICLASS, TopicModel


def _feature_names(model: TopicModel) -> np.ndarray:
    names = []
    for name, vec in model.state["features"].transformer_list:
        names.extend(f"{name}:{t}" for t in vec.get_feature_names_out())
    return np.asarray(names)


def top_terms(model: TopicModel, n: int = 10) -> dict[str, list[str]]:
    """``{topic: [feature, ...]}`` by coefficient; ``relevance`` too for multi-label models."""
    names = _feature_names(model)
    if model.kind == MULTICLASS:
        clf = model.state["classifier"]
        coefs = clf.coef_ if len(clf.classes_) > 2 else np.vstack([-clf.coef_[0], clf.coef_[0]])
        return {str(c): list(names[np.argsort(row)[::-1][:n]]) for c, row in zip(clf.classes_, coefs)}
    out = {"relevance": list(names[np.argsort(model.state["relevance"].coef_[0])[::-1][:n]])}
    for key, clf in model.state["topics"].items():
        out[key] = [] if clf is None else list(names[np.argsort(clf.coef_[0])[::-1][:n]])
    return out
