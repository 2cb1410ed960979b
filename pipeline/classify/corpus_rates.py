"""The classifier's errors measured on the researcher's own corpus (``prevalence --labels``).

A random sample of the corpus, labelled by hand (``zhnews label --strategy random``: labels chosen
by uncertainty sampling, the labelling app's default, are not a random sample) and scored by the
same model, gives prediction-powered inference its residuals ``label - posterior``, each item in
its output group, and PACC its rates.  The model carries rates from its grouped cross-validation,
but on an outlet the training data does not cover they move (a held-out outlet's false-positive
rate can be several times the training folds'); the labelled sample measures them where they
apply.  PACC's rates are class-conditional means, so for them the sample need only be random
within each class; an event whose sample has too few positives or negatives keeps the model's
rates (a rate from two items swings by tens of points), and :func:`corpus_rate_events` says which
events were replaced.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.classify.prevalence import RELEVANT, quantification_state
from pipeline.classify.settings import CORPUS_RATES_MIN_PER_CLASS
from pipeline.errors import UsageError

Classifier = Callable[[list[dict[str, Any]]], list[dict[str, Any]]]

#: Protocol recorded in a state built from corpus labels.
PROTOCOL = "labelled sample of the target corpus"


def labelled_records(labels_path: str | Path, corpus_path: str | Path) -> list[dict[str, Any]]:
    """Label lines (latest per id) with their text: from the line, else from the corpus by id.

    Lines that say nothing about relevance (``relevant`` not true/false) are skipped; a line
    whose id is found neither with a text nor in the corpus is a usage error, since a rate
    silently computed on fewer items than the researcher labelled would mislead.
    """
    from pipeline.label.store import read_labels

    labels = {
        doc_id: label for doc_id, label in read_labels(labels_path).items() if isinstance(label.get("relevant"), bool)
    }
    if not labels:
        raise UsageError(f"{labels_path}: no label lines with relevant true/false")
    missing = {doc_id for doc_id, label in labels.items() if not isinstance(label.get("text"), str)}
    texts = _corpus_texts(Path(corpus_path), missing) if missing else {}
    unknown = sorted(missing - set(texts))
    if unknown:
        shown = ", ".join(unknown[:5]) + (" ..." if len(unknown) > 5 else "")
        raise UsageError(
            f"{labels_path}: {len(unknown)} labelled ids have no text and are not in {corpus_path}: {shown}"
        )
    records = []
    for doc_id, label in labels.items():
        title, text = texts.get(doc_id, (label.get("title"), label.get("text")))
        records.append(
            {
                "id": doc_id,
                "title": title or "",
                "text": text,
                "relevant": label["relevant"],
                "topics": label.get("topics") or [],
            }
        )
    return records


def _corpus_texts(path: Path, ids: set[str]) -> dict[str, tuple[str | None, str]]:
    """``{id: (title, text)}`` of the wanted ids in a run folder or a JSONL file."""
    if path.is_dir():
        import pyarrow.compute as pc

        from pipeline.io.articles import ArticlesReader

        reader = ArticlesReader(path)
        columns = [c for c in ("doc_id", "title", "text") if c in reader.names]
        rows = reader.table(columns, filter=pc.field("doc_id").isin(sorted(ids))).to_pydict()
        titles = rows.get("title", [None] * len(rows["doc_id"]))
        return {str(i): (titles[n], rows["text"][n]) for n, i in enumerate(rows["doc_id"])}
    from pipeline.classify.data import iter_jsonl

    found: dict[str, tuple[str | None, str]] = {}
    for _, rec in iter_jsonl(path):
        doc_id = str(rec.get("id", rec.get("doc_id")))
        if doc_id in ids and isinstance(rec.get("text"), str):
            found[doc_id] = (rec.get("title"), rec["text"])
    return found


def corpus_state(
    records: Sequence[Mapping[str, Any]],
    keys: Sequence[str],
    classify: Classifier,
    groups: Sequence[str] | None = None,
) -> dict[str, Any]:
    """A quantification state (see :func:`quantification_state`) from labelled corpus items;
    ``groups`` names the output group (``--by``) of each item, ``""`` for one in no group."""
    unknown = sorted({t for r in records for t in r["topics"]} - set(keys))
    if unknown:
        raise UsageError(f"labels name topics the model does not know: {unknown}")
    results = classify([dict(r) for r in records])
    rel = np.array([float(res["relevant_score"]) for res in results])
    topic_scores = np.array([[float(res["topic_scores"].get(k) or 0.0) for k in keys] for res in results])
    return quantification_state(
        rel,
        [int(r["relevant"]) for r in records],
        topic_scores.reshape(len(records), len(keys)),
        np.array([[int(k in r["topics"]) for k in keys] for r in records]).reshape(len(records), len(keys)),
        keys,
        PROTOCOL,
        groups=groups,
    )


def corpus_rate_events(state: Mapping[str, Any], min_per_class: int = CORPUS_RATES_MIN_PER_CLASS) -> list[str]:
    """Events (``relevant`` and topics) whose labelled sample has enough items of both classes."""
    events = {RELEVANT: state["relevance"], **state["topics"]}
    out = []
    for name, event in events.items():
        positives = int(np.sum(event["labels"]))
        if positives >= min_per_class and len(event["labels"]) - positives >= min_per_class:
            out.append(name)
    return out
