"""``zhnews run`` on the sample corpus, judged against the hand-written sample_expected.json."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.dataset as ds
import pytest

from pipeline.config import make_config
from pipeline.normalize import normalize_text
from pipeline.runner import RunSummary, run_pipeline

pytestmark = pytest.mark.slow  # whole runs of the sample corpus

EXPECTED_PATH = Path(__file__).resolve().parent.parent / "corpus" / "sample_expected.json"


@pytest.fixture(scope="module")
def sample_run(sample_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[RunSummary, list[dict]]:
    output = tmp_path_factory.mktemp("sample") / "out"
    summary = run_pipeline(make_config(inputs=[str(sample_corpus)], output=str(output), workers=1))
    rows = ds.dataset(output / "articles", format="parquet", partitioning="hive").to_table().to_pylist()
    return summary, rows


def _expected() -> list[tuple[str, str | None, dict]]:
    """(file, JSONL item id or None, expectation) for every document of the sample."""
    data = json.loads(EXPECTED_PATH.read_text(encoding="utf-8"))
    out = []
    for name, spec in sorted(data["files"].items()):
        if spec.get("kind") == "jsonl":
            out += [(name, item_id, item) for item_id, item in spec["items"].items()]
        else:
            out.append((name, None, spec))
    return out


def _row_for(rows: list[dict], name: str, item_id: str | None) -> dict:
    found = [r for r in rows if r["source_path"].endswith(name) and (item_id is None or r["source_id"] == item_id)]
    assert len(found) == 1, f"{name} {item_id or ''}: {len(found)} rows"
    return found[0]


def test_every_sample_document_is_a_row(sample_run: tuple[RunSummary, list[dict]]) -> None:
    summary, rows = sample_run
    assert summary.rejects == 0, summary.reject_reasons
    assert summary.rows == len(rows) == len(_expected()) >= 30


@pytest.mark.parametrize("name, item_id, spec", _expected(), ids=lambda v: v if isinstance(v, str) else "")
def test_sample_document_matches_expectation(sample_run: tuple[RunSummary, list[dict]], name: str,
                                             item_id: str | None, spec: dict) -> None:
    _, rows = sample_run
    row = _row_for(rows, name, item_id)
    if spec.get("title"):
        assert row["title"] == normalize_text(spec["title"])
    if spec.get("date"):
        assert (row["published_at_original"] or "")[:10] == spec["date"]
    assert row["tokens"], "every row has tokens"
    if spec.get("traditional"):
        assert row["script"] in ("hant", "mixed")
    text = row["text"]
    for snippet in spec.get("must_contain", []):
        assert normalize_text(snippet) in text, snippet
    for snippet in spec.get("must_not_contain", []):
        normalized = normalize_text(snippet)
        assert snippet not in text and snippet not in (row["text_original"] or ""), snippet
        assert not normalized or normalized not in text, snippet
    assert "(yī)" not in text and "(jié)" not in text


def test_near_duplicate_groups_share_one_cluster(sample_run: tuple[RunSummary, list[dict]]) -> None:
    _, rows = sample_run
    data = json.loads(EXPECTED_PATH.read_text(encoding="utf-8"))
    groups = data["near_duplicate_groups"]
    assert groups
    for group, members in groups.items():
        names = members["files"] if isinstance(members, dict) else members
        clusters = {_row_for(rows, name, None)["dup_cluster_id"] for name in names}
        assert len(clusters) == 1, f"group {group} split into {clusters}"
        assert sum(bool(_row_for(rows, name, None)["is_canonical"]) for name in names) == 1


def test_relevance_predictions_agree_with_the_hand_labels(sample_run: tuple[RunSummary, list[dict]]) -> None:
    _, rows = sample_run
    agree = total = 0
    for name, item_id, spec in _expected():
        if "relevant" not in spec:
            continue
        total += 1
        agree += bool(_row_for(rows, name, item_id)["relevant"]) == spec["relevant"]
    assert total >= 30 and agree / total >= 0.75, f"{agree}/{total}"
