"""One labelling session: the pool, the labels file, the sampler and the model's state.

Everything the web routes do goes through :class:`LabelSession` (thread-safe: routes run in a
thread pool and retraining results arrive on a listener thread), so the session can be used and
tested without a server.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pipeline.label import model as clf
from pipeline.label import settings
from pipeline.label.display import display
from pipeline.label.diversity import SimilarityIndex, lead_text
from pipeline.label.pool import Pool
from pipeline.label.sampler import Sampler, relevance_share, settled_topic_base, uncertainty
from pipeline.label.store import LabelStore

log = logging.getLogger(__name__)

Record = dict[str, Any]
LABEL_FIELDS = frozenset({"id", "relevant", "topics", "note"})


class LabelError(Exception):
    """A request the session refuses; ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(slots=True)
class ModelState:
    """What the page shows about the model and what the retraining schedule needs."""

    version: str | None = None
    #: training records (labels + base labels) the current model learnt from
    seen: int = 0
    #: "loading" / "training" while a job is out, else None
    busy: str | None = None
    job: int = 0
    cv: dict[str, Any] | None = None
    cv_pending: bool = False
    error: str | None = None
    scores: clf.Scores | None = None
    fit_seconds: float | None = None
    score_seconds: float | None = None


def parse_label(payload: Any, keys: Sequence[str]) -> dict[str, Any]:
    """Check a posted label ``{"id", "relevant", "topics", "note"?}``; ``LabelError`` (422) if malformed."""
    if not isinstance(payload, dict):
        raise LabelError(422, "the body must be a JSON object")
    unknown = set(payload) - LABEL_FIELDS
    if unknown:
        raise LabelError(422, f"unknown fields {sorted(unknown)}; a label has id, relevant, topics, note")
    for name in ("id", "relevant", "topics"):
        if name not in payload:
            raise LabelError(422, f"missing field {name!r}")
    doc_id, relevant, topics = payload["id"], payload["relevant"], payload["topics"]
    if not isinstance(doc_id, str | int) or isinstance(doc_id, bool):
        raise LabelError(422, "'id' must be a string")
    if not isinstance(relevant, bool):
        raise LabelError(422, "'relevant' must be true or false")
    if not isinstance(topics, list) or not all(isinstance(t, str) for t in topics):
        raise LabelError(422, "'topics' must be a list of topic keys")
    bad = [t for t in topics if t not in keys]
    if bad:
        raise LabelError(422, f"topics not in the taxonomy: {bad}")
    if len(set(topics)) != len(topics):
        raise LabelError(422, "a topic is given twice")
    if topics and not relevant:
        raise LabelError(422, "an item that is not relevant has no topics")
    label: dict[str, Any] = {"id": str(doc_id), "relevant": relevant, "topics": [k for k in keys if k in topics]}
    note = payload.get("note")
    if note is not None:
        if not isinstance(note, str) or len(note) > settings.NOTE_MAX_CHARS:
            raise LabelError(422, f"'note' must be a string of at most {settings.NOTE_MAX_CHARS} characters")
        if note.strip():
            label["note"] = note.strip()
    return label


