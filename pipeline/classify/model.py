"""Relevance + one-vs-rest topic classifiers (or a single-label classifier) over TF-IDF features.

The fitted state is a plain dict of scikit-learn objects and numbers, saved with skops and
loaded with an explicit allow-list of types (see :mod:`pipeline.classify.persist`); pipeline
workers score with the same numbers read without scikit-learn (:mod:`pipeline.classify.inference`).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

from pipeline.classify.fastvec import transform_union
from pipeline.classify.features import FeatureConfig, build_features, make_item
from pipeline.classify.inference import LogisticScorer
from pipeline.classify.text import Item, prepare
from pipeline.classify.thresholds import best_f1_threshold
from pipeline.segment.backends import rjieba_available

MULTILABEL = "multilabel"
MULTICLASS = "multiclass"


@dataclass(frozen=True, slots=True)
class TrainConfig:
    """Model hyper-parameters (recorded in the model metadata)."""

    features: FeatureConfig = field(default_factory=FeatureConfig)
    relevance_c: float = 32.0
    topic_c: float = 32.0
    #: single-label sets (records with ``label``): LinearSVC C and the feature set, which adds
    #: character unigrams and large vocabularies (public sets of thousands of titles/articles)
    multiclass_c: float = 1.0
    multiclass_features: FeatureConfig = field(
        default_factory=lambda: FeatureConfig(char_min_n=1, char_features=200_000, word_features=100_000, min_df=1)
    )
    #: inner CV folds for the out-of-fold scores thresholds are chosen on (10: each inner model
    #: sees 90 % of the training rows, so its scores are closer to the final model's)
    inner_folds: int = 10
    topics_on_relevant_only: bool = True
    #: weight of out-of-fold topic probabilities appended to the relevance features (0: off)
    stack_weight: float = 0.0
    #: lowest topic threshold the inner-CV search may choose
    topic_floor: float = 0.25
    #: at most this many topics per relevant item, the highest score/threshold ratios (0: no cap)
    max_topics: int = 4
    seed: int = 0
    #: word segmentation used for training *and* inference ("auto": rjieba when installed)
    segmenter: str = "auto"


def _logreg(c: float, seed: int):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, class_weight="balanced", solver="liblinear", max_iter=2000, random_state=seed)


def _slim(features):
    """Drop the vectorizers' ``stop_words_`` (every pruned term): only needed for introspection."""
    for _, vec in features.transformer_list:
        if not hasattr(vec, "vocabulary_"):
            continue
        if hasattr(vec, "stop_words_"):
            delattr(vec, "stop_words_")
        # plain ints persist as one JSON map instead of one array file per term
        vec.vocabulary_ = {term: int(i) for term, i in vec.vocabulary_.items()}
    return features


def _compact(clf):
    """Store coefficients as float32 (halves the model file; scores change < 1e-6)."""
    if clf is not None:
        clf.coef_ = clf.coef_.astype(np.float32)
    return clf


