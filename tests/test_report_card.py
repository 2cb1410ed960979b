"""The dataset card (README.md next to the output) states the run's real counts."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.io.card import render_card
from tests._run_fixture import synthetic_run  # noqa: F401 - fixture


def test_card_counts_years_flags_and_sources(synthetic_run: Path) -> None:
    manifest = json.loads((synthetic_run / "manifest.json").read_text(encoding="utf-8"))
    card = render_card(synthetic_run, manifest)
    assert "48 articles" in card and "2 inputs that did not become articles" in card
    assert "from 2019-12-01 to 2020-04-" in card
    # 46 dated rows: Dec 2019 gets 8, the rest are 2020; 2 undated
    assert "| 2019 | 8 |" in card and "| 2020 | 38 |" in card and "| undated | 2 |" in card
    assert "| pinyin_annotations | 7 |" in card
    assert "| 人民网 | 8 |" in card and "46 canonical articles" in card
    assert "| too_short | 1 |" in card and "zhnews.schema_version" in card


def test_card_escapes_table_cells(tmp_path: Path) -> None:
    from tests._run_fixture import synthetic_rows, write_run

    rows = synthetic_rows()[:3]
    rows[0]["source"] = "A|B 日报"
    run = write_run(tmp_path / "run", rows)
    card = render_card(run, json.loads((run / "manifest.json").read_text(encoding="utf-8")))
    assert "| A\\|B 日报 | 1 |" in card
