"""Saving and loading a model directory: ``model.skops`` (the fitted state), ``meta.json`` (version,
data, metrics, library versions, the quantification rates) and ``README.md`` (the model card).

``model.skops`` is a skops file of one dict: a JSON header (the fitted state of
:mod:`pipeline.classify.fitted` as a tree) and the numpy arrays it names.  Before loading, the
file's types are listed with ``skops.io.get_untrusted_types``; a file naming any type beyond
skops' default-trusted ones (dict, str, numpy arrays...) is refused unloaded, and
``skops.io.load`` then runs with no extra trusted types.  No object is ever unpickled, and the
only code a file can name is one of the analyzers in :data:`~pipeline.classify.fitted.ANALYZERS`.
"""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.classify.cooc import CoocFeatures
from pipeline.classify.fitted import ANALYZERS, Features, Linear, TfidfBlock
from pipeline.classify.model import TopicModel
from pipeline.errors import UsageError

MODEL_FILE = "model.skops"
META_FILE = "meta.json"
#: Environment variable naming the default model directory.
MODEL_ENV = "ZHNEWS_MODEL_DIR"
#: What ``header["format"]`` must say; another value is a model this version cannot read.
FORMAT = "zhnews-fitted-state/3"
#: Files of models saved by earlier zhnews versions (never read): the fitted state as a numpy
#: archive, and the copy that stood beside a ``model.skops`` of scikit-learn objects.
LEGACY_FILES = ("model.npz", "inference.npz")
_RETRAIN = f"retrain it with 'zhnews train' (its README.md records the command) to write {MODEL_FILE}"
_HEADER = "header"


def default_model_dir() -> Path:
    """``$ZHNEWS_MODEL_DIR`` if set, else the packaged model (package data ``pipeline/models/default``;
    in a checkout, ``pipeline/models`` links to the repository's ``models/``)."""
    env = os.environ.get(MODEL_ENV)
    if env:
        return Path(env)
    from importlib.resources import files

    return Path(str(files("pipeline").joinpath("models", "default")))


