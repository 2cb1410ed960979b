"""The items to label: a JSONL file or a zhnews run folder, read once, indexed by id."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.errors import UsageError
from pipeline.label import model as clf

#: fields of an input record the app keeps (the rest is not needed to label or train)
KEPT_FIELDS = ("title", "text", "source")


@dataclass(slots=True)
class Pool:
    """Records with a unique string ``id`` and a ``text``, in input order."""

    records: list[dict[str, Any]]
    #: texts are Simplified already (a run folder's normalized text)
    simplified: bool = False
    index: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.index = {r["id"]: i for i, r in enumerate(self.records)}

    def __len__(self) -> int:
        return len(self.records)

    @property
    def ids(self) -> list[str]:
        return [r["id"] for r in self.records]


def read_pool(path: str | Path, keep_tokens: bool = False) -> Pool:
    """Read FILE.jsonl or RUN_DIR; ``UsageError`` on a missing path, id or text, or repeated ids.

    ``keep_tokens`` keeps a run folder's tokens (scoring reuses them; serving does not need them).
    """
    path = Path(path)
    fields = (*KEPT_FIELDS, "tokens") if keep_tokens else KEPT_FIELDS
    if path.is_dir():
        return Pool(_clean(clf.iter_run_dir(path), path, fields), simplified=True)
    if path.is_file():
        return Pool(_clean(clf.read_jsonl(path), path, fields))
    raise UsageError(f"no such file or folder: {path}")


def _clean(records: Iterable[dict[str, Any]], path: Path, fields: tuple[str, ...]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for n, rec in enumerate(records, 1):
        doc_id = rec.get("id")
        if not isinstance(doc_id, str | int) or isinstance(doc_id, bool) or str(doc_id) == "":
            raise UsageError(f"{path}: record {n} has no 'id' (a string or an integer)")
        doc_id = str(doc_id)
        if doc_id in seen:
            raise UsageError(f"{path}: id {doc_id!r} occurs twice (ids must be unique to resume labelling)")
        text = rec.get("text")
        if not isinstance(text, str):
            raise UsageError(f"{path}: record {doc_id!r} has no 'text'")
        seen.add(doc_id)
        kept = {"id": doc_id, **{k: rec[k] for k in fields if rec.get(k) is not None}}
        kept["title"] = str(kept.get("title") or "")
        out.append(kept)
    if not out:
        raise UsageError(f"{path}: no records to label")
    return out
