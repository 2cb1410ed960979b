"""The cleaner against the line labels of the real seed dumps."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.clean.text import clean_lines
from pipeline.normalize import convert, remove_pinyin_annotations


def _simp(text: str | None) -> str | None:
    return convert(remove_pinyin_annotations(text)[0], "t2s").strip("《》 ") if text else None


def _seeds(shared_data: Path):
    for path in sorted((shared_data / "seeds" / "labels").glob("*.json")):
        gold = json.loads(path.read_text("utf-8"))
        yield gold, (shared_data / "seeds" / gold["file"]).read_text("utf-8")


def test_body_lines_f1(shared_data: Path) -> None:
    tp = fp = fn = 0
    for gold, text in _seeds(shared_data):
        labels = {item["line"]: item["label"] for item in gold["lines"]}
        _, lines = clean_lines(text)
        pred = {ln.number: ln.label for ln in lines}
        for n in set(labels) | set(pred):
            g, p = labels.get(n) == "body", pred.get(n) == "body"
            tp, fp, fn = tp + (g and p), fp + (p and not g), fn + (g and not p)
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    assert 2 * precision * recall / (precision + recall) >= 0.98


def test_titles_dates_sources_authors(shared_data: Path) -> None:
    for gold, text in _seeds(shared_data):
        article, _ = clean_lines(text)
        raw = text.split("\n")
        title_line = next(item["line"] for item in gold["lines"] if item["label"] == "title")
        assert _simp(article.title) == _simp(raw[title_line - 1].strip()), gold["file"]
        expected_date = gold["date"]
        if expected_date is None:
            assert article.published_at is None, gold["file"]
        else:
            day, _, clock = expected_date.partition(" ")
            assert article.published_at is not None and article.published_at.startswith(day), gold["file"]
            assert article.published_at[11:16] == clock[:5], gold["file"]
        assert _simp(article.source) == gold["source"], gold["file"]
        assert _simp(article.author) == gold["author"], gold["file"]


def test_no_boilerplate_line_becomes_body(shared_data: Path) -> None:
    for gold, text in _seeds(shared_data):
        article, _ = clean_lines(text)
        raw = text.split("\n")
        body = set(article.paragraphs)
        for item in gold["lines"]:
            if item["label"] == "boilerplate":
                assert raw[item["line"] - 1].strip() not in body, (gold["file"], item["line"])
