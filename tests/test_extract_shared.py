"""Regression on the real gold pages: body char-F1, no lost bodies, dates and authors."""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from pipeline.errors import InputRejected
from pipeline.extract import extract_html

GOLD_SETS = ("daniel_zh", "cwced_zh")


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text).lower())


def _char_f1(pred: str, gold: str) -> float:
    a, b = Counter(_norm(pred)), Counter(_norm(gold))
    overlap = sum((a & b).values())
    if not overlap:
        return 0.0
    p, r = overlap / sum(a.values()), overlap / sum(b.values())
    return 2 * p * r / (p + r)


@pytest.fixture(scope="module")
def gold_results(shared_data: Path) -> list[tuple[str, dict, object]]:
    results = []
    for name in GOLD_SETS:
        for meta in sorted((shared_data / "extraction" / name).glob("*.json")):
            gold = json.loads(meta.read_text("utf-8"))
            try:
                art = extract_html(meta.with_suffix(".html").read_bytes())
            except InputRejected as exc:
                art = exc
            results.append((name, gold, art))
    assert len(results) > 200
    return results


def test_gold_body_f1_and_no_lost_bodies(gold_results) -> None:
    scores = []
    for _, gold, art in gold_results:
        if gold.get("body") is None:
            continue
        body = "" if isinstance(art, InputRejected) else art.body()
        if _norm(gold["body"]):
            assert _norm(body), f"empty body for {gold['id']}"
        scores.append(_char_f1(body, gold["body"]))
    scores.sort()
    assert sum(scores) / len(scores) >= 0.94
    assert scores[len(scores) // 2] >= 0.975


def test_gold_dates_at_day_level(gold_results) -> None:
    hits = total = 0
    for _, gold, art in gold_results:
        m = re.match(r"(\d{4})-(\d{1,2})-(\d{1,2})", gold.get("publish_time") or "")
        if not m:
            continue
        total += 1
        want = f"{int(m[1]):04d}-{int(m[2]):02d}-{int(m[3]):02d}"
        hits += not isinstance(art, InputRejected) and (art.published_at or "")[:10] == want
    assert total >= 20
    assert hits / total >= 0.90


def _name_key(text: str | None) -> str:
    return re.sub(r"[\s、,，;；/|·]+", "", unicodedata.normalize("NFKC", text or "")).lower()


def test_gold_authors(gold_results) -> None:
    labelled = [(gold, art) for _, gold, art in gold_results if gold.get("author")]
    hits = sum(not isinstance(art, InputRejected) and _name_key(art.author) == _name_key(gold["author"])
               for gold, art in labelled)
    assert len(labelled) >= 20
    assert hits / len(labelled) >= 0.80
