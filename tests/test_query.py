"""Article filters, ``zhnews kwic`` and ``export --format xlsx`` on a real run over ../shared data,
each result checked against DuckDB reading the same Parquet files."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import duckdb
import pytest

from pipeline.cli import main as cli_main
from pipeline.query.filters import ArticleFilter, read_table
from tests._run_fixture import shared_run  # noqa: F401 - fixture

pytestmark = pytest.mark.slow  # the session's real run takes about ten seconds


def _sql(run: Path, where: str, select: str = "doc_id") -> list[tuple]:
    glob = str(run / "articles" / "**" / "*.parquet")
    return duckdb.sql(f"SELECT {select} FROM read_parquet('{glob}', hive_partitioning = true) WHERE {where}").fetchall()


def _ids(run: Path, where: str) -> set[str]:
    return {row[0] for row in _sql(run, where)}


def _export_ids(capsys: pytest.CaptureFixture[str], run: Path, *options: str) -> list[str]:
    assert cli_main(["export", str(run), "--format", "jsonl", "--columns", "doc_id", *options]) == 0
    return [json.loads(line)["doc_id"] for line in capsys.readouterr().out.splitlines()]


def test_date_topic_relevance_and_canonical_filters_match_duckdb(shared_run: Path, capsys) -> None:
    got = _export_ids(capsys, shared_run, "--since", "2020-02", "--until", "2020-03", "--topic", "protection",
                      "--topic", "rest", "--relevant-only")
    want = _ids(shared_run, "published_date BETWEEN DATE '2020-02-01' AND DATE '2020-03-31' AND relevant "
                            "AND (list_contains(topics, 'protection') OR list_contains(topics, 'rest'))")
    assert want and sorted(got) == sorted(want)
    canonical = _export_ids(capsys, shared_run, "--canonical-only", "--until", "2019")
    assert sorted(canonical) == sorted(_ids(shared_run, "(is_canonical OR is_canonical IS NULL) "
                                                        "AND published_date <= DATE '2019-12-31'"))


def test_query_matches_whole_words_and_traditional_script(shared_run: Path, capsys) -> None:
    words = set(_export_ids(capsys, shared_run, "--query", "医生"))
    traditional = set(_export_ids(capsys, shared_run, "--query", "醫生"))
    anywhere = set(_export_ids(capsys, shared_run, "--query", "医生", "--substring"))
    assert anywhere == _ids(shared_run, "contains(text, '医生')")
    assert words == traditional and words < anywhere  # 医生们, 医生节 ... are other words
    plural = set(_export_ids(capsys, shared_run, "--query", "醫生們"))
    assert plural and plural <= _ids(shared_run, "contains(text, '医生们')")


def test_source_filter_uses_the_display_name(shared_run: Path, capsys) -> None:
    # JSONL bodies opening with a broadcast dateline get that outlet as their source
    named = _export_ids(capsys, shared_run, "--source", "央视网")
    assert named and sorted(named) == sorted(_ids(shared_run, "source = '央视网'"))
    site = _export_ids(capsys, shared_run, "--source", "hkcnews.com")
    assert site and sorted(site) == sorted(_ids(shared_run, "(source IS NULL OR source = '') AND url LIKE 'https://%hkcnews.com/%'"))
    both = _export_ids(capsys, shared_run, "--source", "央视网", "--source", "hkcnews.com")
    assert sorted(both) == sorted(named + site)


def test_filters_apply_to_prevalence_and_report(shared_run: Path, capsys, tmp_path: Path) -> None:
    assert cli_main(["prevalence", str(shared_run), "--by", "source", "--source", "hkcnews.com", "--since", "2019",
                     "--bootstrap", "20"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    want = _sql(shared_run, "url LIKE '%hkcnews.com/%' AND published_date >= DATE '2019-01-01'", "count(*)")[0][0]
    assert [(r["group"], r["n"]) for r in rows] == [("hkcnews.com", want)]
    out = tmp_path / "report.html"
    assert cli_main(["report", str(shared_run), "--out", str(out), "--topic", "honor"]) == 0
    honor = _sql(shared_run, "list_contains(topics, 'honor')", "count(*)")[0][0]
    assert f"<dt>Articles</dt><dd>{honor} (" in out.read_text(encoding="utf-8")


def test_kwic_hits_agree_with_the_text(shared_run: Path, capsys) -> None:
    assert cli_main(["kwic", "医生", str(shared_run), "--format", "jsonl", "--window", "8"]) == 0
    hits = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    texts = dict(_sql(shared_run, "contains(text, '医生')", "doc_id, text"))
    assert hits and {h["doc_id"] for h in hits} <= set(texts)
    for hit in hits:
        text = texts[hit["doc_id"]]
        assert text[hit["offset"]: hit["offset"] + 2] == hit["match"] == "医生"
        assert not text.startswith("们", hit["offset"] + 2)
        assert len(hit["left"]) <= 8 and len(hit["right"]) <= 8 and hit["date"] and hit["source"]
    assert cli_main(["kwic", "醫生", str(shared_run), "--format", "csv", "--substring"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    occurrences = _sql(shared_run, "true", "sum((len(text) - len(replace(text, '医生', ''))) // 2)")[0][0]
    assert len(rows) == occurrences > len(hits)
    assert list(rows[0]) == ["doc_id", "date", "source", "title", "left", "match", "right", "offset"]


def test_kwic_table_and_filters(shared_run: Path, capsys) -> None:
    assert cli_main(["kwic", "护士", str(shared_run), "--source", "hkcnews.com", "--until", "2019-06"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines and all("【护士】" in line and "hkcnews.com" in line for line in lines)
    assert all(line[:10] <= "2019-06-30" for line in lines)


def test_xlsx_workbook_reads_back(shared_run: Path, tmp_path: Path) -> None:
    import openpyxl

    out = tmp_path / "relevant.xlsx"
    assert cli_main(["export", str(shared_run), "--format", "xlsx", "--out", str(out), "--relevant-only",
                     "--since", "2019"]) == 0
    book = openpyxl.load_workbook(out, read_only=False)
    assert book.sheetnames == ["articles", "topic_shares"]
    articles = book["articles"]
    header = [c.value for c in articles[1]]
    rows = list(articles.iter_rows(min_row=2, values_only=True))
    want = _sql(shared_run, "relevant AND published_date >= DATE '2019-01-01'", "doc_id, topics")
    assert sorted(r[header.index("doc_id")] for r in rows) == sorted(d for d, _ in want)
    topics = dict(want)
    for row in rows:  # lists as joined text
        assert row[header.index("topics")] == ("; ".join(topics[row[0]]) or None)
    assert header.index("source_name") == header.index("source") + 1 and "score_protection" in header
    widths = {}  # openpyxl groups neighbouring columns of one width into one range
    for dim in articles.column_dimensions.values():
        for column in range(dim.min, dim.max + 1):
            widths[column] = dim.width
    width = {h: widths[i + 1] for i, h in enumerate(header)}
    assert width["title"] > width["doc_id"] > width["relevant"]  # titles of Chinese characters count double
    shares = book["topic_shares"]
    share_header = [c.value for c in shares[1]]
    months = {r[0]: r for r in shares.iter_rows(min_row=2, values_only=True)}
    per_month = dict(_sql(shared_run, "relevant AND published_date >= DATE '2019-01-01' GROUP BY 1",
                          "strftime(published_date, '%Y-%m'), count(*)"))
    assert {m: r[1] for m, r in months.items()} == per_month
    at = share_header.index("protection")
    protection = dict(_sql(shared_run, "relevant AND published_date >= DATE '2019-01-01' GROUP BY 1",
                           "strftime(published_date, '%Y-%m'), avg(list_contains(topics, 'protection')::int)"))
    assert all(months[m][at] == pytest.approx(v, abs=1e-4) for m, v in protection.items())


def test_bad_filter_values_are_usage_errors(shared_run: Path, capsys, tmp_path: Path) -> None:
    assert cli_main(["export", str(shared_run), "--since", "2020-13"]) == 2
    assert "not a date" in capsys.readouterr().err
    assert cli_main(["kwic", "医生", str(shared_run), "--since", "2021", "--until", "2020"]) == 2
    assert "after --until" in capsys.readouterr().err
    assert cli_main(["export", str(shared_run), "--format", "xlsx"]) == 2
    assert "-o/--output FILE.xlsx" in capsys.readouterr().err
    assert read_table(shared_run, ["doc_id"], ArticleFilter(topics=("no-such-topic",))).num_rows == 0
