"""A run's output reads the same in pandas, polars (scan_parquet) and DuckDB (hive partitions)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd
import polars as pl
import pytest

from pipeline.report.load import read_articles
from tests._run_fixture import sample_run, synthetic_run  # noqa: F401 - fixtures

RUNS = ["synthetic_run", "sample_run"]


def _manifest(run: Path) -> dict:
    return json.loads((run / "manifest.json").read_text(encoding="utf-8"))


def _expected_partitions(run: Path) -> dict[tuple[str, str], int]:
    """Rows per (year, month) from the manifest, or from the directory names for hand-made runs."""
    counts = _manifest(run)["counts"].get("partitions")
    if counts:
        return {tuple(k.split("-", 1)): v for k, v in counts.items()}  # type: ignore[misc]
    import pyarrow.parquet as pq

    out: dict[tuple[str, str], int] = {}
    for path in run.glob("articles/year=*/month=*/*.parquet"):
        key = (path.parent.parent.name.split("=")[1], path.parent.name.split("=")[1])
        out[key] = out.get(key, 0) + pq.ParquetFile(path).metadata.num_rows
    return out


@pytest.mark.parametrize("run_name", RUNS)
def test_three_readers_agree_with_the_manifest(run_name: str, request: pytest.FixtureRequest) -> None:
    run: Path = request.getfixturevalue(run_name)
    rows = _manifest(run)["counts"]["rows"]
    glob = str(run / "articles" / "**" / "*.parquet")
    frame = pd.read_parquet(run / "articles", partitioning="hive")
    lazy = pl.scan_parquet(glob, hive_partitioning=True, hive_schema={"year": pl.String, "month": pl.String})
    polars_rows = lazy.select(pl.len()).collect().item()
    duck_rows = duckdb.sql(f"SELECT count(*) FROM read_parquet('{glob}', hive_partitioning=true)").fetchall()[0][0]
    assert len(frame) == polars_rows == duck_rows == rows
    rejects = duckdb.sql(f"SELECT count(*) FROM read_parquet('{run / 'rejects' / '*.parquet'}')").fetchall()[0][0]
    assert rejects == _manifest(run)["counts"]["rejects"]


@pytest.mark.parametrize("run_name", RUNS)
def test_partition_columns_match_dates_and_prune(run_name: str, request: pytest.FixtureRequest) -> None:
    run: Path = request.getfixturevalue(run_name)
    glob = str(run / "articles" / "**" / "*.parquet")
    grouped = duckdb.sql(
        f"SELECT year, month, count(*) AS n, "
        f"count(*) FILTER (WHERE published_date IS NOT NULL AND strftime(published_date, '%Y-%m') <> year || '-' || month) AS wrong "
        f"FROM read_parquet('{glob}', hive_partitioning=true, hive_types_autocast=false) GROUP BY year, month"
    ).fetchall()
    assert {(y, m): n for y, m, n, _ in grouped} == _expected_partitions(run)
    assert all(wrong == 0 for *_, wrong in grouped)
    undated = [n for y, m, n, _ in grouped if y == "unknown"]
    if ("unknown", "unknown") in _expected_partitions(run):
        assert undated and undated[0] >= 1
    assert all(m == "unknown" for y, m, *_ in grouped if y == "unknown")
    first = grouped[0]
    pruned = (pl.scan_parquet(glob, hive_partitioning=True, hive_schema={"year": pl.String, "month": pl.String})
              .filter((pl.col("year") == first[0]) & (pl.col("month") == first[1])).select(pl.len()).collect().item())
    assert pruned == first[2]


@pytest.mark.parametrize("run_name", RUNS)
def test_list_and_map_columns_come_through(run_name: str, request: pytest.FixtureRequest) -> None:
    run: Path = request.getfixturevalue(run_name)
    glob = str(run / "articles" / "**" / "*.parquet")
    duck = duckdb.sql(
        f"SELECT doc_id, len(tokens) AS n_tokens, token_count, paragraphs, topic_scores "
        f"FROM read_parquet('{glob}', hive_partitioning=true) ORDER BY doc_id"
    ).fetchall()
    assert duck and all(n == count for _, n, count, _, _ in duck)
    assert all(isinstance(paras, list) and paras and all(isinstance(p, str) for p in paras) for *_, paras, _ in duck)
    polars = (pl.scan_parquet(glob, hive_partitioning=True, hive_schema={"year": pl.String, "month": pl.String})
              .select("doc_id", "tokens", "topics", "topic_scores").sort("doc_id").collect())
    assert polars.schema["tokens"] == pl.List(pl.String)
    frame = read_articles(run).sort_values("doc_id").reset_index(drop=True)
    assert frame["tokens"].map(len).tolist() == [n for _, n, *_ in duck]
    assert frame["tokens"].tolist() == polars["tokens"].to_list()
    for (_, *_, scores), mine in zip(duck, frame["topic_scores"]):
        assert dict(scores or {}) == pytest.approx(mine)


def test_synthetic_map_values_round_trip(synthetic_run: Path) -> None:
    frame = read_articles(synthetic_run)
    first = frame.set_index("doc_id").loc["0000000000000000"]
    assert first["topics"] == ["pay"]
    assert first["topic_scores"]["pay"] == pytest.approx(0.8) and first["topic_scores"]["family"] == pytest.approx(0.1)
    assert first["year"] == "2019" and first["month"] == "12"
