"""Relevance + one-vs-rest topic classifiers (or a single-label classifier) over TF-IDF features.

Training fits scikit-learn estimators; a :class:`TopicModel` keeps only their fitted numbers
(:mod:`pipeline.classify.fitted`), which is what it scores with, is explained by and is saved as
(:mod:`pipeline.classify.persist`).  Scoring runs no scikit-learn code.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

from pipeline.classify.cooc import names_workers
from pipeline.classify.fastvec import transform_union
from pipeline.classify.features import FeatureConfig, build_features, make_item
from pipeline.classify.fitted import Linear, from_estimators
from pipeline.classify.settings import (
    HARD_NEGATIVE_WEIGHT,
    LOW_PREVALENCE,
    LOW_PREVALENCE_WEIGHT,
    MIN_HARD_NEGATIVES,
    WELFARE_MIN_POSITIVES,
)
from pipeline.classify.text import Item, prepare
from pipeline.classify.thresholds import best_f1_threshold, two_regime_threshold
from pipeline.segment.backends import rjieba_available

MULTILABEL = "multilabel"
MULTICLASS = "multiclass"


@dataclass(frozen=True, slots=True)
class TrainConfig:
    """Model hyper-parameters (recorded in the model metadata)."""

    features: FeatureConfig = field(default_factory=FeatureConfig)
    #: inverse regularization of the logistic regressions: 4 transfers to unseen outlets better
    #: than the 32 that random folds prefer (leave-one-source-out relevance F1, and it fits faster)
    relevance_c: float = 4.0
    topic_c: float = 4.0
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
    #: groups of the inner folds that calibrate and choose thresholds: "source" (leave one
    #: source family out, so thresholds hold on an unseen outlet), "time" or "none" (random)
    inner_groups: str = "source"
    #: groups of the inner folds that calibrate and threshold the topic classifiers ("" as
    #: ``inner_groups``): time blocks, because topic thresholds set on an unseen outlet's
    #: scores come out low and over-assign topics on every outlet (grouped CV: topic micro-F1
    #: higher across outlets and years with time blocks, relevance unchanged)
    topic_inner_groups: str = "time"
    #: relevance needs the item to name medical workers (the taxonomy's worker terms) at least
    #: once: an item that never names them cannot discuss their welfare, and without this gate
    #: general news of unseen outlets (sport, markets) drifts above the threshold
    require_worker_mention: bool = True
    #: weight of the welfare score in the relevance score (the rest: the relevance classifier).
    #: The welfare score is the chance that the item discusses at least one topic, from one
    #: classifier per topic fitted on every item: relevance means "names a welfare topic", and
    #: per-topic vocabularies (pay, masks, awards) hold across outlets better than one classifier
    #: that also learns which outlets and medical words come with relevant items
    welfare_weight: float = 1.0
    #: weight of a general-news negative that names medical workers (the others: NEGATIVE_WEIGHT)
    hard_negative_weight: float = HARD_NEGATIVE_WEIGHT
    #: share of relevant items in the second corpus the relevance threshold is chosen for (0:
    #: the labelled items' mix alone)
    low_prevalence: float = LOW_PREVALENCE
    #: weight of that corpus's F1 against the labelled mix's in the threshold choice
    low_prevalence_weight: float = LOW_PREVALENCE_WEIGHT


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
    groups: Sequence[str] | np.ndarray | None = None,
    topic_groups: Sequence[str] | np.ndarray | None = None,
    scored_negatives: Sequence[int] | np.ndarray = (),
) -> dict[str, Any]:
    """Fit the relevance and per-topic classifiers, calibrate them and choose their thresholds
    on out-of-fold scores of the training items.

    ``items[:n_gold]`` are gold; the rest (general-news negatives, pseudo-labelled pool items)
    only add training data: calibration and thresholds use gold out-of-fold scores alone.
    ``groups`` (one per gold item, e.g. source families) makes the inner folds leave one group
    out, so thresholds are chosen on outlets each inner model has not seen; without at least
    two groups the inner folds are stratified random folds.  ``topic_groups``, when given, does
    the same for the topic classifiers' inner folds.  The state's ``oof`` entry holds
    the calibrated out-of-fold scores of the gold items (for prevalence correction).
    ``scored_negatives`` (row indices past ``n_gold``: general news that names medical workers)
    are spread over the inner folds and scored out-of-fold too, so that the relevance threshold
    also holds where such news outnumbers relevant items (:func:`two_regime_threshold`).
    """
    n_gold = len(items) if n_gold is None else n_gold
    features = build_features(cfg.features, seed_terms, worker_terms, topic_terms)
    X = features.fit_transform(list(items)).tocsr()
    # liblinear sorts the column indices of every row slice it is given: sorted once here,
    # the ~100 slices of one fit arrive sorted (the same numbers, less work)
    X.sort_indices()
    relevant = np.asarray(relevant, dtype=int)
    topics = np.asarray(topics, dtype=int).reshape(len(items), len(keys))
    w = np.ones(len(items)) if sample_weight is None else np.asarray(sample_weight, dtype=float)

    def fitted(y: np.ndarray, c: float, rows: np.ndarray):
        return _logreg(c, cfg.seed).fit(X[rows], y[rows], sample_weight=w[rows])

    folds = _inner_folds(relevant[:n_gold], groups, cfg)
    topic_folds = folds if topic_groups is None else _inner_folds(relevant[:n_gold], topic_groups, cfg)

    scored = np.asarray(scored_negatives, dtype=int)

    def oof(y: np.ndarray, c: float, rows: np.ndarray, folds: list = folds) -> np.ndarray:
        """Out-of-fold scores of every gold item, then of every scored negative, from models
        fitted on ``rows`` of the other folds; the scored negatives are dealt round the folds,
        the other extra rows always stay on the training side."""
        scores = np.full(n_gold + len(scored), np.nan)
        extra = np.flatnonzero(rows[n_gold:]) + n_gold
        dealt = np.arange(len(scored)) % max(len(folds), 1)
        for f, (train_gold, test) in enumerate(folds):
            held = scored[dealt == f]
            train = np.concatenate([train_gold[rows[train_gold]], np.setdiff1d(extra, held)])
            if len(train) == 0 or y[train].min() == y[train].max():
                continue
            clf = _logreg(c, cfg.seed).fit(X[train], y[train], sample_weight=w[train])
            scores[test] = clf.predict_proba(X[test])[:, 1]
            if len(held):
                scores[n_gold + np.flatnonzero(dealt == f)] = clf.predict_proba(X[held])[:, 1]
        return np.where(np.isnan(scores), float(np.nanmean(scores)) if np.isfinite(scores).any() else 0.5, scores)

    every = np.ones(len(items), dtype=bool)
    topic_rows = relevant.astype(bool) if cfg.topics_on_relevant_only else every
    topic_clfs: dict[str, Any] = {}
    topic_thr: dict[str, float] = {}
    topic_cal: dict[str, tuple[float, float] | None] = {}
    gold_rel = relevant[:n_gold].astype(bool)
    oof_topics = np.zeros((n_gold, len(keys)))
    for j, key in enumerate(keys):
        y = topics[:, j]
        if y[topic_rows].min() == y[topic_rows].max():
            topic_clfs[key] = None
            topic_thr[key] = 1.0
            topic_cal[key] = None
            continue
        topic_clfs[key] = fitted(y, cfg.topic_c, topic_rows)
        raw = oof(y, cfg.topic_c, topic_rows, topic_folds)[:n_gold]
        topic_cal[key] = fit_platt(raw[gold_rel], y[:n_gold][gold_rel])
        scores = calibrate(raw, topic_cal[key])
        oof_topics[:, j] = scores
        topic_thr[key] = best_f1_threshold(y[:n_gold][gold_rel], scores[gold_rel], lo=cfg.topic_floor)
    # welfare classifiers: one per topic, on every row (before stacking changes X)
    welfare_clfs: dict[str, Any] = {}
    none = np.ones(n_gold + len(scored))
    for j, key in enumerate(keys if cfg.welfare_weight > 0 else ()):
        y = topics[:, j]
        if y[:n_gold].sum() < WELFARE_MIN_POSITIVES:
            continue
        welfare_clfs[key] = fitted(y, cfg.topic_c, every)
        none *= 1 - oof(y, cfg.topic_c, every)
    if cfg.stack_weight > 0:
        stacked = _topic_oof(X, topics, relevant, topic_rows, topic_clfs, keys, cfg, n_gold, w)
        X = sp.hstack([X, sp.csr_matrix(cfg.stack_weight * stacked)], format="csr")
    rel_clf = fitted(relevant, cfg.relevance_c, every)
    raw_rel = blend_relevance(lambda: oof(relevant, cfg.relevance_c, every), 1 - none if welfare_clfs else None,
                              cfg.welfare_weight)
    if cfg.require_worker_mention:
        raw_rel = raw_rel * worker_gate(features, list(items[:n_gold]) + [items[i] for i in scored])
    rel_cal = fit_platt(raw_rel[:n_gold], relevant[:n_gold])
    oof_rel = calibrate(raw_rel[:n_gold], rel_cal)
    both_corpora = len(scored) >= MIN_HARD_NEGATIVES and cfg.low_prevalence > 0
    if both_corpora:
        rel_thr = two_regime_threshold(relevant[:n_gold], oof_rel, calibrate(raw_rel[n_gold:], rel_cal),
                                       cfg.low_prevalence, cfg.low_prevalence_weight)
    else:
        rel_thr = best_f1_threshold(relevant[:n_gold], oof_rel)
    return {
        "kind": MULTILABEL,
        "features": _slim(features),
        "relevance": _compact(rel_clf),
        "relevance_threshold": rel_thr,
        # how many negatives naming medical workers the threshold was chosen with (0: labelled items alone)
        "threshold_negatives": int(len(scored)) if both_corpora else 0,
        "welfare_weight": float(cfg.welfare_weight) if welfare_clfs else 0.0,
        "welfare": {k: _compact(c) for k, c in welfare_clfs.items()},
        "stack_weight": float(cfg.stack_weight),
        "topic_keys": list(keys),
        "topics": {k: _compact(c) for k, c in topic_clfs.items()},
        "topic_thresholds": topic_thr,
        "relevance_calibration": rel_cal,
        "topic_calibration": topic_cal,
        "config": _config_dict(cfg),
        "oof": {"relevance": oof_rel, "topics": oof_topics},
    }


def blend_relevance(classifier: Callable[[], np.ndarray], welfare: np.ndarray | None, share: float) -> np.ndarray:
    """The raw relevance score: the welfare score at weight ``share``, the relevance classifier's
    probability (``classifier()``, computed only when it has weight) for the rest."""
    if welfare is None:
        return classifier()
    if share >= 1:
        return welfare
    return (1 - share) * classifier() + share * welfare


def welfare_score(state: Mapping[str, Any], X: Any) -> np.ndarray | None:
    """The chance that each row discusses at least one topic (noisy-or of the state's welfare
    classifiers), or None when the state has none."""
    clfs = [c for c in (state.get("welfare") or {}).values() if c is not None]
    if not clfs or not state.get("welfare_weight"):
        return None
    none = np.ones(X.shape[0])
    for clf in clfs:
        none *= 1 - _positive_proba(clf, X)
    return 1 - none


def worker_gate(features: Any, items: Sequence[Item]) -> np.ndarray:
    """1.0 for items whose title or body names medical workers (the co-occurrence block's
    worker terms), else 0.0; all ones when the features have no worker terms."""
    cooc = dict(features.transformer_list).get("cooc")
    workers = cooc.patterns()[0] if cooc is not None else None
    if workers is None:
        return np.ones(len(items))
    return names_workers(items, workers).astype(float)


def _inner_folds(
    relevant: np.ndarray, groups: Sequence[str] | np.ndarray | None, cfg: TrainConfig
) -> list[tuple[np.ndarray, np.ndarray]]:
    """``(train, test)`` index pairs over the gold items: leave one group out when ``groups``
    name at least two groups, else stratified random folds."""
    from sklearn.model_selection import StratifiedKFold

    n = len(relevant)
    if groups is not None and len(set(groups)) >= 2:
        from pipeline.classify.groups import leave_one_group_out

        return [(tr, te) for _, tr, te in leave_one_group_out(np.asarray(groups, dtype=object))]
    k = int(min(cfg.inner_folds, np.bincount(relevant, minlength=2).min()))
    if k < 2:
        return []
    splitter = StratifiedKFold(k, shuffle=True, random_state=cfg.seed)
    return [(tr, te) for tr, te in splitter.split(np.zeros(n), relevant)]


def fit_platt(scores: np.ndarray, labels: np.ndarray) -> tuple[float, float] | None:
    """Platt scaling ``(a, b)`` of out-of-fold probabilities: ``expit(a * logit(p) + b)``.

    Fitted to Platt's smoothed targets ((N+ + 1)/(N+ + 2) and 1/(N- + 2)), so a small or
    separable set gives a finite slope instead of pushing every score to 0 or 1.  None (scores
    kept as they are) with too few scores of either class to fit two numbers.
    """
    from sklearn.linear_model import LogisticRegression

    from pipeline.classify.settings import CALIBRATION_MIN_PER_CLASS

    labels = np.asarray(labels, dtype=int)
    n_pos = int(labels.sum())
    n_neg = len(labels) - n_pos
    if min(n_pos, n_neg) < CALIBRATION_MIN_PER_CLASS:
        return None
    target = np.where(labels == 1, (n_pos + 1) / (n_pos + 2), 1 / (n_neg + 2))
    z = _logit(np.asarray(scores, dtype=np.float64)).reshape(-1, 1)
    # soft targets as two weighted copies of every score, one per class
    platt = LogisticRegression(C=1e4, solver="lbfgs").fit(
        np.vstack([z, z]), np.r_[np.ones(len(z)), np.zeros(len(z))], sample_weight=np.r_[target, 1 - target]
    )
    return float(platt.coef_[0, 0]), float(platt.intercept_[0])


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def calibrate(scores: np.ndarray, platt: Sequence[float] | None) -> np.ndarray:
    """Probabilities after Platt scaling (unchanged when ``platt`` is None)."""
    if platt is None:
        return np.asarray(scores, dtype=np.float64)
    from scipy.special import expit

    a, b = platt
    return expit(a * _logit(np.asarray(scores, dtype=np.float64)) + b)


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
    """A fitted model: turns titles and texts into relevance/topic decisions and scores.

    ``state`` is what ``fit_multilabel``/``fit_multiclass`` return, or a fitted state read from
    a file; scikit-learn estimators in it are replaced by their fitted numbers
    (:func:`~pipeline.classify.fitted.from_estimators`), so there is one way of scoring.
    """

    def __init__(self, state: Mapping[str, Any], meta: Mapping[str, Any] | None = None) -> None:
        self.state = from_estimators(state)
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

    def _topic_scores(self, X: Any) -> np.ndarray:
        """Calibrated topic probabilities ``(n, k)`` of a multi-label model's feature rows."""
        cols = []
        topic_cal = self.state.get("topic_calibration") or {}
        for key in self.topic_keys:
            clf = self.state["topics"][key]
            cols.append(np.zeros(X.shape[0]) if clf is None else calibrate(_positive_proba(clf, X), topic_cal.get(key)))
        return np.column_stack(cols) if cols else np.zeros((X.shape[0], 0))

    def scores(self, items: Sequence[Item]) -> tuple[np.ndarray, np.ndarray]:
        """``(relevance scores (n,), topic scores (n, k))`` as probabilities."""
        X = self.transform(items)
        if self.kind == MULTICLASS:
            return np.ones(len(items)), _class_scores(self.state["classifier"], X)
        ts = self._topic_scores(X)
        welfare = welfare_score(self.state, X)
        stack = float(self.state.get("stack_weight", 0.0))
        if stack > 0:
            X = sp.hstack([X, sp.csr_matrix(stack * ts)], format="csr")
        rel_clf = self.state["relevance"]
        raw = blend_relevance(lambda: _positive_proba(rel_clf, X), welfare, float(self.state.get("welfare_weight") or 0.0))
        if self.state.get("config", {}).get("require_worker_mention"):
            raw = raw * worker_gate(self.state["features"], items)
        rel = calibrate(raw, self.state.get("relevance_calibration"))
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

    def predict_items(
        self, items: Sequence[Item], originals: Sequence[tuple[str | None, str | None]] | None = None
    ) -> list[dict[str, Any]]:
        """One result dict per item (without ``id``).

        With ``originals`` (each item's title and text as written), results carry
        ``evidence``: ``{topic: [sentence, ...]}`` for every assigned topic.
        """
        with without_cycle_collection():
            rel, ts = self.scores(items)
            is_rel, chosen = self.decide(rel, ts)
            evidence = self.evidence(originals, chosen) if originals is not None else None
        keys = self.topic_keys
        out = []
        for i in range(len(items)):
            result = {
                "relevant": bool(is_rel[i]),
                "relevant_score": round(float(rel[i]), 4),
                "topics": chosen[i],
                "topic_scores": {k: round(float(ts[i, j]), 4) for j, k in enumerate(keys)},
            }
            if evidence is not None:
                result["evidence"] = evidence[i]
            out.append(result)
        return out

    def sentence_topic_scores(self, sentences: Sequence[str]) -> np.ndarray:
        """Topic probabilities ``(n, k)`` of Simplified sentences scored on their own."""
        from pipeline.classify.text import strip_boilerplate
        from pipeline.segment.backends import tokenize_many

        bodies = [strip_boilerplate(s) for s in sentences]
        # an untitled item (what make_item builds) of each sentence, segmented in one call
        items: list[Item] = [("", b, t, []) for b, t in zip(bodies, tokenize_many(bodies, self.segmenter))]
        # topics only: a sentence's relevance (welfare score, worker gate) is never used
        return self._topic_scores(self.transform(items))

    def evidence(
        self, originals: Sequence[tuple[str | None, str | None]], chosen: Sequence[Sequence[str]]
    ) -> list[dict[str, list[str]]]:
        """Per item, the sentences (as written) that support each assigned topic.

        All candidate sentences of the batch are scored in one pass; items without topics
        (and single-label models, whose classes are not topics of a text's sentences) get ``{}``.
        """
        from pipeline.classify.evidence import candidate_sentences, choose_evidence
        from pipeline.classify.text import to_simplified

        if self.kind != MULTILABEL:
            return [{} for _ in chosen]
        per_item = [candidate_sentences(t, x) if topics else [] for (t, x), topics in zip(originals, chosen)]
        flat = [s for sents in per_item for s in sents]
        if not flat:
            return [{t: [] for t in topics} for topics in chosen]
        # one OpenCC call for the whole batch (sentences hold no line breaks)
        simplified = to_simplified("\n".join(flat)).split("\n")
        if len(simplified) != len(flat):  # a conversion that changed line breaks: one by one
            simplified = [to_simplified(x) for x in flat]
        lengths = [len(sents) for sents in per_item]
        owner = np.repeat(np.arange(len(per_item)), lengths)  # item of each sentence
        assigned = np.zeros((len(per_item), len(self.topic_keys)), dtype=bool)
        column = {k: j for j, k in enumerate(self.topic_keys)}
        for i, topics in enumerate(chosen):
            assigned[i, [column[t] for t in topics]] = True
        # flags of the item's own topics only (the others are never read)
        on_topic = self._on_topic_sentences(simplified, assigned[owner])
        # a sentence naming the workers or the topic's own terms ranks before any that does not
        # (a model also learns an outlet's furniture, such as subscription footers, which must
        # not be shown as the reason for a topic); so only an item without such sentences
        # needs its other sentences scored
        flagged = on_topic.any(axis=1)
        needed = flagged | (np.bincount(owner, weights=flagged, minlength=len(per_item)) == 0)[owner]
        scores = np.zeros((len(flat), len(self.topic_keys)))
        rows = np.flatnonzero(needed)
        if len(rows):
            scores[rows] = self.sentence_topic_scores([simplified[i] for i in rows])
        scores[~needed] = -1.0  # never chosen before a scored sentence
        ranked = scores + on_topic
        out: list[dict[str, list[str]]] = []
        start = 0
        for sents, topics in zip(per_item, chosen):
            if not sents:
                out.append({t: [] for t in topics})
                continue
            block = ranked[start : start + len(sents)]
            start += len(sents)
            out.append(choose_evidence(sents, topics, lambda t, r=block: r[:, column[t]]))  # type: ignore[misc]
        return out

    def _on_topic_sentences(self, sentences: Sequence[str], wanted: np.ndarray | None = None) -> np.ndarray:
        """``(n, k)`` 0/1: the (Simplified) sentence names medical workers or one of the topic's
        seed terms; with ``wanted`` (``(n, k)`` bool), only those cells are looked at (others 0)."""
        from pipeline.classify.cooc import spans_matching

        cooc = dict(self.state["features"].transformer_list).get("cooc")
        flags = np.zeros((len(sentences), len(self.topic_keys)))
        if cooc is None or not len(sentences):
            return flags
        workers, topic_patterns = cooc.patterns()
        terms = dict(zip(cooc.topic_terms, topic_patterns))
        joined, starts = _joined(sentences)
        names_workers = spans_matching(workers, joined, starts)
        for j, key in enumerate(self.topic_keys):
            if wanted is None:
                flags[:, j] = names_workers | spans_matching(terms.get(key), joined, starts)
                continue
            rows = np.flatnonzero(wanted[:, j])
            if len(rows):  # one scan over the sentences that need this topic
                sub, sub_starts = _joined([sentences[i] for i in rows.tolist()])
                flags[rows, j] = names_workers[rows] | spans_matching(terms.get(key), sub, sub_starts)
        return flags

    def predict_records(
        self, records: Iterable[Mapping[str, Any]], simplified: bool = False, evidence: bool = True
    ) -> list[dict[str, Any]]:
        """Classify records with ``id``, ``text`` and optional ``title``/``tokens``, in order;
        with ``evidence``, each result carries the sentences (copied from the record's title
        and text) that support its topics."""
        records = list(records)
        seg = self.segmenter
        with without_cycle_collection():
            items = [record_item(r, simplified, seg) for r in records]
            originals = [(r.get("title"), r.get("text_original") or r.get("text")) for r in records] if evidence else None
            results = self.predict_items(items, originals)
        for rec, res in zip(records, results):
            res_id = {"id": rec.get("id")}
            res_id.update(res)
            res.clear()
            res.update(res_id)
        return results


