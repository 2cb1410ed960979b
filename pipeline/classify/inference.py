"""A scikit-learn-free copy of a fitted multi-label model's numbers, for pipeline workers.

``model.skops`` stays *the* model: training writes it, ``zhnews classify``/``evaluate`` and
the model card read it, and its loader audits every type.  Beside it, :func:`write_inference`
stores the few numbers inference needs (each block's vocabulary and idf, the logistic
coefficients, the thresholds) as plain numpy arrays and one JSON header in
``inference.npz``, read back with ``allow_pickle=False``: no object is ever unpickled and no
code is named by the file (analyzers are looked up in :data:`ANALYZERS`).  A worker that reads
it imports neither scikit-learn nor skops, which took 2.3-2.6 s of every worker's start
(measured: ``python -X importtime``), and scores exactly as the skops model does (tested).

The header records the SHA-256 of the ``model.skops`` it was made from; a copy that does not
match (the model was retrained or replaced) is ignored, and the skops model is loaded instead.
"""

from __future__ import annotations

import hashlib
import json
import logging
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.classify.cooc import CoocFeatures
from pipeline.classify.features import body_char_1_3grams, body_char_ngrams, seed_grams, title_ngrams, word_ngrams

log = logging.getLogger(__name__)

INFERENCE_FILE = "inference.npz"
FORMAT = 1
#: The analyzers a block may name (the only code an inference file can point at).
ANALYZERS: dict[str, Callable[..., list[str]]] = {
    f.__name__: f for f in (body_char_ngrams, body_char_1_3grams, word_ngrams, title_ngrams, seed_grams)
}
#: joins a block's terms into one string (never inside a term: terms are runs of text)
_SEP = "\x1f"


@dataclass(eq=False)  # hashed by identity: fastvec keeps its lookup tables per block
class TfidfBlock:
    """The fitted numbers of one ``TfidfVectorizer``, under the attribute names
    :func:`~pipeline.classify.fastvec.transform_union` reads."""

    analyzer: Callable[..., list[str]]
    vocabulary_: dict[str, int]
    idf_: np.ndarray | None
    sublinear_tf: bool
    use_idf: bool
    norm: str | None


@dataclass
class BlockUnion:
    """The blocks of a fitted ``FeatureUnion`` and their weights."""

    transformer_list: list[tuple[str, Any]]
    transformer_weights: dict[str, float]


@dataclass
class LogisticScorer:
    """A binary logistic regression's coefficients: P(positive) = expit(X @ coef_[0] + intercept_[0])."""

    coef_: np.ndarray
    intercept_: np.ndarray


def join_vocabulary(vocab: Mapping[str, int]) -> str | None:
    """A fitted vocabulary as one string, terms in column order (None if a term holds the
    separator or the columns are not ``0..n-1``); :func:`split_vocabulary` undoes it."""
    terms = sorted(vocab, key=vocab.__getitem__)
    if any(_SEP in t for t in terms) or [vocab[t] for t in terms] != list(range(len(terms))):
        return None
    return _SEP.join(terms)


def split_vocabulary(joined: str) -> dict[str, int]:
    """The vocabulary dict of a string made by :func:`join_vocabulary`."""
    return {t: i for i, t in enumerate(joined.split(_SEP))} if joined else {}


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _block_arrays(name: str, block: Any, arrays: dict[str, np.ndarray]) -> dict[str, Any] | None:
    """The header entry of one feature block (its arrays added to ``arrays``); None if not exportable."""
    if isinstance(block, CoocFeatures):
        return {"name": name, "type": "cooc", "worker_terms": block.worker_terms, "topic_terms": block.topic_terms}
    analyzer = getattr(block, "analyzer", None)
    vocab = getattr(block, "vocabulary_", None)
    if ANALYZERS.get(getattr(analyzer, "__name__", "")) is not analyzer or not isinstance(vocab, dict):
        return None
    if getattr(block, "norm", None) not in ("l2", None):
        return None
    joined = join_vocabulary(vocab)
    if joined is None:
        return None
    arrays[f"vocabulary/{name}"] = np.array(joined)
    if block.use_idf:
        arrays[f"idf/{name}"] = np.asarray(block.idf_)
    return {"name": name, "type": "tfidf", "analyzer": getattr(analyzer, "__name__", ""), "sublinear_tf": bool(block.sublinear_tf),
            "use_idf": bool(block.use_idf), "norm": block.norm}


def _scorer_arrays(prefix: str, clf: Any, arrays: dict[str, np.ndarray]) -> bool:
    if type(clf).__name__ != "LogisticRegression" or clf.coef_.shape[0] != 1:
        return False
    arrays[f"{prefix}/coef"] = np.asarray(clf.coef_)
    arrays[f"{prefix}/intercept"] = np.asarray(clf.intercept_)
    return True


