"""An item as the page shows it: sentences in the original or Simplified script, evidence marked."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from pipeline.label import settings
from pipeline.normalize.opencc_convert import convert

SCRIPTS = ("original", "simplified")

# a sentence ends after 。！？!?；; (and closing quotes after them) or at a line break
_SENTENCE_END = re.compile(r"[。！？!?；;…]+[”’」』）)]*|\n+")
_SPACE = re.compile(r"\s+")


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text``, each with its end mark; joined again they give ``text`` exactly."""
    out: list[str] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        out.append(text[start : m.end()])
        start = m.end()
    if start < len(text):
        out.append(text[start:])
    return out


def _key(sentence: str) -> str:
    """A sentence compared script- and space-blind."""
    return _SPACE.sub("", convert(sentence, "t2s")).strip("。！？!?；;…”’」』）)")


def evidence_topics(sentence: str, evidence: Mapping[str, Sequence[str]]) -> list[str]:
    """Topics whose evidence sentences are this sentence (or contain it, or are inside it)."""
    key = _key(sentence)
    if len(key) < settings.EVIDENCE_MIN_CHARS:
        return []
    hits = []
    for topic, sentences in evidence.items():
        for ev in sentences:
            ev_key = _key(ev)
            if len(ev_key) >= settings.EVIDENCE_MIN_CHARS and (ev_key in key or key in ev_key):
                hits.append(topic)
                break
    return hits


def display(record: Mapping[str, Any], evidence: Mapping[str, Sequence[str]], script: str) -> dict[str, Any]:
    """``{"id", "script", "title", "sentences": [{"text", "evidence": [topic, ...]}]}``.

    Each sentence is converted on its own, so evidence marks stay on the same sentences in
    either script.
    """
    if script not in SCRIPTS:
        raise ValueError(f"script must be one of {SCRIPTS}")
    simplified = script == "simplified"

    def show(s: str) -> str:
        return convert(s, "t2s") if simplified and s else s

    sentences = [
        {"text": show(s), "evidence": evidence_topics(s, evidence) if evidence else []}
        for s in split_sentences(str(record.get("text") or ""))
    ]
    return {"id": record["id"], "script": script, "title": show(str(record.get("title") or "")), "sentences": sentences}
