"""Reading labelled and unlabelled inputs: JSONL records and zhnews run folders."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.errors import UsageError
from pipeline.io.run_folder import articles_root


def iter_jsonl(path: str | Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(line number, object)`` of each non-blank line of a JSONL file, streamed;
    ``UsageError`` when unreadable or a line is not a JSON object."""
    path = Path(path)
    try:
        with path.open(encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                rec = json.loads(line)
                if not isinstance(rec, dict):
                    raise ValueError(f"line {n} is not a JSON object")
                yield n, rec
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise UsageError(f"cannot read {path}: {exc}") from exc


def read_jsonl(path: str | Path) -> list[dict[str, Any]]:
    """All JSON objects of a JSONL file; blank lines skipped; ``UsageError`` when unreadable."""
    return [rec for _, rec in iter_jsonl(path)]


def iter_run_dir(run_dir: str | Path, batch_size: int = 2048) -> Iterator[dict[str, Any]]:
    """Records (``id``, ``title``, ``text``, ``text_original``, ``tokens``) of a run's
    ``articles/**/*.parquet``."""
    import pyarrow.dataset as ds

    root = articles_root(run_dir)
    dataset = ds.dataset(str(root), format="parquet")
    wanted = [c for c in ("doc_id", "title", "text", "text_original", "tokens") if c in dataset.schema.names]
    if "doc_id" not in wanted or "text" not in wanted:
        raise UsageError(f"{root} lacks the doc_id/text columns")
    for batch in dataset.to_batches(columns=wanted, batch_size=batch_size):
        cols = batch.to_pydict()
        absent = [None] * batch.num_rows  # a column older runs lack
        titles, originals, tokens = (cols.get(c, absent) for c in ("title", "text_original", "tokens"))
        for i, doc_id in enumerate(cols["doc_id"]):
            yield {
                "id": doc_id,
                "title": titles[i],
                "text": cols["text"][i],
                "text_original": originals[i],
                "tokens": tokens[i],
            }


@dataclass(slots=True)
class LabelledSet:
    """Gold labels in one of two shapes: multi-label (relevant + topics) or single ``label``."""

    records: list[dict[str, Any]]
    kind: str  # "multilabel" or "multiclass"
    keys: list[str]
    relevant: np.ndarray | None = None
    topics: np.ndarray | None = None  # (n, k) 0/1
    labels: list[str] | None = None


def labelled_set(records: list[dict[str, Any]], keys: list[str] | None = None) -> LabelledSet:
    """Interpret labelled records; ``keys`` (the taxonomy) fixes the topic columns."""
    if not records:
        raise UsageError("no labelled records")
    for rec in records:
        if "text" not in rec:
            raise UsageError(f"labelled record without 'text': id={rec.get('id')!r}")
    if all("label" in r for r in records):
        labels = [str(r["label"]) for r in records]
        return LabelledSet(records, "multiclass", sorted(set(labels)), labels=labels)
    if not all("relevant" in r for r in records):
        raise UsageError("labelled records need either 'label' or 'relevant' (+ 'topics') fields")
    seen = sorted({t for r in records for t in r.get("topics") or []})
    keys = list(keys) if keys else seen
    unknown = set(seen) - set(keys)
    if unknown:
        raise UsageError(f"labels use topics missing from the taxonomy: {sorted(unknown)}")
    relevant = np.array([bool(r["relevant"]) for r in records], dtype=int)
    topics = np.array([[int(k in (r.get("topics") or [])) for k in keys] for r in records], dtype=int)
    return LabelledSet(records, "multilabel", keys, relevant=relevant, topics=topics.reshape(len(records), len(keys)))


def read_negatives(path: str | Path) -> list[dict[str, Any]]:
    """General-news records known to be off-topic, as non-relevant records.

    ``.jsonl``: objects with ``text`` (and optional ``id``, ``title``); ``.csv``: a ``text`` or
    ``content`` column; any other file: one document per line, a leading ``label<TAB>`` dropped
    (the layout of the common public classification sets).
    """
    import csv

    path = Path(path)
    if path.suffix == ".jsonl":
        rows = read_jsonl(path)
    else:
        try:
            with path.open(encoding="utf-8", newline="") as fh:
                if path.suffix == ".csv":
                    rows = [
                        {"text": row.get("text") or row.get("content") or ""} for row in csv.DictReader(fh)
                    ]
                else:
                    rows = [{"text": line.rstrip("\n").split("\t")[-1]} for line in fh if line.strip()]
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise UsageError(f"cannot read {path}: {exc}") from exc
    out: list[dict[str, Any]] = []
    for n, row in enumerate(rows):
        text = str(row.get("text") or "").strip()
        if text:
            out.append({"id": str(row.get("id") or f"{path.name}:{n}"), "title": row.get("title") or "",
                        "text": text, "relevant": False, "topics": []})
    if not out:
        raise UsageError(f"no documents with text in {path}")
    return out
