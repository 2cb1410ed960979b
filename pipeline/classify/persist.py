"""Saving and loading models with skops, with an explicit allow-list of trusted types.

A model directory holds ``model.skops`` (the fitted state), ``meta.json`` (version, data,
metrics, library versions), ``README.md`` (the model card) and, for multi-label models,
``inference.npz``: the same fitted numbers as plain arrays, which pipeline workers read without
importing scikit-learn (:mod:`pipeline.classify.inference`).
"""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path
from typing import Any

from pipeline.classify.inference import join_vocabulary, read_inference, split_vocabulary, write_inference
from pipeline.classify.model import TopicModel

MODEL_FILE = "model.skops"
META_FILE = "meta.json"
#: Environment variable naming the default model directory.
MODEL_ENV = "ZHNEWS_MODEL_DIR"

#: Types a model file may contain beyond skops' own defaults: our analyzers and the
#: scikit-learn/numpy pieces the state is made of.  Anything else refuses to load.
ALLOWED_TYPES = frozenset(
    {
        "pipeline.classify.features.body_char_ngrams",
        "pipeline.classify.features.body_char_1_3grams",
        "pipeline.classify.features.word_ngrams",
        "pipeline.classify.features.title_ngrams",
        "pipeline.classify.features.seed_grams",
        "pipeline.classify.cooc.CoocFeatures",
        "sklearn.feature_extraction.text.TfidfVectorizer",
        "sklearn.feature_extraction.text.TfidfTransformer",
        "sklearn.pipeline.FeatureUnion",
        "sklearn.linear_model._logistic.LogisticRegression",
        "sklearn.svm._classes.LinearSVC",
        "numpy.float32",
        "numpy.float64",
        "numpy.int64",
        "numpy.dtype",
        "builtins.tuple",
    }
)


def default_model_dir() -> Path:
    """``$ZHNEWS_MODEL_DIR`` if set, else the packaged model (package data ``pipeline/models/default``;
    in a checkout, ``pipeline/models`` links to the repository's ``models/``)."""
    env = os.environ.get(MODEL_ENV)
    if env:
        return Path(env)
    from importlib.resources import files

    return Path(str(files("pipeline").joinpath("models", "default")))


PACKED_KEY = "packed_vocabularies"


def pack_vocabularies(state: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``state`` whose vectorizers keep their vocabulary as one string.

    skops writes a dict as one node per entry, and loading ~35,000 vocabulary nodes took
    ~1.1 s; one string per block loads in milliseconds.  :func:`unpack_vocabularies` undoes it.
    """
    import copy

    if state.get("features") is None:
        return state
    features = copy.deepcopy(state["features"])
    packed: dict[str, str] = {}
    for name, vec in features.transformer_list:
        vocab = getattr(vec, "vocabulary_", None)
        if not isinstance(vocab, dict):
            continue
        joined = join_vocabulary(vocab)
        if joined is None:
            continue  # keep this one as a dict
        packed[name] = joined
        del vec.vocabulary_
    return {**state, "features": features, PACKED_KEY: packed}


def unpack_vocabularies(state: dict[str, Any]) -> dict[str, Any]:
    """Restore the ``vocabulary_`` dicts of a state saved by :func:`pack_vocabularies`."""
    packed = state.pop(PACKED_KEY, None) or {}
    if packed:
        blocks = dict(state["features"].transformer_list)
        for name, joined in packed.items():
            blocks[name].vocabulary_ = split_vocabulary(joined)
    return state


def save_model(model: TopicModel, out_dir: str | Path) -> Path:
    """Write ``model.skops``, its ``inference.npz`` (when the model has one) and ``meta.json``
    into ``out_dir`` (created if needed)."""
    import skops.io as sio

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    # out-of-fold scores belong in the metadata (prevalence), not in the fitted state
    state = pack_vocabularies({k: v for k, v in model.state.items() if k != "oof"})
    sio.dump(state, out / MODEL_FILE, compression=zipfile.ZIP_DEFLATED, compresslevel=9)
    write_inference(model.state, out / MODEL_FILE)
    (out / META_FILE).write_text(json.dumps(model.meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return out


def model_file(path: str | Path | None = None) -> Path:
    """The ``model.skops`` of a model directory (or the ``.skops`` file given); UsageError if absent."""
    from pipeline.errors import UsageError

    path = Path(path) if path is not None else default_model_dir()
    file = path / MODEL_FILE if path.is_dir() else path
    if not file.is_file():
        raise UsageError(f"no model at {path} (expected {MODEL_FILE}); train one with 'zhnews train'")
    return file


def read_meta(file: Path) -> dict[str, Any]:
    """The ``meta.json`` beside a model file (empty when there is none)."""
    meta_file = file.parent / META_FILE
    if not meta_file.is_file():
        return {}
    meta: dict[str, Any] = json.loads(meta_file.read_text(encoding="utf-8"))
    return meta


def load_model(path: str | Path | None = None) -> TopicModel:
    """Load a model directory (or a ``.skops`` file); refuses files with unexpected types."""
    import skops.io as sio

    from pipeline.errors import UsageError

    file = model_file(path)
    # skops audits every object against ``trusted`` while loading and refuses anything else,
    # so one pass does both (a separate get_untrusted_types pass would read the file twice)
    try:
        state = sio.load(file, trusted=sorted(ALLOWED_TYPES))
    except sio.exceptions.UntrustedTypesFoundException as exc:
        raise UsageError(f"model {file} contains types outside the allow-list: {exc}") from exc
    return TopicModel(unpack_vocabularies(state), read_meta(file))


def load_for_inference(path: str | Path | None = None) -> TopicModel:
    """The model for scoring only: from its ``inference.npz`` when that was made from this
    ``model.skops`` (no scikit-learn import), else :func:`load_model`."""
    file = model_file(path)
    state = read_inference(file)
    if state is None:
        return load_model(path)
    return TopicModel(state, read_meta(file))