class LabelSession:
    """The state behind the API: what to serve next, labels, skips, undo, progress, the model."""

    def __init__(
        self,
        pool: Pool,
        store: LabelStore,
        taxonomy: Any,
        strategy: str = "uncertainty",
        base_labels: Sequence[Record] = (),
        retrain_every: int = settings.RETRAIN_EVERY,
        seed: int = 0,
        cv_min_records: int = settings.CV_MIN_RECORDS,
    ) -> None:
        self.pool = pool
        self.store = store
        self.taxonomy = taxonomy
        self.keys: list[str] = list(taxonomy.keys)
        self.retrain_every = retrain_every
        self.cv_min_records = cv_min_records
        self.base = _check_base(base_labels, self.keys)
        leads = [lead_text(r["title"], r["text"]) for r in pool.records]
        outside = sum(1 for doc_id in self.base if doc_id not in pool.index)
        self.sampler = Sampler(strategy, SimilarityIndex(leads), seed, prior_labels=outside)
        self.model = ModelState()
        self.skipped: set[str] = set()
        self.history: list[str] = []  # ids labelled in this session, for undo
        self.session_labels = 0
        self._pending: tuple[int, str] | None = None  # (pool index, strategy) on screen
        self._submit: Callable[[dict[str, Any]], None] | None = None
        self._fit_size = 0  # training records sent with the last fit job
        self._lock = threading.RLock()
        for doc_id in {*self.base, *store.labels}:
            if doc_id in pool.index:
                self.sampler.labelled(pool.index[doc_id])

    # -- the model -------------------------------------------------------------------------
    def start(self, submit: Callable[[dict[str, Any]], None] | None, model_dir: str | None = None) -> None:
        """Connect the retrainer: score the pool with ``model_dir`` first, then retrain as due."""
        with self._lock:
            self._submit = submit
            if submit is not None and model_dir is not None:
                self._send({"kind": "load", "model_dir": str(model_dir)}, "loading")
            self._maybe_retrain()

    def _send(self, job: dict[str, Any], busy: str) -> None:
        assert self._submit is not None
        self.model.job += 1
        self.model.busy = busy
        self._submit({**job, "job": self.model.job})

    def training_records(self) -> list[Record]:
        """Base labels overlaid by this file's labels (latest per id), with their texts."""
        records = dict(self.base)
        for doc_id, label in self.store.labels.items():
            text, title, source = label.get("text"), label.get("title"), label.get("source")
            if text is None and doc_id in self.pool.index:
                rec = self.pool.records[self.pool.index[doc_id]]
                text, title, source = rec["text"], rec["title"], rec.get("source")
            if text is None:
                continue  # a label line written without its text, for an item not in this pool
            records[doc_id] = {
                "id": doc_id, "title": title or "", "text": text,
                "relevant": bool(label.get("relevant")), "topics": list(label.get("topics") or []),
                **({"source": source} if source else {}),
            }
        return list(records.values())

    def _maybe_retrain(self) -> None:
        if self._submit is None or self.retrain_every <= 0 or self.model.busy:
            return
        records = self.training_records()
        # the first model too waits for N labels: a handful of items gives no vocabulary to learn
        if len(records) - self.model.seen >= self.retrain_every and clf.trainable(records):
            self._fit_size = len(records)
            self._send({"kind": "fit", "records": records, "cv": len(records) >= self.cv_min_records}, "training")

    def on_result(self, result: Mapping[str, Any]) -> None:
        """A retraining result (called by the retrainer's listener thread)."""
        with self._lock:
            if result.get("job") is None:  # the worker is gone: no more retraining in this session
                self.model.error = str(result.get("message"))
                self.model.busy = None
                self._submit = None
                return
            if result.get("job") != self.model.job:
                return  # an answer to a job that was superseded
            kind = result["kind"]
            if kind == "scores":
                fitted = self.model.busy == "training"
                self.model.version = str(result["version"])
                self.model.seen = self._fit_size if fitted else 0
                self.model.scores = result["scores"]
                self.model.cv = None
                self.model.cv_pending = fitted and self._fit_size >= self.cv_min_records
                self.model.error = None
                self.model.fit_seconds = result.get("fit_seconds")
                self.model.score_seconds = result.get("score_seconds")
                self.model.busy = None
                self._refresh_uncertainty()
                log.info("model %s scored the pool (fit %.1f s, scoring %.1f s)", self.model.version,
                         result.get("fit_seconds") or 0, result.get("score_seconds") or 0)
            elif kind == "cv":
                self.model.cv = dict(result["cv"])
                self.model.cv_pending = False
            else:
                if self.model.busy == "training":  # wait for the next batch of labels before trying again
                    self.model.seen = self._fit_size
                self.model.error = str(result.get("message"))
                self.model.busy = None
                self.model.cv_pending = False
                log.warning("retraining: %s", self.model.error)
            self._maybe_retrain()

    def _refresh_uncertainty(self) -> None:
        scores = self.model.scores
        if scores is None:
            return
        counts = {k: 0 for k in self.keys}
        relevant = 0
        records = self.training_records()
        for rec in records:
            relevant += bool(rec["relevant"])
            for t in rec["topics"]:
                if t in counts:
                    counts[t] += 1
        share = relevance_share(relevant, len(records) - relevant)
        base = settled_topic_base(relevant, len(records) - relevant)
        positives = [counts[k] for k in self.keys]
        self.sampler.set_uncertainty(uncertainty(scores.relevance, scores.topics, positives, share, base))

    # -- serving ---------------------------------------------------------------------------
    def _view(self, i: int, strategy: str) -> dict[str, Any]:
        rec = self.pool.records[i]
        scores = self.model.scores
        return {
            "id": rec["id"],
            "title": rec["title"],
            "text": rec["text"],
            "scores": None if scores is None else {
                "relevant": round(float(scores.relevance[i]), 4),
                "topics": {k: round(float(scores.topics[i, j]), 4) for j, k in enumerate(self.keys)},
            },
            "evidence": scores.evidence[i] if scores is not None and i < len(scores.evidence) else {},
            "strategy": strategy,
        }

    def next_item(self) -> dict[str, Any] | None:
        """The item on screen, or the next one the strategy picks; None when none is left."""
        with self._lock:
            if self._pending is None:
                choice = self.sampler.choose()
                if choice is None:
                    return None
                self.sampler.close(choice[0])
                self._pending = choice
            return self._view(*self._pending)

    def item_display(self, doc_id: str, script: str) -> dict[str, Any]:
        """An item's sentences in ``script`` with evidence marks (``LabelError`` 404/422)."""
        i = self._index(doc_id)
        scores = self.model.scores
        evidence = scores.evidence[i] if scores is not None and i < len(scores.evidence) else {}
        try:
            return display(self.pool.records[i], evidence, script)
        except ValueError as exc:
            raise LabelError(422, str(exc)) from exc

    def _index(self, doc_id: Any) -> int:
        i = self.pool.index.get(str(doc_id))
        if i is None:
            raise LabelError(404, "no item with this id in the pool")
        return i

    def add_label(self, payload: Any) -> dict[str, Any]:
        """Append a label to the file (flushed and fsynced) and take the item off the queue."""
        label = parse_label(payload, self.keys)
        with self._lock:
            i = self._index(label["id"])
            rec = self.pool.records[i]
            on_screen = self._pending is not None and self._pending[0] == i
            line = {
                **label,
                "title": rec["title"],
                "text": rec["text"],
                **({"source": rec["source"]} if rec.get("source") else {}),
                "labelled_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "model_version": self.model.version,
                "strategy": self._pending[1] if on_screen and self._pending else "api",
            }
            self.store.append(line)
            self.sampler.labelled(i)
            self.skipped.discard(label["id"])
            if on_screen:
                self._pending = None
            self.history.append(label["id"])
            self.session_labels += 1
            self._maybe_retrain()
            return {"id": label["id"], "labelled": len(self.store.labels)}

    def skip(self, doc_id: Any) -> dict[str, Any]:
        """Do not serve this item again in this session (it is not labelled)."""
        with self._lock:
            i = self._index(doc_id)
            if self._pending is not None and self._pending[0] == i:
                self._pending = None
            self.sampler.close(i)
            self.skipped.add(self.pool.records[i]["id"])
            return {"skipped": self.pool.records[i]["id"]}

    def undo(self) -> dict[str, Any] | None:
        """Serve the last item labelled in this session again, with its label; None if none.

        Its label stays in the file until the new one is posted (the latest line wins).
        """
        with self._lock:
            if not self.history:
                return None
            doc_id = self.history.pop()
            if self._pending is not None and self.pool.records[self._pending[0]]["id"] not in self.store.labels:
                self.sampler.reopen(self._pending[0])
            i = self.pool.index[doc_id]
            self._pending = (i, "undo")
            label = self.store.labels.get(doc_id, {})
            return {**self._view(i, "undo"), "label": {k: label[k] for k in ("relevant", "topics", "note") if k in label}}

    # -- progress --------------------------------------------------------------------------
    def progress(self) -> dict[str, Any]:
        """Counts of labels (latest per id) and topics, what is left, and the model's state."""
        with self._lock:
            labels = self.store.labels
            topics = {k: 0 for k in self.keys}
            relevant = 0
            for label in labels.values():
                relevant += bool(label.get("relevant"))
                for t in label.get("topics") or []:
                    if t in topics:
                        topics[t] += 1
            in_pool = sum(1 for doc_id in {*labels, *self.base} if doc_id in self.pool.index)
            records = len(self.training_records())
            m = self.model
            return {
                "labelled": len(labels),
                "relevant": relevant,
                "not_relevant": len(labels) - relevant,
                "topics": topics,
                "session": self.session_labels,
                "skipped": len(self.skipped),
                "pool": len(self.pool),
                "remaining": len(self.pool) - in_pool,
                "base_labels": len(self.base),
                "strategy": self.sampler.strategy,
                "retrain_every": self.retrain_every,
                "model": {
                    "version": m.version,
                    "status": m.busy or ("ready" if m.version else "none"),
                    "trained_on": m.seen,
                    "next_retrain_in": max(0, m.seen + self.retrain_every - records) if self.retrain_every > 0 else None,
                    "cv": m.cv,
                    "cv_pending": m.cv_pending,
                    "fit_seconds": m.fit_seconds,
                    "score_seconds": m.score_seconds,
                    "error": m.error,
                },
            }


def _check_base(records: Sequence[Record], keys: Sequence[str]) -> dict[str, Record]:
    """Base labels by id; ``UsageError`` unless each has id, text, relevant and known topics."""
    from pipeline.errors import UsageError

    out: dict[str, Record] = {}
    for n, rec in enumerate(records, 1):
        if "id" not in rec or not isinstance(rec.get("text"), str) or not isinstance(rec.get("relevant"), bool):
            raise UsageError(f"base label {n} needs 'id', 'text' and 'relevant' (true/false)")
        bad = [t for t in rec.get("topics") or [] if t not in keys]
        if bad:
            raise UsageError(f"base label {rec['id']!r} has topics outside the taxonomy: {bad}")
        out[str(rec["id"])] = {
            "id": str(rec["id"]), "title": str(rec.get("title") or ""), "text": rec["text"],
            "relevant": rec["relevant"], "topics": list(rec.get("topics") or []),
            **({"source": rec["source"]} if rec.get("source") else {}),
        }
    return out