def fit_multilabel(
    items: Sequence[Item],
    relevant: np.ndarray,
    topics: np.ndarray,
    keys: Sequence[str],
    cfg: TrainConfig = TrainConfig(),
    sample_weight: np.ndarray | None = None,
    n_gold: int | None = None,
    seed_terms: Sequence[str] = (),
    worker_terms: Sequence[str] = (),
    topic_terms: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, Any]:
    """Fit the relevance and per-topic classifiers and choose their thresholds by inner CV.

    ``items[:n_gold]`` are gold; the rest (pseudo-labelled pool items) only add training data:
    thresholds are chosen on gold out-of-fold scores alone.
    """
    n_gold = len(items) if n_gold is None else n_gold
    features = build_features(cfg.features, seed_terms, worker_terms, topic_terms)
    X = features.fit_transform(list(items)).tocsr()
    relevant = np.asarray(relevant, dtype=int)
    topics = np.asarray(topics, dtype=int).reshape(len(items), len(keys))
    w = np.ones(len(items)) if sample_weight is None else np.asarray(sample_weight, dtype=float)

    def fitted(y: np.ndarray, c: float, rows: np.ndarray):
        return _logreg(c, cfg.seed).fit(X[rows], y[rows], sample_weight=w[rows])

    def oof(y: np.ndarray, c: float, rows: np.ndarray) -> np.ndarray:
        """Out-of-fold scores of the gold rows; pool rows always stay on the training side."""
        from sklearn.model_selection import StratifiedKFold

        yg = y[:n_gold]
        scores = np.full(n_gold, 0.5)
        gold_rows = np.flatnonzero(rows[:n_gold])
        k = int(min(cfg.inner_folds, np.bincount(yg[gold_rows], minlength=2).min()))
        if k < 2:
            return scores
        extra = np.flatnonzero(rows[n_gold:]) + n_gold
        splitter = StratifiedKFold(k, shuffle=True, random_state=cfg.seed)
        for tr, te in splitter.split(np.zeros(len(gold_rows)), yg[gold_rows]):
            train = np.concatenate([gold_rows[tr], extra])
            clf = _logreg(c, cfg.seed).fit(X[train], y[train], sample_weight=w[train])
            scores[gold_rows[te]] = clf.predict_proba(X[gold_rows[te]])[:, 1]
        return scores

    every = np.ones(len(items), dtype=bool)
    topic_rows = relevant.astype(bool) if cfg.topics_on_relevant_only else every
    topic_clfs: dict[str, Any] = {}
    topic_thr: dict[str, float] = {}
    gold_rel = relevant[:n_gold].astype(bool)
    for j, key in enumerate(keys):
        y = topics[:, j]
        if y[topic_rows].min() == y[topic_rows].max():
            topic_clfs[key] = None
            topic_thr[key] = 1.0
            continue
        topic_clfs[key] = fitted(y, cfg.topic_c, topic_rows)
        scores = oof(y, cfg.topic_c, topic_rows)
        topic_thr[key] = best_f1_threshold(y[:n_gold][gold_rel], scores[gold_rel], lo=cfg.topic_floor)
    if cfg.stack_weight > 0:
        stacked = _topic_oof(X, topics, relevant, topic_rows, topic_clfs, keys, cfg, n_gold, w)
        X = sp.hstack([X, sp.csr_matrix(cfg.stack_weight * stacked)], format="csr")
    rel_clf = fitted(relevant, cfg.relevance_c, every)
    rel_thr = best_f1_threshold(relevant[:n_gold], oof(relevant, cfg.relevance_c, every))
    return {
        "kind": MULTILABEL,
        "features": _slim(features),
        "relevance": _compact(rel_clf),
        "relevance_threshold": rel_thr,
        "stack_weight": float(cfg.stack_weight),
        "topic_keys": list(keys),
        "topics": {k: _compact(c) for k, c in topic_clfs.items()},
        "topic_thresholds": topic_thr,
        "config": _config_dict(cfg),
    }


def _topic_oof(X, topics, relevant, topic_rows, topic_clfs, keys, cfg, n_gold, w) -> np.ndarray:
    """Topic probabilities of every row, out-of-fold for gold rows (inputs to the relevance model).

    Pool rows (after ``n_gold``) get the final topic classifiers' scores.
    """
    from sklearn.model_selection import StratifiedKFold

    out = np.zeros((X.shape[0], len(keys)))
    gold = np.arange(n_gold)
    k = int(min(cfg.inner_folds, np.bincount(relevant[:n_gold], minlength=2).min()))
    for j, key in enumerate(keys):
        if topic_clfs[key] is not None and X.shape[0] > n_gold:
            out[n_gold:, j] = topic_clfs[key].predict_proba(X[n_gold:])[:, 1]
    if k < 2:
        return out
    for tr, te in StratifiedKFold(k, shuffle=True, random_state=cfg.seed + 1).split(gold, relevant[:n_gold]):
        train = np.concatenate([tr, np.arange(n_gold, X.shape[0])])
        train = train[topic_rows[train]]
        for j, key in enumerate(keys):
            y = topics[train, j]
            if topic_clfs[key] is None or y.min() == y.max():
                continue
            clf = _logreg(cfg.topic_c, cfg.seed).fit(X[train], y, sample_weight=w[train])
            out[te, j] = clf.predict_proba(X[te])[:, 1]
    return out


