"""Runs written in schema 1.x read like 2.0 runs in the report, the export and the prevalence estimate."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.classify.scored import read_run_scores
from pipeline.cli import main as cli_main
from pipeline.errors import UsageError
from pipeline.io.articles import ArticlesReader
from pipeline.io.export import export_articles
from pipeline.query.filters import ArticleFilter, read_table
from pipeline.query.kwic import kwic
from pipeline.report.load import read_articles
from tests._run_fixture import synthetic_rows, synthetic_run, synthetic_v1_run  # noqa: F401 - fixtures

KEYS = ["pay", "protection", "rest", "mental", "family"]


def test_the_old_run_is_stored_the_old_way(synthetic_v1_run: Path) -> None:
    schema = pq.read_schema(next((synthetic_v1_run / "articles" / "year=2020" / "month=02").glob("*.parquet")))
    assert schema.metadata[b"zhnews.schema_version"] == b"1.1.0"
    assert pa.types.is_map(schema.field("topic_scores").type) and schema.field("published_at").type == pa.string()
    assert (synthetic_v1_run / "articles" / "year=unknown" / "month=unknown").is_dir()


def test_report_frames_of_old_and_new_runs_are_equal(synthetic_v1_run: Path, synthetic_run: Path) -> None:
    old = read_articles(synthetic_v1_run, columns=None).sort_values("doc_id").reset_index(drop=True)
    new = read_articles(synthetic_run, columns=None).sort_values("doc_id").reset_index(drop=True)
    assert list(old.columns) == list(new.columns)
    for name in ("published_at", "published_at_original", "published_date", "fetched_at", "author_original",
                 "source", "source_original", "year", "month", "topics"):
        assert old[name].tolist() == new[name].tolist(), name
    for mine, theirs in zip(old["topic_scores"], new["topic_scores"]):
        assert mine == pytest.approx(theirs)
    assert str(old["year"].dtype) == str(new["year"].dtype) == "int32"
    assert isinstance(old["published_at"].dtype, pd.DatetimeTZDtype)
    # not counted before 2.0: null, not a made-up 0
    assert old["encoding_errors"].isna().all() and (new["encoding_errors"] == 0).all()


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_exports_of_old_and_new_runs_are_equal(fmt: str, synthetic_v1_run: Path, synthetic_run: Path) -> None:
    outputs, raw = [], []
    counted = []  # encoding_errors: not counted before 2.0 (empty), 0 in the 2.0 run
    for run in (synthetic_v1_run, synthetic_run):
        handle = io.StringIO()
        assert export_articles(run, fmt, handle) == 48
        raw.append(handle.getvalue())
        if fmt == "csv":
            records: list[dict] = list(csv.DictReader(io.StringIO(handle.getvalue().lstrip("\ufeff"))))
        else:
            records = [json.loads(line) for line in handle.getvalue().splitlines()]
        counted.append({record.pop("encoding_errors") for record in records})
        outputs.append(sorted(json.dumps(record, ensure_ascii=False, sort_keys=True) for record in records))
    assert outputs[0] == outputs[1]
    assert counted == ([{""}, {"0"}] if fmt == "csv" else [{None}, {0}])
    assert "score_pay" in raw[0] if fmt == "csv" else '"topic_scores": {"pay": 0.8' in raw[0]


def test_prevalence_reads_old_and_new_runs_alike(synthetic_v1_run: Path, synthetic_run: Path) -> None:
    def rows(run: Path) -> list[tuple]:
        docs = read_run_scores(run, KEYS)
        return sorted((p or "", s or "", r, *t) for p, s, r, t in
                      zip(docs.published_at, docs.source, docs.relevant_score.tolist(), docs.topic_scores.tolist()))

    old = rows(synthetic_v1_run)
    assert len(old) == 48 and old == rows(synthetic_run)
    assert sum(1 for row in old if 0.8 in [round(v, 3) for v in row[3:]]) == 42  # the 6 off-topic stories score 0.1 only


# each case: a filter, and the rows of synthetic_rows() it selects, decided on the stored strings
FILTER_CASES = [
    (ArticleFilter(since=dt.date(2020, 2, 1), until=dt.date(2020, 3, 31)),
     lambda r: "2020-02" <= (r["published_at_original"] or "")[:7] <= "2020-03"),
    # 2019-12-xxT08:00+08:00 is still 2019 in UTC and in Beijing: the page's calendar day counts
    (ArticleFilter(until=dt.date(2019, 12, 31)), lambda r: (r["published_at_original"] or "9")[:4] == "2019"),
    (ArticleFilter(since=dt.date(2020, 4, 1), topics=("rest",)),
     lambda r: (r["published_at_original"] or "")[:7] >= "2020-04" and r["published_date"] is not None
     and "rest" in r["topics"]),
    (ArticleFilter(sources=("健康报",), canonical_only=True), lambda r: r["source"] == "健康报" and r["is_canonical"]),
    (ArticleFilter(query="医护人员", relevant_only=True), lambda r: "医护人员" in r["tokens"] and r["relevant"]),
]


@pytest.mark.parametrize(("article_filter", "selects"), FILTER_CASES)
def test_filters_select_alike_in_old_and_new_runs(article_filter: ArticleFilter, selects, synthetic_v1_run: Path,
                                                  synthetic_run: Path) -> None:
    want = sorted(r["doc_id"] for r in synthetic_rows() if selects(r))
    assert want
    for run in (synthetic_v1_run, synthetic_run):
        got = read_table(run, ["doc_id", "topic_scores"], article_filter.for_run(run))
        assert sorted(got.column("doc_id").to_pylist()) == want, run
        assert pa.types.is_list(got.schema.field("topic_scores").type)  # the current schema, whoever wrote it


def test_kwic_and_filtered_prevalence_read_old_and_new_runs_alike(synthetic_v1_run: Path, synthetic_run: Path) -> None:
    since = ArticleFilter(since=dt.date(2020, 3, 1))
    hits = [sorted(h.as_dict().values().__repr__() for h in kwic(run, "医护人员", 4, since))
            for run in (synthetic_v1_run, synthetic_run)]
    assert hits[0] and hits[0] == hits[1]
    dated = [read_run_scores(run, KEYS, since).published_at for run in (synthetic_v1_run, synthetic_run)]
    want = sorted(r["published_at_original"] for r in synthetic_rows()
                  if r["published_date"] is not None and r["published_at_original"][:7] >= "2020-03")
    assert sorted(dated[0]) == sorted(dated[1]) == want


@pytest.mark.slow  # draws every chart
def test_report_renders_an_old_run(synthetic_v1_run: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    assert cli_main(["report", str(synthetic_v1_run), "--out", str(out)]) == 0
    assert "2020" in out.read_text(encoding="utf-8")


def test_a_newer_major_version_is_refused(tmp_path: Path) -> None:
    table = pa.table({"doc_id": ["a"]}).replace_schema_metadata({b"zhnews.schema_version": b"3.0.0"})
    (tmp_path / "articles").mkdir()
    pq.write_table(table, tmp_path / "articles" / "part-0.parquet")
    with pytest.raises(UsageError, match="newer"):
        ArticlesReader(tmp_path)


def test_scores_of_a_sliced_old_batch_are_upgraded() -> None:
    """A 1.x map column read in batches arrives sliced (non-zero offset); an unscored row stays null."""
    from pipeline.io.articles import upgrade

    maps = pa.array(
        [[("pay", 0.5)], None, [("rest", 0.25), ("pay", 1.0)], [("family", 0.125)]], pa.map_(pa.string(), pa.float32())
    )
    table = upgrade(pa.table({"topic_scores": maps}).slice(1, 3))
    assert table.column("topic_scores").to_pylist() == [
        None,
        [{"topic": "rest", "score": 0.25}, {"topic": "pay", "score": 1.0}],
        [{"topic": "family", "score": 0.125}],
    ]