def _joined(texts: Sequence[str]) -> tuple[str, np.ndarray]:
    """``texts`` joined by a character no seed term holds, and the offset where each begins."""
    return "\x00".join(texts), np.cumsum([0] + [len(t) + 1 for t in texts[:-1]])


@contextmanager
def without_cycle_collection() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a batch is scored.

    A batch allocates tens of thousands of short-lived containers (token lists, items, result
    dicts) that form no reference cycles and are freed by reference counting; left running, the
    collector would traverse the whole heap of the process several times per batch on their
    account, which costs more than the scoring itself.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _class_scores(clf: Linear, X: Any) -> np.ndarray:
    """Per-class scores ``(n, classes)`` of a single-label classifier: the softmax of its margins."""
    from scipy.special import softmax

    margins = np.asarray(clf.decision_function(X), dtype=np.float64)
    if margins.ndim == 1:  # two classes: one margin for the second
        margins = np.column_stack([-margins, margins])
    return softmax(margins, axis=1)


def _positive_proba(clf: Linear, X: Any) -> np.ndarray:
    """P(positive) of a binary logistic regression: ``expit(X @ w + b)``."""
    from scipy.special import expit

    if clf.coef_.shape[0] != 1:
        raise ValueError(f"a binary classifier has one row of coefficients, not {clf.coef_.shape[0]}")
    return expit(np.asarray(X @ clf.coef_[0]).ravel() + clf.intercept_[0])


def record_item(record: Mapping[str, Any], simplified: bool = False, segmenter: str = "jieba") -> Item:
    """The :data:`Item` of a record (``tokens`` reused when present and non-empty)."""
    title, body = prepare(record.get("title"), record.get("text"), simplified=simplified)
    tokens = record.get("tokens")
    return make_item(title, body, list(tokens) if tokens is not None and len(tokens) else None, segmenter)