def fit_multiclass(items: Sequence[Item], labels: Sequence[str], cfg: TrainConfig = TrainConfig()) -> dict[str, Any]:
    """Fit a single-label classifier (public benchmark sets: one ``label`` per record).

    A linear SVM over :attr:`TrainConfig.multiclass_features`; its scores are the softmax of
    the class margins (a ranking, not calibrated probabilities).
    """
    from sklearn.svm import LinearSVC

    features = build_features(cfg.multiclass_features)
    X = features.fit_transform(list(items)).tocsr()
    clf = LinearSVC(C=cfg.multiclass_c, max_iter=5000, random_state=cfg.seed)
    clf.fit(X, np.asarray(labels))
    return {
        "kind": MULTICLASS,
        "features": _slim(features),
        "classifier": _compact(clf),
        "topic_keys": [str(c) for c in clf.classes_],
        "config": _config_dict(cfg),
    }


def _config_dict(cfg: TrainConfig) -> dict[str, Any]:
    return asdict(cfg)


class TopicModel:
    """A fitted model: turns titles and texts into relevance/topic decisions and scores."""

    def __init__(self, state: Mapping[str, Any], meta: Mapping[str, Any] | None = None) -> None:
        self.state = dict(state)
        self.meta = dict(meta or {})

    @property
    def kind(self) -> str:
        return self.state["kind"]

    @property
    def topic_keys(self) -> list[str]:
        return list(self.state["topic_keys"])

    @property
    def version(self) -> str:
        return str(self.meta.get("model_version", "unknown"))

    @property
    def segmenter(self) -> str:
        """The segmentation backend the model was trained with (used again at inference).

        Falls back to ``jieba`` when the model asks for ``rjieba`` and it is not installed
        (same dictionary and conventions; token-boundary agreement ~0.998).
        """
        seg = str(self.state.get("config", {}).get("segmenter", "jieba"))
        return seg if seg == "jieba" or rjieba_available() else "jieba"

    # -- scoring --------------------------------------------------------------------------
    def transform(self, items: Sequence[Item]):
        """Feature matrix of ``items`` (batched numpy transform, equal to the FeatureUnion's)."""
        return transform_union(self.state["features"], items)

    def scores(self, items: Sequence[Item]) -> tuple[np.ndarray, np.ndarray]:
        """``(relevance scores (n,), topic scores (n, k))`` as probabilities."""
        X = self.transform(items)
        if self.kind == MULTICLASS:
            return np.ones(len(items)), _class_scores(self.state["classifier"], X)
        cols = []
        for key in self.topic_keys:
            clf = self.state["topics"][key]
            cols.append(np.zeros(len(items)) if clf is None else _positive_proba(clf, X))
        ts = np.column_stack(cols) if cols else np.zeros((len(items), 0))
        stack = float(self.state.get("stack_weight", 0.0))
        if stack > 0:
            X = sp.hstack([X, sp.csr_matrix(stack * ts)], format="csr")
        rel = _positive_proba(self.state["relevance"], X)
        return rel, ts

    def decide(self, rel: np.ndarray, topic_scores: np.ndarray) -> tuple[np.ndarray, list[list[str]]]:
        """Relevance booleans and topic keys from scores and the stored thresholds."""
        keys = self.topic_keys
        if self.kind == MULTICLASS:
            best = topic_scores.argmax(axis=1)
            return np.ones(len(rel), dtype=bool), [[keys[i]] for i in best]
        is_rel = rel >= self.state["relevance_threshold"]
        thr = np.array([self.state["topic_thresholds"][k] for k in keys])
        cap = int(self.state.get("config", {}).get("max_topics", 0) or 0)
        chosen: list[list[str]] = []
        for r, row in zip(is_rel, topic_scores):
            if not r or not len(keys):
                chosen.append([])
                continue
            ratio = row / np.maximum(thr, 1e-6)
            hits = [j for j in np.argsort(-ratio, kind="stable") if row[j] >= thr[j]]
            if cap:
                hits = hits[:cap]
            if not hits:  # a relevant item has at least one topic: the closest to its threshold
                hits = [int(np.argmax(ratio))]
            chosen.append([keys[j] for j in sorted(hits)])
        return is_rel, chosen

    def predict_items(self, items: Sequence[Item]) -> list[dict[str, Any]]:
        """One result dict per item (without ``id``)."""
        rel, ts = self.scores(items)
        is_rel, chosen = self.decide(rel, ts)
        keys = self.topic_keys
        out = []
        for i in range(len(items)):
            out.append(
                {
                    "relevant": bool(is_rel[i]),
                    "relevant_score": round(float(rel[i]), 4),
                    "topics": chosen[i],
                    "topic_scores": {k: round(float(ts[i, j]), 4) for j, k in enumerate(keys)},
                }
            )
        return out

    def predict_records(self, records: Iterable[Mapping[str, Any]], simplified: bool = False) -> list[dict[str, Any]]:
        """Classify records with ``id``, ``text`` and optional ``title``/``tokens``, in order."""
        records = list(records)
        seg = self.segmenter
        items = [record_item(r, simplified, seg) for r in records]
        results = self.predict_items(items)
        for rec, res in zip(records, results):
            res_id = {"id": rec.get("id")}
            res_id.update(res)
            res.clear()
            res.update(res_id)
        return results


