"""Labels to and from Label Studio (JSON tasks) and doccano (JSONL), via the project's label JSONL.

The project's label line is ``{"id", "relevant", "topics", "note"?, "title", "text"}`` (plus
``source`` when known): what ``zhnews label`` writes and ``zhnews train --labels`` reads.

- Label Studio: one task per item, ``data`` = ``{"doc_id", "title", "text"}``, one annotation
  whose results are the choices ``relevant`` (``relevant`` / ``not relevant``) and ``topics``
  (topic keys) and the text area ``note`` (:func:`label_studio_config` writes the matching
  labelling config).  Import reads Label Studio's JSON export (or JSON-MIN).
- doccano (text classification): ``{"text", "label": [...], "doc_id", "title", "note"?}``,
  where ``label`` holds ``relevant`` or ``not relevant`` and the topic keys.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

from pipeline.errors import UsageError

FORMATS = ("label-studio", "doccano")
RELEVANT = "relevant"
NOT_RELEVANT = "not relevant"
#: spellings of the relevance choice accepted on import (lower case)
RELEVANCE_VALUES = {
    "relevant": True, "yes": True, "true": True, "1": True,
    "not relevant": False, "not_relevant": False, "not-relevant": False, "irrelevant": False,
    "no": False, "false": False, "0": False,
}
CONTROLS = ("relevant", "topics", "note")

Label = dict[str, Any]


@dataclass(slots=True)
class Imported:
    """Labels read from another tool, and the items that carried none (not labels)."""

    labels: list[Label]
    unlabelled: list[str] = field(default_factory=list)


# -- export ------------------------------------------------------------------------------------
def _data(label: Mapping[str, Any]) -> dict[str, Any]:
    if not isinstance(label.get("text"), str):
        raise UsageError(f"label {label.get('id')!r} has no text to export")
    data = {"doc_id": str(label["id"]), "title": label.get("title") or "", "text": label["text"]}
    if label.get("source"):
        data["source"] = label["source"]
    return data


def to_label_studio(labels: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Label Studio tasks with one annotation each (import them into a project using
    :func:`label_studio_config`)."""
    tasks = []
    for label in labels:
        result: list[dict[str, Any]] = [
            _choices("relevant", [RELEVANT if label["relevant"] else NOT_RELEVANT]),
        ]
        if label.get("topics"):
            result.append(_choices("topics", list(label["topics"])))
        if label.get("note"):
            result.append({"from_name": "note", "to_name": "text", "type": "textarea", "value": {"text": [label["note"]]}})
        tasks.append({"data": _data(label), "annotations": [{"result": result}]})
    return tasks


def _choices(name: str, values: list[str]) -> dict[str, Any]:
    return {"from_name": name, "to_name": "text", "type": "choices", "value": {"choices": values}}


def label_studio_config(taxonomy: Any) -> str:
    """The Label Studio labelling config (XML) of the exported tasks for ``taxonomy``."""
    topics = "\n".join(
        f"    <Choice value={quoteattr(t.key)} hint={quoteattr(t.name)}/>" for t in taxonomy.topics
    )
    return (
        "<View>\n"
        '  <Header value="$title"/>\n'
        '  <Text name="text" value="$text"/>\n'
        '  <Choices name="relevant" toName="text" choice="single" showInline="true" required="true">\n'
        f'    <Choice value="{RELEVANT}"/>\n'
        f'    <Choice value="{NOT_RELEVANT}"/>\n'
        "  </Choices>\n"
        '  <Choices name="topics" toName="text" choice="multiple" showInline="true">\n'
        f"{topics}\n"
        "  </Choices>\n"
        '  <TextArea name="note" toName="text" maxSubmissions="1" editable="true"/>\n'
        "</View>\n"
    )


def to_doccano(labels: Iterable[Mapping[str, Any]]) -> Iterator[dict[str, Any]]:
    """doccano text-classification lines."""
    for label in labels:
        data = _data(label)
        names = [RELEVANT, *label.get("topics", [])] if label["relevant"] else [NOT_RELEVANT]
        line = {"text": data.pop("text"), "label": names, **data}
        if label.get("note"):
            line["note"] = label["note"]
        yield line


# -- import ------------------------------------------------------------------------------------
class _Topics:
    """Topic keys, also reached by the topic's name (a config may show names)."""

    def __init__(self, taxonomy: Any) -> None:
        self.keys = list(taxonomy.keys)
        self.by_name = {t.name: t.key for t in taxonomy.topics}

    def key(self, value: str, where: str) -> str:
        if value in self.keys:
            return value
        if value in self.by_name:
            return self.by_name[value]
        raise UsageError(f"{where}: {value!r} is not a topic of the taxonomy ({', '.join(self.keys)})")


def _relevance(value: Any, where: str) -> bool:
    if isinstance(value, bool):
        return value
    found = RELEVANCE_VALUES.get(str(value).strip().lower())
    if found is None:
        raise UsageError(f"{where}: relevance {value!r} is neither {RELEVANT!r} nor {NOT_RELEVANT!r}")
    return found


def _label(doc_id: Any, data: Mapping[str, Any], relevant: bool | None, topics: Sequence[str],
           note: str | None, where: str) -> Label:
    if doc_id is None or str(doc_id) == "":
        raise UsageError(f"{where}: no id (doc_id)")
    if not isinstance(data.get("text"), str):
        raise UsageError(f"{where}: no text (training needs it)")
    if relevant is None:
        relevant = bool(topics)
    if topics and not relevant:
        raise UsageError(f"{where}: marked not relevant but has topics {list(topics)}")
    label: Label = {"id": str(doc_id), "relevant": relevant, "topics": list(dict.fromkeys(topics))}
    if note and note.strip():
        label["note"] = note.strip()
    label["title"] = str(data.get("title") or "")
    label["text"] = data["text"]
    if data.get("source"):
        label["source"] = data["source"]
    return label