# -- the file ------------------------------------------------------------------------------------
def _text_array(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-8"), dtype=np.uint8)


def _array_text(array: np.ndarray) -> str:
    if array.dtype != np.uint8 or array.ndim != 1:
        raise ValueError(f"expected UTF-8 bytes, found an array of {array.dtype}")
    return array.tobytes().decode("utf-8")


class _Writer:
    """Turns a fitted state into a JSON-able tree whose arrays are stored beside it by name."""

    def __init__(self) -> None:
        self.arrays: dict[str, np.ndarray] = {}

    def array(self, value: np.ndarray) -> dict[str, str]:
        if value.dtype.hasobject:
            raise TypeError("object arrays cannot be saved (they would need pickle to load)")
        name = f"a{len(self.arrays)}"
        self.arrays[name] = value
        return {"$array": name}

    def terms(self, terms: list[str]) -> dict[str, Any]:
        """Terms as one UTF-8 string and their lengths (one dict entry per term is slow to load)."""
        return {"text": self.array(_text_array("".join(terms))),
                "lengths": self.array(np.fromiter(map(len, terms), dtype=np.int64, count=len(terms)))}

    def tree(self, value: Any) -> Any:
        if value is None or isinstance(value, str | bool | int | float):
            return value
        if isinstance(value, np.generic):
            return value.item()
        if isinstance(value, np.ndarray):
            return self.array(value)
        if isinstance(value, list | tuple):
            return [self.tree(v) for v in value]
        if isinstance(value, dict):
            if any(not isinstance(k, str) or k.startswith("$") for k in value):
                raise TypeError(f"state dicts need string keys not starting with '$': {list(value)[:5]}")
            return {k: self.tree(v) for k, v in value.items()}
        if isinstance(value, TfidfBlock):
            return {"$tfidf": {"analyzer": value.analyzer.__name__, "terms": self.terms(value.terms),
                               "idf": self.tree(value.idf_), "sublinear_tf": value.sublinear_tf, "norm": value.norm}}
        if isinstance(value, CoocFeatures):
            return {"$cooc": {"worker_terms": value.worker_terms, "topic_terms": value.topic_terms}}
        if isinstance(value, Features):
            return {"$features": {"blocks": [[name, self.tree(b)] for name, b in value.transformer_list],
                                  "weights": value.transformer_weights}}
        if isinstance(value, Linear):
            return {"$linear": {"coef": self.array(value.coef_), "intercept": self.array(value.intercept_),
                                "classes": value.classes_}}
        raise TypeError(f"a {type(value).__qualname__} is not part of a fitted state (see pipeline.classify.fitted)")


def _read_tree(node: Any, arrays: dict[str, np.ndarray]) -> Any:
    if isinstance(node, list):
        return [_read_tree(v, arrays) for v in node]
    if not isinstance(node, dict):
        return node
    if len(node) == 1:
        (tag, body), = node.items()
        if tag == "$array":
            return arrays[body]
        if tag == "$tfidf":
            if body["analyzer"] not in ANALYZERS:
                raise ValueError(f"analyzer {body['analyzer']!r} is not one of {sorted(ANALYZERS)}")
            text, lengths = _array_text(arrays[body["terms"]["text"]["$array"]]), arrays[body["terms"]["lengths"]["$array"]]
            ends = np.cumsum(lengths).tolist()
            if (ends[-1] if ends else 0) != len(text):
                raise ValueError("term lengths do not add up to the stored terms")
            terms = [text[start:end] for start, end in zip([0, *ends[:-1]], ends)]
            return TfidfBlock(ANALYZERS[body["analyzer"]], terms, _read_tree(body["idf"], arrays),
                              bool(body["sublinear_tf"]), body["norm"])
        if tag == "$cooc":
            return CoocFeatures(body["worker_terms"], body["topic_terms"])
        if tag == "$features":
            return Features([(str(name), _read_tree(b, arrays)) for name, b in body["blocks"]],
                            {str(k): float(w) for k, w in body["weights"].items()})
        if tag == "$linear":
            return Linear(arrays[body["coef"]["$array"]], arrays[body["intercept"]["$array"]], body["classes"])
        if tag.startswith("$"):
            raise ValueError(f"unknown entry {tag!r}")
    return {k: _read_tree(v, arrays) for k, v in node.items()}


class UntrustedTypes(ValueError):
    """A skops file naming types beyond skops' default-trusted ones (it is not loaded)."""

    def __init__(self, types: list[str]) -> None:
        self.types = types
        self.shown = ", ".join(types[:5]) + (f" and {len(types) - 5} more" if len(types) > 5 else "")
        super().__init__(f"the file names types that skops does not trust by default ({self.shown}); it was not loaded")


def write_state(state: dict[str, Any], path: Path) -> Path:
    """Write a fitted state to ``path`` (atomically; ``TypeError`` for anything not part of one)."""
    import skops.io as sio

    from pipeline.io.atomic import atomic_write

    writer = _Writer()
    header = {"format": FORMAT, "state": writer.tree(state)}
    content = {_HEADER: json.dumps(header, ensure_ascii=False), **writer.arrays}
    atomic_write(path, lambda tmp: sio.dump(content, tmp, compression=zipfile.ZIP_DEFLATED))
    return path


def read_state(path: Path) -> dict[str, Any]:
    """The fitted state stored in ``path``; :class:`UntrustedTypes` for a file naming types skops does
    not trust by default (never loaded), ``ValueError`` for another file that is not a model."""
    import skops.io as sio

    if not zipfile.is_zipfile(path):
        raise ValueError("not a model file (expected a skops archive)")
    try:
        untrusted = sio.get_untrusted_types(file=path)
    except KeyError as exc:  # no schema.json, or a schema skops cannot read
        raise ValueError(f"not a skops file ({exc})") from exc
    if untrusted:
        raise UntrustedTypes(untrusted)
    content = sio.load(path)  # no extra trusted types: skops audits the file again
    if not isinstance(content, dict) or not isinstance(content.get(_HEADER), str):
        raise ValueError(f"not a model file (expected a dict with a {_HEADER!r} string)")
    arrays = {name: value for name, value in content.items() if name != _HEADER}
    if not all(isinstance(value, np.ndarray) for value in arrays.values()):
        raise ValueError("not a model file (expected numpy arrays beside the header)")
    header = json.loads(content[_HEADER])
    if header.get("format") != FORMAT:
        raise ValueError(f"format {header.get('format')!r}, expected {FORMAT!r}; retrain it with this version")
    state: dict[str, Any] = _read_tree(header["state"], arrays)
    return state


# -- the directory -------------------------------------------------------------------------------
def save_model(model: TopicModel, out_dir: str | Path) -> Path:
    """Write ``model.skops`` and ``meta.json`` into ``out_dir`` (created if needed)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    # out-of-fold scores belong in the metadata (prevalence), not in the fitted state
    write_state({k: v for k, v in model.state.items() if k != "oof"}, out / MODEL_FILE)
    for name in LEGACY_FILES:  # an older model's files must not stand beside this one
        (out / name).unlink(missing_ok=True)
    (out / META_FILE).write_text(json.dumps(model.meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return out


def model_file(path: str | Path | None = None) -> Path:
    """The ``model.skops`` of a model directory (or the file given); UsageError if absent or beside
    the files of an earlier format."""
    path = Path(path) if path is not None else default_model_dir()
    file = path / MODEL_FILE if path.is_dir() else path
    folder = file.parent
    legacy = [name for name in LEGACY_FILES if (folder / name).is_file()]
    if legacy:
        raise UsageError(f"the model at {folder} was saved by an earlier zhnews ({', '.join(legacy)}), "
                         f"which this version does not read; {_RETRAIN}")
    if file.is_file():
        return file
    raise UsageError(f"no model at {path} (expected {MODEL_FILE}); train one with 'zhnews train'")


def read_meta(file: Path) -> dict[str, Any]:
    """The ``meta.json`` beside a model file (empty when there is none)."""
    meta_file = file.parent / META_FILE
    if not meta_file.is_file():
        return {}
    meta: dict[str, Any] = json.loads(meta_file.read_text(encoding="utf-8"))
    return meta


def load_model(path: str | Path | None = None) -> TopicModel:
    """Load a model directory (or its ``model.skops``); UsageError for a file that is not a model."""
    file = model_file(path)
    try:
        state = read_state(file)
    except UntrustedTypes as exc:
        raise UsageError(f"the model at {file.parent} names types that skops does not trust by default "
                         f"({exc.shown}), so it was not loaded; if an earlier zhnews saved it (scikit-learn "
                         f"objects), which this version does not read, {_RETRAIN}") from exc
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, zipfile.BadZipFile) as exc:
        raise UsageError(f"cannot load model {file}: {exc}") from exc
    return TopicModel(state, read_meta(file))
