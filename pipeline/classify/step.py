"""The ``classify`` stage: relevance and topics of each document from the trained model."""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from typing import Any

from pipeline.classify.features import make_item
from pipeline.classify.model import TopicModel
from pipeline.classify.text import prepare
from pipeline.record import Doc
from pipeline.steps import Result, Step, record_columns

_MODELS: dict[str, TopicModel] = {}
#: models being read by a process of their own (:func:`_read_aside`), by directory
_PENDING: dict[str, tuple[Executor, Future[tuple[dict[str, Any], dict[str, Any]]]]] = {}


def _model_key(model_dir: str | None) -> str:
    from pipeline.classify.persist import default_model_dir

    return str(model_dir or default_model_dir())


def _read_state(key: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The fitted state and metadata of the model at ``key`` (run in the reading process).

    That process ends once the state is sent, so its cyclic garbage collector is switched off:
    what it frees or leaks goes with the process, and walking the objects scikit-learn's
    imports make took about an eighth of reading the model."""
    import gc

    gc.disable()
    from pipeline.classify.persist import load_model

    model = load_model(key)
    return model.state, model.meta


def _read_aside(model_dir: str | None) -> bool:
    """Start reading the model in a forked process of its own; whether it is being read so
    (False: it is loaded already).  Reading it is mostly importing skops, which imports
    scikit-learn (about 2 CPU-s, more than the other steps' set-up together); forked, that runs
    on the other core while this process sets the other steps up, and this process never
    imports scikit-learn.  The file is audited and loaded by skops as always; only the loaded
    arrays and header values come back (a few MB)."""
    import multiprocessing

    key = _model_key(model_dir)
    if key in _MODELS:
        return False
    if key not in _PENDING:
        pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))
        _PENDING[key] = (pool, pool.submit(_read_state, key))
    return True


def _cached_model(model_dir: str | None) -> TopicModel:
    from pipeline.classify.persist import load_model

    key = _model_key(model_dir)
    if key not in _MODELS:
        pending = _PENDING.pop(key, None)
        model = _collect(*pending) if pending else None
        _MODELS[key] = model if model is not None else load_model(key)
    return _MODELS[key]


def _collect(pool: Executor, future: Future[tuple[dict[str, Any], dict[str, Any]]]) -> TopicModel | None:
    """The model read aside, or None when that failed (the caller then loads it here, so a bad
    model raises the same error as always).  The reading process ends either way, so no thread
    of its pool outlives the set-up (the fork server forks workers afterwards)."""
    try:
        state, meta = future.result()
    except Exception:  # noqa: BLE001 - loading again in this process reports the error
        return None
    finally:
        pool.shutdown(wait=True)
    return TopicModel(state, meta)


class ClassifyStep(Step):
    """Set ``relevant``, ``relevant_score``, ``topics``, ``topic_scores`` and ``evidence`` (the
    sentences behind each topic; ``evidence=False`` skips them) from title and text.

    ``model_dir=None`` uses the packaged default (``models/default`` or ``$ZHNEWS_MODEL_DIR``).
    ``doc.tokens`` from the segment stage are reused, so nothing is segmented twice.
    """

    name = "classify"
    columns = record_columns("relevant", "relevant_score", "topics", "topic_scores", "evidence")

    def __init__(self, model_dir: str | None = None, evidence: bool = True) -> None:
        super().__init__()
        self.model_dir = model_dir
        self.evidence = evidence

    def setup(self) -> None:
        # what scoring imports on first use, loaded at set-up (before waiting for a model read
        # aside): a fork server's workers inherit it instead of each importing it (about 0.07
        # CPU-s) on its first task
        import scipy.special  # noqa: F401

        if self.evidence:
            import pipeline.classify.evidence  # noqa: F401
        self._model = _cached_model(self.model_dir)

    def start_setup_aside(self) -> bool:
        return _read_aside(self.model_dir)

    def provenance(self) -> dict[str, str | None]:
        """The model's version, from its ``meta.json``: the driver needs the version (for the
        run id and the provenance columns), not the model's state, which only workers load."""
        from pipeline.classify.persist import model_file, read_meta

        try:
            meta = read_meta(model_file(self.model_dir or None))
        except (OSError, ValueError):
            return {"model_version": "unknown"}  # as the loaded model reports it
        return {"model_version": str(meta.get("model_version", "unknown"))}

    def tally(self, doc: Doc) -> Iterable[str]:
        """The document's topics, and ``(relevant)`` when it is relevant."""
        return [*doc.topics, "(relevant)"] if doc.relevant else doc.topics

    @property
    def model_version(self) -> str:
        """The loaded model's version string (loads the model if needed)."""
        self._ensure_ready()
        return self._model.version

    batched = True

    def process(self, doc: Doc) -> Result:
        return self.process_batch([doc])[0]

    def process_batch(self, docs: list[Doc]) -> list[Result]:
        """Score many documents with one vectorized pass of the model."""
        items = []
        for doc in docs:
            title, body = prepare(doc.title, doc.text or doc.body(), simplified=doc.text is not None)
            items.append(make_item(title, body, doc.tokens or None))
        # evidence is copied from the text in its original script (before OpenCC)
        originals = [(doc.title, doc.text_original or doc.text or doc.body()) for doc in docs] if self.evidence else None
        for doc, result in zip(docs, self._model.predict_items(items, originals)):
            doc.relevant = result["relevant"]
            doc.relevant_score = result["relevant_score"]
            doc.topics = result["topics"]
            doc.topic_scores = result["topic_scores"]
            doc.evidence = result.get("evidence") or {}
        return list(docs)
