"""A step of one's own (tests/language_step.py) added to a run by its config alone.

The run config lists the steps with the new one among them; its column lands in the Parquet
dataset after the standard ones, its rejects in ``rejects/`` with its name, its settings in the
manifest: no other file of the project changes.
"""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from pipeline.config import make_config
from pipeline.errors import UsageError
from pipeline.io.schema import ARTICLE_SCHEMA
from pipeline.record import Doc
from pipeline.runner import run_pipeline
from tests.language_step import LanguageFilter

CONFIG = """\
steps: [read, extract, clean, normalize, "tests.language_step:LanguageFilter", segment, stage]
language: {min_han_share: 0.6}
normalize: {min_han_ratio: null}
"""

RECORDS = [
    {"id": "zh-1", "date": "2021-03-08", "title": "医院为护士发放节日慰问金",
     "text": "三八妇女节前夕，市第一人民医院为全院护士发放节日慰问金，并安排轮休，让一线护士有时间陪伴家人。"},
    {"id": "zh-2", "date": "2021-05-12", "title": "护士节表彰",
     "text": "5·12国际护士节当天，卫健委表彰了二十名优秀护士，并宣布提高夜班护士的值班补贴标准。"},
    {"id": "en-1", "date": "2021-05-12", "title": "Nurses honoured",
     "text": "On International Nurses Day the health commission honoured twenty nurses and raised the night-shift "
             "allowance for nurses working in county hospitals across the province."},
    {"id": "mixed", "date": "2021-06-01", "title": "ICU nurses",
     "text": "ICU护士 work long shifts; the hospital said it would hire more staff and pay overtime in June and July."},
]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("language")
    (root / "in").mkdir()
    lines = [json.dumps(r, ensure_ascii=False) for r in RECORDS]
    (root / "in" / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "run.yaml").write_text(CONFIG, encoding="utf-8")
    config = make_config(str(root / "run.yaml"), inputs=[str(root / "in")], output=str(root / "out"), workers=1)
    run_pipeline(config)
    return root / "out"


def test_the_new_column_is_in_the_dataset_after_the_standard_ones(run: Path) -> None:
    schema = pq.read_schema(next((run / "articles").rglob("*.parquet")))
    assert schema.names == [*ARTICLE_SCHEMA.names, "language", "han_share"]
    assert str(schema.field("han_share").type) == "float"
    rows = duckdb.sql(f"SELECT source_id, language, han_share FROM read_parquet('{run}/articles/**/*.parquet') "
                      "ORDER BY source_id").fetchall()
    assert [(source_id, language) for source_id, language, _ in rows] == [("zh-1", "zh"), ("zh-2", "zh")]
    assert all(share > 0.9 for *_, share in rows)


def test_its_rejects_carry_its_name_and_reason(run: Path) -> None:
    rejects = pq.read_table(run / "rejects").to_pylist()
    assert sorted((r["source_id"], r["stage"], r["reason"]) for r in rejects) == [
        ("en-1", "language", "language"), ("mixed", "language", "language")]
    assert any("other" in r["detail"] for r in rejects)


def test_the_manifest_records_its_settings_and_the_step_list(run: Path) -> None:
    manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["steps"]["language"] == {"keep": ["zh"], "min_han_share": 0.6}
    assert list(manifest["steps"]) == ["read", "extract", "clean", "normalize", "language", "segment", "stage"]
    assert manifest["config"]["steps"][4] == "tests.language_step:LanguageFilter"
    assert manifest["counts"]["rows"] == 2 and manifest["counts"]["rejects"] == 2


def test_the_step_pickles_small_and_gives_the_same_output() -> None:
    step = LanguageFilter(min_han_share=0.6)
    doc = Doc(doc_id="a", source_path="a.txt", input_kind="text", text=RECORDS[0]["text"])
    first = step(doc)
    again = pickle.loads(pickle.dumps(step))(Doc(doc_id="a", source_path="a.txt", input_kind="text",
                                                  text=RECORDS[0]["text"]))
    assert isinstance(first, Doc) and isinstance(again, Doc) and first.extra == again.extra
    assert step.get_params() == {"keep": ("zh",), "min_han_share": 0.6}


def test_a_config_with_a_misplaced_or_unknown_step_is_a_usage_error(tmp_path: Path) -> None:
    from pipeline.steps import build_steps

    with pytest.raises(UsageError, match="nope"):
        make_config(steps=["read", "nope:Step", "stage"])
    with pytest.raises(UsageError, match="'stage' takes docs"):
        build_steps(make_config(steps=["stage", "read"]))
