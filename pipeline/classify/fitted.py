"""The fitted state of a model: the numbers training computes and every use of the model reads.

Training fits scikit-learn estimators (:func:`~pipeline.classify.model.fit_multilabel`,
:func:`~pipeline.classify.model.fit_multiclass`); :func:`from_estimators` keeps only their
fitted numbers, in the plain types below, and that state is what
:class:`~pipeline.classify.model.TopicModel` scores, explains and saves
(:mod:`pipeline.classify.persist`).  Nothing here imports scikit-learn.  The attributes keep
scikit-learn's names (``transformer_list``, ``vocabulary_``, ``idf_``, ``coef_``,
``intercept_``, ``classes_``), so code written against the fitted estimators reads them unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from pipeline.classify.cooc import CoocFeatures
from pipeline.classify.features import body_char_1_3grams, body_char_ngrams, seed_grams, title_ngrams, word_ngrams

#: The analyzers a TF-IDF block may use, by name (the only code a saved model can point at).
ANALYZERS: dict[str, Callable[..., list[str]]] = {
    f.__name__: f for f in (body_char_ngrams, body_char_1_3grams, word_ngrams, title_ngrams, seed_grams)
}
#: Row norms the batched transform (:mod:`~pipeline.classify.fastvec`) applies.
NORMS = ("l2", None)


@dataclass(eq=False)  # hashed by identity: fastvec keeps its lookup tables per block
class TfidfBlock:
    """A fitted ``TfidfVectorizer`` with a callable analyzer: its terms (in column order), idf
    (None without idf weighting), sublinear tf and row norm."""

    analyzer: Callable[..., list[str]]
    terms: list[str]
    idf_: np.ndarray | None
    sublinear_tf: bool
    norm: str | None
    vocabulary_: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.analyzer not in ANALYZERS.values():
            raise ValueError(f"analyzer {getattr(self.analyzer, '__name__', self.analyzer)!r} is not one of {sorted(ANALYZERS)}")
        if self.norm not in NORMS:
            raise ValueError(f"row norm {self.norm!r} is not one of {NORMS}")
        if self.idf_ is not None and len(self.idf_) != len(self.terms):
            raise ValueError(f"{len(self.terms)} terms but {len(self.idf_)} idf values")
        self.vocabulary_ = {term: i for i, term in enumerate(self.terms)}

    @property
    def use_idf(self) -> bool:
        return self.idf_ is not None

    def get_feature_names_out(self) -> np.ndarray:
        return np.asarray(self.terms, dtype=object)


Block = TfidfBlock | CoocFeatures


@dataclass
class Features:
    """The blocks of a fitted ``FeatureUnion``, in column order, and their weights."""

    transformer_list: list[tuple[str, Block]]
    transformer_weights: dict[str, float]


@dataclass
class Linear:
    """A fitted linear model: ``coef_`` ``(rows, features)``, ``intercept_`` ``(rows,)`` and, for a
    single-label classifier, the class of each row (one row for two classes)."""

    coef_: np.ndarray
    intercept_: np.ndarray
    classes_: list[str] | None = None

    def decision_function(self, X: Any) -> np.ndarray:
        """Margins ``X @ coef_.T + intercept_`` (one column per row of ``coef_``; 1-D for one row)."""
        scores = np.asarray(X @ self.coef_.T) + self.intercept_
        return scores.ravel() if scores.shape[1] == 1 else scores


def from_estimators(state: Mapping[str, Any]) -> dict[str, Any]:
    """``state`` with every fitted estimator replaced by its numbers (a fitted state is returned
    as it is); ``TypeError`` naming the entry for an estimator without a fitted form here."""
    return {key: _fitted(value, key) for key, value in state.items()}


_PLAIN = (str, bool, int, float, np.ndarray, np.generic, TfidfBlock, CoocFeatures, Features, Linear)


def _fitted(value: Any, where: str) -> Any:
    if value is None or isinstance(value, _PLAIN):
        return value
    if isinstance(value, Mapping):
        return {k: _fitted(v, f"{where}.{k}") for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_fitted(v, f"{where}[{i}]") for i, v in enumerate(value))
    if hasattr(value, "transformer_list"):  # a FeatureUnion
        blocks = [(name, _block(block, f"{where}.{name}")) for name, block in value.transformer_list]
        return Features(blocks, {k: float(w) for k, w in (value.transformer_weights or {}).items()})
    if hasattr(value, "coef_") and hasattr(value, "intercept_"):
        classes = getattr(value, "classes_", None)
        return Linear(
            np.asarray(value.coef_),
            np.atleast_1d(np.asarray(value.intercept_)),
            None if classes is None else [str(c) for c in classes],
        )
    raise TypeError(f"{where}: a {type(value).__qualname__} has no fitted form (add one to {__name__})")


def _block(vec: Any, where: str) -> Block:
    if isinstance(vec, TfidfBlock | CoocFeatures):
        return vec
    if not isinstance(getattr(vec, "vocabulary_", None), Mapping) or not callable(getattr(vec, "analyzer", None)):
        raise TypeError(f"{where}: a {type(vec).__qualname__} is neither a fitted TF-IDF block nor co-occurrence features")
    if getattr(vec, "binary", False):
        raise TypeError(f"{where}: binary TF-IDF blocks are not supported")
    vocab = vec.vocabulary_
    terms = sorted(vocab, key=vocab.__getitem__)
    if [vocab[t] for t in terms] != list(range(len(terms))):
        raise TypeError(f"{where}: the vocabulary's columns are not 0..{len(terms) - 1}")
    return TfidfBlock(
        analyzer=vec.analyzer,
        terms=[str(t) for t in terms],
        idf_=np.asarray(vec.idf_) if vec.use_idf else None,
        sublinear_tf=bool(vec.sublinear_tf),
        norm=vec.norm,
    )
