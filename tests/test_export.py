"""``zhnews export``: Excel-ready CSV and JSON Lines from a run folder."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from pipeline.cli import main as cli_main
from pipeline.io.export import export_to_path
from tests._run_fixture import STORIES, synthetic_run  # noqa: F401 - fixture

TOPICS = ["pay", "protection", "rest", "mental", "family"]


def test_csv_has_bom_flat_lists_and_score_columns(synthetic_run: Path, tmp_path: Path) -> None:
    out = tmp_path / "articles.csv"
    assert cli_main([ "export", str(synthetic_run), "--format", "csv", "--out", str(out)]) == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and not raw.startswith(b"\xef\xbb\xbf\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert len(rows) == 48
    header = list(rows[0])
    assert "topic_scores" not in header and [h for h in header if h.startswith("score_")] == [f"score_{t}" for t in TOPICS]
    by_id = {r["doc_id"]: r for r in rows}
    first = by_id["0000000000000000"]
    assert first["tokens"] == STORIES[0][1]  # space-joined words, exactly as segmented
    assert first["topics"] == "pay" and float(first["score_pay"]) == 0.8 and float(first["score_family"]) == 0.1
    assert first["published_date"] == "2019-12-01" and first["title"] == STORIES[0][0]
    assert first["han_ratio"] == "0.9" and first["is_canonical"] == "True"
    two_topics = next(r for r in rows if r["title"] == STORIES[5][0])
    assert two_topics["topics"] == "mental; rest"
    assert by_id[f"{46:016x}"]["published_date"] == ""
    assert len(pd.read_csv(out, encoding="utf-8-sig")) == 48  # pandas (and Excel) parse it back


def test_paragraph_newlines_survive_csv_quoting(tmp_path: Path) -> None:
    from tests._run_fixture import synthetic_rows, write_run

    rows = synthetic_rows()[:2]
    rows[0]["paragraphs"] = ["第一段，含有逗号", "第二段 \"引号\""]
    run = write_run(tmp_path / "run", rows)
    out = tmp_path / "a.csv"
    assert export_to_path(run, "csv", out, columns=["doc_id", "paragraphs"]) == 2
    parsed = list(csv.DictReader(out.open(encoding="utf-8-sig", newline="")))
    assert parsed[0]["paragraphs"] == "第一段，含有逗号\n第二段 \"引号\""


def test_jsonl_keeps_lists_and_score_object(synthetic_run: Path, tmp_path: Path) -> None:
    out = tmp_path / "articles.jsonl"
    assert export_to_path(synthetic_run, "jsonl", out) == 48
    assert not out.read_bytes().startswith(b"\xef\xbb\xbf")
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    first = next(r for r in records if r["doc_id"] == "0000000000000000")
    assert first["tokens"] == STORIES[0][1].split() and first["topics"] == ["pay"]
    assert first["topic_scores"] == {"pay": 0.8, "protection": 0.1, "rest": 0.1, "mental": 0.1, "family": 0.1}
    assert first["published_date"] == "2019-12-01"


def test_filters_and_columns(synthetic_run: Path, tmp_path: Path) -> None:
    out = tmp_path / "rel.jsonl"
    relevant = export_to_path(synthetic_run, "jsonl", out, relevant_only=True, columns=["doc_id", "relevant"])
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    off_topic = sum(1 for i in range(46) if i % len(STORIES) == 7) + 1  # the market story, plus the undated copy
    assert relevant == 48 - off_topic and all(r == {"doc_id": r["doc_id"], "relevant": True} for r in records)
    canonical = export_to_path(synthetic_run, "jsonl", out, canonical_only=True, columns=["doc_id"])
    assert canonical == 46  # the two non-canonical syndicated copies are left out


def test_usage_errors_exit_2(synthetic_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["export", str(tmp_path), "--out", str(tmp_path / "x.csv")]) == 2
    assert "not a zhnews run folder" in capsys.readouterr().err
    assert cli_main(["export", str(synthetic_run), "--columns", "doc_id,nope"]) == 2
    assert "nope" in capsys.readouterr().err
    assert not (tmp_path / "x.csv").exists()


def test_stdout_export_is_pipeable(synthetic_run: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "pipeline", "export", str(synthetic_run), "-f", "csv",
                             "--columns", "doc_id,title"], capture_output=True, check=True)
    assert result.stdout.startswith(b"\xef\xbb\xbfdoc_id,title\r\n")
    assert result.stdout.count(b"\r\n") == 49
