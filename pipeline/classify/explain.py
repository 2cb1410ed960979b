"""The heaviest positive features of each classifier (what a topic is "about" to the model),
as words a reader understands rather than internal feature names."""

from __future__ import annotations

import numpy as np

from pipeline.classify.model import MULTICLASS, TopicModel

_COOC_STATS = {
    "log": "sentences naming medical workers with {topic} terms",
    "share": "share of sentences naming medical workers with {topic} terms",
    "run": "consecutive sentences naming medical workers with {topic} terms",
}
_COOC_GLOBAL = {
    "workers:log": "sentences naming medical workers",
    "workers:share": "share of sentences naming medical workers",
    "welfare:share": "share of sentences naming medical workers with any topic term",
    "title:workers": "title names medical workers",
}


def readable(block: str, term: str) -> str:
    """A feature of block ``block`` as a reader would say it."""
    if block == "title":
        return f"{term[2:] if term.startswith('w:') else term} (title)"
    if block == "seeds":
        return f"{term} (taxonomy term)"
    if block == "cooc":
        if term in _COOC_GLOBAL:
            return _COOC_GLOBAL[term]
        topic, _, stat = term.rpartition(":")
        return _COOC_STATS.get(stat, "{topic} " + stat).format(topic=topic)
    return term


def _feature_names(model: TopicModel) -> np.ndarray:
    names: list[str] = []
    for name, vec in model.state["features"].transformer_list:
        names.extend(readable(name, str(t)) for t in vec.get_feature_names_out())
    return np.asarray(names, dtype=object)


def _top(names: np.ndarray, coef: np.ndarray, n: int) -> list[str]:
    """The ``n`` features of largest positive weight, without repeating a readable name."""
    out: list[str] = []
    for i in np.argsort(coef)[::-1]:
        if coef[i] <= 0 or len(out) == n:
            break
        if names[i] not in out:
            out.append(str(names[i]))
    return out


def relevance_weights(model: TopicModel, n_features: int) -> np.ndarray:
    """What each feature adds to a multi-label model's relevance score: the relevance classifier's
    weight, blended at ``welfare_weight`` with the feature's largest weight in any welfare
    classifier (the noisy-or of the welfare score rises with every topic's probability)."""
    weights = np.asarray(model.state["relevance"].coef_[0][:n_features], dtype=float)
    share = float(model.state.get("welfare_weight") or 0.0)
    welfare = [c.coef_[0][:n_features] for c in (model.state.get("welfare") or {}).values() if c is not None]
    if share <= 0 or not welfare:
        return weights
    return (1 - share) * weights + share * np.max(np.vstack(welfare), axis=0)


def top_terms(model: TopicModel, n: int = 10) -> dict[str, list[str]]:
    """``{topic: [term, ...]}`` by coefficient; ``relevance`` too for multi-label models."""
    names = _feature_names(model)
    if model.kind == MULTICLASS:
        clf = model.state["classifier"]
        coefs = clf.coef_ if len(clf.classes_) > 2 else np.vstack([-clf.coef_[0], clf.coef_[0]])
        return {str(c): _top(names, row, n) for c, row in zip(clf.classes_, coefs)}
    out = {"relevance": _top(names, relevance_weights(model, len(names)), n)}
    for key, clf in model.state["topics"].items():
        out[key] = [] if clf is None else _top(names, clf.coef_[0], n)
    return out
