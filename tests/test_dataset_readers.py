"""A run's output reads the same, with the same types and no reader options, in pandas, polars,
DuckDB and Hugging Face ``datasets``."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import datasets
import duckdb
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.report.load import read_articles
from tests._run_fixture import sample_run, synthetic_run  # noqa: F401 - fixtures

RUNS = ["synthetic_run", "sample_run"]


def _manifest(run: Path) -> dict:
    return json.loads((run / "manifest.json").read_text(encoding="utf-8"))


def _glob(run: Path) -> str:
    return str(run / "articles" / "**" / "*.parquet")


def _file_schema(run: Path) -> pa.Schema:
    return pq.read_schema(next(iter(sorted((run / "articles").rglob("*.parquet")))))


def _hf(run: Path, cache: Path) -> datasets.Dataset:
    return datasets.load_dataset("parquet", data_files=_glob(run), split="train", cache_dir=str(cache))


def _expected_partitions(run: Path) -> dict[tuple[int, int], int]:
    """Rows per (year, month) from the manifest (``YYYY-MM``; ``0000-00``: undated)."""
    counts = _manifest(run)["counts"].get("partitions")
    if counts:
        return {(int(k[:4]), int(k[5:])): v for k, v in counts.items()}
    out: dict[tuple[int, int], int] = {}
    for path in (run / "articles").glob("year=*/month=*/*.parquet"):
        key = (int(path.parent.parent.name.split("=")[1]), int(path.parent.name.split("=")[1]))
        out[key] = out.get(key, 0) + pq.ParquetFile(path).metadata.num_rows
    return out


@pytest.mark.parametrize("run_name", RUNS)
def test_four_readers_agree_with_the_manifest(run_name: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    run: Path = request.getfixturevalue(run_name)
    rows = _manifest(run)["counts"]["rows"]
    frame = pd.read_parquet(run / "articles")
    polars_rows = pl.scan_parquet(_glob(run), hive_partitioning=True).select(pl.len()).collect().item()
    duck_rows = duckdb.sql(f"SELECT count(*) FROM read_parquet('{_glob(run)}', hive_partitioning=true)").fetchall()[0][0]
    assert len(frame) == polars_rows == duck_rows == _hf(run, tmp_path).num_rows == rows
    rejects = duckdb.sql(f"SELECT count(*) FROM read_parquet('{run / 'rejects' / '*.parquet'}')").fetchall()[0][0]
    assert rejects == _manifest(run)["counts"]["rejects"]


@pytest.mark.parametrize("run_name", RUNS)
def test_same_types_in_every_reader(run_name: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    run: Path = request.getfixturevalue(run_name)
    stored = _file_schema(run)
    # Hugging Face: every column, with the very Arrow type of the files (no map, which it cannot hold)
    hf = _hf(run, tmp_path)
    assert hf.features.arrow_schema.names == stored.names
    for name in stored.names:
        assert hf.features.arrow_schema.field(name).type == stored.field(name).type, name
    assert stored.field("topic_scores").type == pa.list_(pa.struct([("topic", pa.string()), ("score", pa.float32())]))
    assert stored.field("published_at").type == pa.timestamp("ms", tz="UTC") == stored.field("fetched_at").type
    polars = pl.scan_parquet(_glob(run), hive_partitioning=True).collect_schema()
    assert polars["published_at"] == pl.Datetime("ms", "UTC") and polars["published_date"] == pl.Date
    assert polars["topic_scores"] == pl.List(pl.Struct({"topic": pl.String, "score": pl.Float32}))
    assert polars["year"].is_integer() and polars["month"].is_integer()
    described = duckdb.sql(f"DESCRIBE SELECT * FROM read_parquet('{_glob(run)}', hive_partitioning=true)").fetchall()
    duck = {name: kind for name, kind, *_ in described}
    assert duck["published_at"] == duck["fetched_at"] == "TIMESTAMP WITH TIME ZONE"
    assert duck["topic_scores"] == "STRUCT(topic VARCHAR, score FLOAT)[]"
    assert duck["year"] == duck["month"] == "BIGINT"
    frame = pd.read_parquet(run / "articles")
    assert isinstance(frame["published_at"].dtype, pd.DatetimeTZDtype) and str(frame["published_at"].dt.tz) == "UTC"
    assert all(isinstance(c, int) for c in frame["year"].cat.categories.tolist() + frame["month"].cat.categories.tolist())


@pytest.mark.parametrize("run_name", RUNS)
def test_same_values_in_every_reader(run_name: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    run: Path = request.getfixturevalue(run_name)
    columns = ["doc_id", "published_at", "published_date", "topic_scores", "tokens"]
    hf = sorted(_hf(run, tmp_path).select_columns(columns).to_list(), key=lambda r: r["doc_id"])
    polars = (pl.scan_parquet(_glob(run), hive_partitioning=True).select(columns).sort("doc_id").collect().to_dicts())
    duck = duckdb.sql(f"SELECT {', '.join(columns)} FROM read_parquet('{_glob(run)}', hive_partitioning=true) "
                      "ORDER BY doc_id").fetchall()
    frame = pd.read_parquet(run / "articles", columns=columns).sort_values("doc_id").reset_index(drop=True)
    assert len(hf) == len(polars) == len(duck) == len(frame) > 0
    for i, (a, b, c) in enumerate(zip(hf, polars, duck)):
        assert a["doc_id"] == b["doc_id"] == c[0] == frame["doc_id"][i]
        stamps = {a["published_at"], b["published_at"], c[1], None if pd.isna(frame["published_at"][i]) else
                  frame["published_at"][i].to_pydatetime()}
        assert len(stamps) == 1, a["doc_id"]
        assert a["published_date"] == b["published_date"] == c[2]
        duck_scores = [{"topic": t["topic"], "score": t["score"]} for t in c[3] or []]
        assert (a["topic_scores"] or []) == (b["topic_scores"] or []) == duck_scores, a["doc_id"]
        assert a["tokens"] == b["tokens"] == c[4] == list(frame["tokens"][i])
    dated = [a for a in hf if a["published_at"] is not None]
    assert dated and all(a["published_at"].tzinfo is not None for a in dated)


@pytest.mark.parametrize("run_name", RUNS)
def test_where_year_equals_an_integer_works_without_options(run_name: str, request: pytest.FixtureRequest) -> None:
    run: Path = request.getfixturevalue(run_name)
    expected = _expected_partitions(run)
    year, month = max(expected, key=expected.__getitem__)
    assert year > 0
    in_year = sum(n for (y, _), n in expected.items() if y == year)
    duck = duckdb.sql(f"SELECT count(*) FROM read_parquet('{_glob(run)}', hive_partitioning=true) "
                      f"WHERE year = {year}").fetchall()[0][0]
    polars = pl.scan_parquet(_glob(run), hive_partitioning=True).filter(pl.col("year") == year).select(pl.len())
    pandas = pd.read_parquet(run / "articles", filters=[("year", "=", year)])
    assert duck == polars.collect().item() == len(pandas) == in_year
    pruned = (pl.scan_parquet(_glob(run), hive_partitioning=True)
              .filter((pl.col("year") == year) & (pl.col("month") == month)).select(pl.len()).collect().item())
    assert pruned == expected[(year, month)]


@pytest.mark.parametrize("run_name", RUNS)
def test_partition_columns_match_dates(run_name: str, request: pytest.FixtureRequest) -> None:
    run: Path = request.getfixturevalue(run_name)
    grouped = duckdb.sql(
        f"SELECT year, month, count(*) AS n, "
        f"count(*) FILTER (WHERE published_date IS NULL) AS undated, "
        f"count(*) FILTER (WHERE year * 100 + month <> year(published_date) * 100 + month(published_date)) AS wrong "
        f"FROM read_parquet('{_glob(run)}', hive_partitioning=true) GROUP BY year, month"
    ).fetchall()
    assert {(y, m): n for y, m, n, *_ in grouped} == _expected_partitions(run)
    assert all(wrong == 0 for *_, wrong in grouped)
    for y, m, n, undated, _ in grouped:  # undated articles, and only they, are under year=0/month=0
        assert undated == (n if (y, m) == (0, 0) else 0)


def test_synthetic_values_round_trip(synthetic_run: Path) -> None:
    frame = read_articles(synthetic_run, columns=None)
    first = frame.set_index("doc_id").loc["0000000000000000"]
    assert first["topics"] == ["pay"]
    assert first["topic_scores"]["pay"] == pytest.approx(0.8) and first["topic_scores"]["family"] == pytest.approx(0.1)
    assert first["year"] == 2019 and first["month"] == 12
    assert first["published_at_original"] == "2019-12-01T08:00:00+08:00"
    assert first["published_at"] == pd.Timestamp(dt.datetime(2019, 12, 1, 0, 0, tzinfo=dt.UTC))
    undated = frame.set_index("doc_id").loc["000000000000002f"]
    assert (undated["year"], undated["month"]) == (0, 0) and pd.isna(undated["published_at"])
    assert undated["published_at_original"] == "not a date"