def export_arrays(state: Mapping[str, Any], source_sha256: str) -> dict[str, np.ndarray] | None:
    """The arrays of ``inference.npz`` for a fitted state; None when it holds anything but TF-IDF
    blocks with known analyzers, the co-occurrence block and binary logistic regressions."""
    if state.get("kind") != "multilabel" or float(state.get("stack_weight", 0.0)) != 0.0:
        return None
    union = state["features"]
    arrays: dict[str, np.ndarray] = {}
    blocks = []
    for name, block in union.transformer_list:
        entry = _block_arrays(name, block, arrays)
        if entry is None:
            return None
        blocks.append(entry)
    if not _scorer_arrays("relevance", state["relevance"], arrays):
        return None
    present = []
    for key in state["topic_keys"]:
        clf = state["topics"].get(key)
        if clf is not None:
            if not _scorer_arrays(f"topic/{key}", clf, arrays):
                return None
            present.append(key)
    header = {
        "format": FORMAT,
        "source_sha256": source_sha256,
        "blocks": blocks,
        "weights": {k: float(v) for k, v in (union.transformer_weights or {}).items()},
        "topic_keys": list(state["topic_keys"]),
        "topics_fitted": present,
        "relevance_threshold": float(state["relevance_threshold"]),
        "topic_thresholds": {k: float(v) for k, v in state["topic_thresholds"].items()},
        "relevance_calibration": _pair(state.get("relevance_calibration")),
        "topic_calibration": {k: _pair(v) for k, v in (state.get("topic_calibration") or {}).items()},
        "config": state.get("config", {}),
    }
    arrays["header"] = np.array(json.dumps(header, ensure_ascii=False, default=str))
    return arrays


def _pair(platt: Any) -> list[float] | None:
    return None if platt is None else [float(platt[0]), float(platt[1])]


def write_inference(state: Mapping[str, Any], model_file: Path) -> Path | None:
    """Write ``inference.npz`` beside ``model_file`` (its copy of ``state``); None if not exportable
    (an older copy is then removed, so it can never stand in for this model)."""
    target = model_file.parent / INFERENCE_FILE
    arrays = export_arrays(state, file_sha256(model_file))
    if arrays is None:
        target.unlink(missing_ok=True)
        return None
    from pipeline.io.atomic import atomic_write

    def write(tmp: str) -> None:
        with open(tmp, "wb") as out:
            np.savez_compressed(out, **arrays)  # type: ignore[arg-type]

    atomic_write(target, write)
    return target


def read_inference(model_file: Path) -> dict[str, Any] | None:
    """The state stored in the ``inference.npz`` beside ``model_file``, or None when there is
    none, it was made from another ``model.skops``, or it cannot be read as plain arrays."""
    path = model_file.parent / INFERENCE_FILE
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in npz.files}
        header = json.loads(str(arrays["header"]))
        if header.get("format") != FORMAT or header.get("source_sha256") != file_sha256(model_file):
            log.info("%s does not belong to %s; loading the skops model", path, model_file.name)
            return None
        return _state(header, arrays)
    except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile) as exc:
        log.warning("ignoring %s (%s); loading the skops model", path, exc)
        return None


def _state(header: Mapping[str, Any], arrays: Mapping[str, np.ndarray]) -> dict[str, Any]:
    blocks: list[tuple[str, Any]] = []
    for entry in header["blocks"]:
        name = entry["name"]
        if entry["type"] == "cooc":
            blocks.append((name, CoocFeatures(entry["worker_terms"], entry["topic_terms"])))
            continue
        blocks.append((name, TfidfBlock(
            analyzer=ANALYZERS[entry["analyzer"]],
            vocabulary_=split_vocabulary(str(arrays[f"vocabulary/{name}"])),
            idf_=arrays[f"idf/{name}"] if entry["use_idf"] else None,
            sublinear_tf=bool(entry["sublinear_tf"]),
            use_idf=bool(entry["use_idf"]),
            norm=entry["norm"],
        )))

    def scorer(prefix: str) -> LogisticScorer:
        return LogisticScorer(arrays[f"{prefix}/coef"], arrays[f"{prefix}/intercept"])

    fitted = set(header["topics_fitted"])
    return {
        "kind": "multilabel",
        "features": BlockUnion(blocks, dict(header["weights"])),
        "relevance": scorer("relevance"),
        "relevance_threshold": header["relevance_threshold"],
        "stack_weight": 0.0,
        "topic_keys": list(header["topic_keys"]),
        "topics": {k: scorer(f"topic/{k}") if k in fitted else None for k in header["topic_keys"]},
        "topic_thresholds": dict(header["topic_thresholds"]),
        "relevance_calibration": header.get("relevance_calibration"),
        "topic_calibration": dict(header.get("topic_calibration") or {}),
        "config": dict(header["config"]),
    }