def _latest_annotation(annotations: Sequence[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The most recent annotation that was not cancelled (list order breaks ties)."""
    kept = [a for a in annotations if not a.get("was_cancelled")]
    if not kept:
        return None
    return max(enumerate(kept), key=lambda p: (str(p[1].get("updated_at") or p[1].get("created_at") or ""), p[0]))[1]


def from_label_studio(tasks: Any, taxonomy: Any) -> Imported:
    """Labels from Label Studio's JSON export (or JSON-MIN); tasks without annotation are listed apart."""
    if not isinstance(tasks, list):
        raise UsageError("a Label Studio export is a JSON list of tasks")
    topics = _Topics(taxonomy)
    out = Imported([])
    for n, task in enumerate(tasks, 1):
        if not isinstance(task, dict):
            raise UsageError(f"task {n} is not a JSON object")
        if "data" in task:
            _from_ls_task(task, n, topics, out)
        else:
            _from_ls_min(task, n, topics, out)
    return out


def _from_ls_task(task: Mapping[str, Any], n: int, topics: _Topics, out: Imported) -> None:
    data = task["data"]
    doc_id = data.get("doc_id", data.get("id", task.get("id")))
    where = f"task {n} (id {doc_id!r})"
    annotation = _latest_annotation(task.get("annotations") or [])
    if annotation is None or not annotation.get("result"):
        out.unlabelled.append(str(doc_id))
        return
    relevant: bool | None = None
    chosen: list[str] = []
    note = None
    for result in annotation["result"]:
        name, value = result.get("from_name"), result.get("value") or {}
        if name == "relevant":
            relevant = _relevance((value.get("choices") or [None])[0], where)
        elif name == "topics":
            chosen = [topics.key(v, where) for v in value.get("choices") or []]
        elif name == "note":
            note = "\n".join(value.get("text") or [])
        else:
            raise UsageError(f"{where}: unknown control {name!r} (expected {', '.join(CONTROLS)})")
    out.labels.append(_label(doc_id, data, relevant, chosen, note, where))


def _from_ls_min(task: Mapping[str, Any], n: int, topics: _Topics, out: Imported) -> None:
    doc_id = task.get("doc_id", task.get("id"))
    where = f"task {n} (id {doc_id!r})"
    if "relevant" not in task and "topics" not in task:
        out.unlabelled.append(str(doc_id))
        return
    raw = task.get("topics")
    values = raw.get("choices", []) if isinstance(raw, dict) else ([raw] if isinstance(raw, str) else list(raw or []))
    relevant = _relevance(task["relevant"], where) if "relevant" in task else None
    out.labels.append(_label(doc_id, task, relevant, [topics.key(v, where) for v in values], task.get("note"), where))


def from_doccano(lines: Iterable[Mapping[str, Any]], taxonomy: Any) -> Imported:
    """Labels from doccano's text-classification JSONL export."""
    topics = _Topics(taxonomy)
    out = Imported([])
    for n, line in enumerate(lines, 1):
        raw_meta = line.get("meta")
        meta: Mapping[str, Any] = raw_meta if isinstance(raw_meta, dict) else {}
        doc_id = line.get("doc_id", meta.get("doc_id", line.get("id")))
        where = f"line {n} (id {doc_id!r})"
        names = line.get("label", line.get("labels"))
        if names is None and "annotations" in line:
            raise UsageError(f"{where}: an old doccano export with label numbers; export again as JSONL with label names")
        if not names:
            out.unlabelled.append(str(doc_id))
            continue
        if not isinstance(names, list) or not all(isinstance(x, str) for x in names):
            raise UsageError(f"{where}: 'label' must be a list of label names")
        relevance = [RELEVANCE_VALUES[x.lower()] for x in names if x.lower() in RELEVANCE_VALUES]
        if len(set(relevance)) > 1:
            raise UsageError(f"{where}: marked both relevant and not relevant")
        chosen = [topics.key(x, where) for x in names if x.lower() not in RELEVANCE_VALUES]
        data = {**meta, **line}
        out.labels.append(_label(doc_id, data, relevance[0] if relevance else None, chosen, line.get("note"), where))
    return out


def detect_format(path: Path) -> str:
    """``label-studio`` for a JSON list, ``doccano`` for JSON lines."""
    with path.open(encoding="utf-8") as fh:
        head = fh.read(4096).lstrip("\ufeff \t\r\n")
    return "label-studio" if head.startswith("[") else "doccano"


def read_import(path: str | Path, taxonomy: Any, fmt: str | None = None) -> Imported:
    """Read a Label Studio or doccano export (``fmt`` None: detected from the content)."""
    path = Path(path)
    try:
        fmt = fmt or detect_format(path)
        if fmt == "label-studio":
            return from_label_studio(json.loads(path.read_text(encoding="utf-8")), taxonomy)
        if fmt == "doccano":
            lines = [json.loads(s) for s in path.read_text(encoding="utf-8").splitlines() if s.strip()]
            if not all(isinstance(x, dict) for x in lines):
                raise UsageError(f"{path}: every line must be a JSON object")
            return from_doccano(lines, taxonomy)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise UsageError(f"cannot read {path}: {exc}") from exc
    raise UsageError(f"unknown format {fmt!r}; choose from {FORMATS}")