def _class_scores(clf: Any, X: Any) -> np.ndarray:
    """Per-class scores ``(n, classes)``: probabilities, or the softmax of an SVM's margins."""
    if hasattr(clf, "predict_proba"):
        return clf.predict_proba(X)
    from scipy.special import softmax

    margins = np.asarray(clf.decision_function(X), dtype=np.float64)
    if margins.ndim == 1:  # two classes: one margin for the second
        margins = np.column_stack([-margins, margins])
    return softmax(margins, axis=1)


def _positive_proba(clf: Any, X: Any) -> np.ndarray:
    """P(positive) of a binary classifier.

    For a binary logistic regression this is ``expit(X @ w + b)``, exactly what its
    ``predict_proba`` computes, without scikit-learn's per-call input validation, which costs
    more than the product itself when documents arrive one at a time in a pipeline run.
    """
    from scipy.special import expit

    if _binary_logistic(clf):
        return expit(np.asarray(X @ clf.coef_[0]).ravel() + clf.intercept_[0])
    return clf.predict_proba(X)[:, 1]


def _binary_logistic(clf: Any) -> bool:
    """``clf`` is a binary logistic regression (scikit-learn's, or the coefficients of one read
    from an inference file; scikit-learn is imported already if ``clf`` is one of its models)."""
    if isinstance(clf, LogisticScorer):
        return True
    linear_model = sys.modules.get("sklearn.linear_model")
    return linear_model is not None and isinstance(clf, linear_model.LogisticRegression) and clf.coef_.shape[0] == 1


def record_item(record: Mapping[str, Any], simplified: bool = False, segmenter: str = "jieba") -> Item:
    """The :data:`Item` of a record (``tokens`` reused when present and non-empty)."""
    title, body = prepare(record.get("title"), record.get("text"), simplified=simplified)
    tokens = record.get("tokens")
    return make_item(title, body, list(tokens) if tokens is not None and len(tokens) else None, segmenter)
