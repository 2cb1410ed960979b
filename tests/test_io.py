"""Output layer: atomic writes, the schema, publishing staged parts into hive partitions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.dedup import DupInfo
from pipeline.dedup.stage import DedupColumns
from pipeline.io.atomic import TMP_PREFIX, write_parquet_atomic, write_staging_atomic, write_text_atomic
from pipeline.io.schema import (
    ARTICLE_SCHEMA,
    METADATA_KEY,
    REJECT_SCHEMA,
    SCHEMA_VERSION,
    articles_table,
    doc_to_row,
    partition_of,
    published_date,
    reject_to_row,
    rejects_table,
)
from pipeline.io.staging import iter_part_columns, read_part, staging_parts
from pipeline.publish import publish
from pipeline.record import Doc, Reject

PROV = {"pipeline_version": "0.1.0", "run_id": "r1", "model_version": "m1"}


def _doc(doc_id: str, published: str | None, text: str = "医院为护士发放补贴。") -> Doc:
    doc = Doc(doc_id=doc_id, source_path=f"{doc_id}.html", input_kind="html", title="标题", published_at=published)
    doc.paragraphs = [text]
    doc.text = text
    doc.tokens = ["医院", "为", "护士", "发放", "补贴", "。"]
    doc.topics = ["pay"]
    doc.topic_scores = {"pay": 0.9, "rest": 0.1}
    return doc


def test_atomic_write_leaves_nothing_behind_when_the_writer_fails(tmp_path: Path) -> None:
    target = tmp_path / "out.parquet"
    write_text_atomic(target, "old")

    def boom(_: str) -> None:
        raise RuntimeError("disk on fire")

    from pipeline.io.atomic import atomic_write

    with pytest.raises(RuntimeError):
        atomic_write(target, boom)
    assert target.read_text() == "old"
    assert not list(tmp_path.glob(TMP_PREFIX + "*"))


def test_atomic_files_get_the_mode_a_plain_open_gives(tmp_path: Path) -> None:
    """Not mkstemp's 0600: a dataset on a shared file system is read by other users."""
    import stat

    plain = tmp_path / "plain.txt"
    plain.write_text("x")
    write_text_atomic(tmp_path / "atomic.txt", "x")
    write_parquet_atomic(pa.table({"a": [1]}), tmp_path / "atomic.parquet")
    expected = stat.S_IMODE(plain.stat().st_mode)
    for name in ("atomic.txt", "atomic.parquet"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == expected, name


def test_rows_round_trip_with_schema_version_in_footer(tmp_path: Path) -> None:
    path = tmp_path / "a.parquet"
    write_parquet_atomic(articles_table([doc_to_row(_doc("a", "2020-02-03T10:00:00+08:00"), PROV)]), path)
    table = pq.read_table(path)
    assert table.schema.metadata[METADATA_KEY].decode() == SCHEMA_VERSION
    assert pq.ParquetFile(path).metadata.row_group(0).column(0).compression == "ZSTD"
    row = table.to_pylist()[0]
    assert row["published_date"].isoformat() == "2020-02-03"
    assert row["published_at"] == dt.datetime(2020, 2, 3, 2, 0, tzinfo=dt.UTC)  # 10:00 Beijing time
    assert row["published_at_original"] == "2020-02-03T10:00:00+08:00"
    assert {e["topic"]: e["score"] for e in row["topic_scores"]} == pytest.approx({"pay": 0.9, "rest": 0.1})
    assert row["token_count"] == 6 and row["run_id"] == "r1"


@pytest.mark.parametrize("value, expected", [
    ("2020-02-03T10:00:00+08:00", (2020, 2)), ("2019-11-30", (2019, 11)),
    (None, (0, 0)), ("not a date", (0, 0)),
])
def test_partition_of(value: str | None, expected: tuple[int, int]) -> None:
    assert partition_of(published_date(value)) == expected


def test_publish_splits_by_month_and_fills_dedup_columns(tmp_path: Path) -> None:
    staging = tmp_path / "_staging" / "t1"
    docs = [_doc("a", "2020-02-03"), _doc("b", "2020-03-01"), _doc("c", None), _doc("d", "2020-02-20")]
    write_staging_atomic(articles_table([doc_to_row(d, PROV) for d in docs]), staging / "articles-00000.arrow")
    write_staging_atomic(rejects_table([reject_to_row(Reject("e", "e.html", "ingest", "empty_input"), PROV)]),
                         staging / "rejects-00000.arrow")
    assignments = [DedupColumns({"a": DupInfo("a", 2, True, 0.0), "d": DupInfo("a", 2, False, 0.5),
                                 "b": DupInfo("b", 1, True, 0.0), "c": DupInfo("c", 1, True, 0.0)})]
    counts = publish(tmp_path, ["t1"], assignments).partitions
    assert counts == {"2020-02": 2, "2020-03": 1, "0000-00": 1}
    feb = pq.read_table(next((tmp_path / "articles" / "year=2020" / "month=2").glob("*.parquet"))).to_pylist()
    assert [(r["doc_id"], r["dup_cluster_id"], r["is_canonical"]) for r in feb] == [("a", "a", True), ("d", "a", False)]
    assert pq.read_table(tmp_path / "rejects" / "part-00000.parquet").column("reason").to_pylist() == ["empty_input"]
    # publishing again replaces the dataset instead of adding to it
    publish(tmp_path, ["t1"], assignments)
    assert len(list((tmp_path / "articles").rglob("*.parquet"))) == 3
    assert not list(tmp_path.glob("_publish-*")) and not list(tmp_path.glob("_trash-*"))
    assert pq.read_schema(next((tmp_path / "articles").rglob("*.parquet"))).names == ARTICLE_SCHEMA.names
    # min/max of whole texts prune nothing: not written; the short columns keep theirs
    chunk = pq.ParquetFile(next((tmp_path / "articles").rglob("*.parquet"))).metadata.row_group(0)
    stats = {chunk.column(i).path_in_schema: chunk.column(i).is_stats_set for i in range(chunk.num_columns)}
    assert stats["doc_id"] and stats["published_date"] and stats["char_count"]
    assert not stats["text"] and not stats["text_original"] and not stats["tokens.list.element"]


def test_staged_parts_read_back_in_task_and_part_order(tmp_path: Path) -> None:
    table = articles_table([doc_to_row(_doc(f"d{i}", "2020-02-03", f"第{i}篇。护士补贴。"), PROV) for i in range(5)])
    write_staging_atomic(table, tmp_path / "_staging" / "t1" / "articles-00001.arrow")
    write_staging_atomic(table, tmp_path / "_staging" / "t1" / "articles-00000.arrow")
    write_staging_atomic(table.slice(0, 2), tmp_path / "_staging" / "t2" / "articles-00000.arrow")
    parts = list(staging_parts(tmp_path, ["t2", "t1"], "articles"))
    assert [(task, path.name) for task, path in parts] == [
        ("t2", "articles-00000.arrow"), ("t1", "articles-00000.arrow"), ("t1", "articles-00001.arrow")]
    for _, path in parts[1:]:
        assert read_part(path, ARTICLE_SCHEMA).equals(table)
    batches = list(iter_part_columns(parts[2][1], ["text", "doc_id"], batch_size=2))
    assert [b["doc_id"] for b in batches] == [["d0", "d1"], ["d2", "d3"], ["d4"]]
    assert batches[0]["text"] == ["第0篇。护士补贴。", "第1篇。护士补贴。"]
    with pytest.raises(KeyError, match="no column 'nope'"):
        list(iter_part_columns(parts[2][1], ["doc_id", "nope"]))
    # a part staged before a column existed reads in today's schema, that column null
    older = table.drop_columns(["repeated_paragraph_ratio"])
    write_staging_atomic(older, tmp_path / "older.arrow")
    conformed = read_part(tmp_path / "older.arrow", ARTICLE_SCHEMA)
    assert conformed.schema.names == ARTICLE_SCHEMA.names
    assert conformed.column("repeated_paragraph_ratio").null_count == 5
    assert conformed.column("text").equals(table.column("text"))


def _stage(root: Path, task_id: str, docs: list[Doc]) -> None:
    staging = root / "_staging" / task_id
    write_staging_atomic(articles_table([doc_to_row(d, PROV) for d in docs]), staging / "articles-00000.arrow")
    write_staging_atomic(rejects_table([]), staging / "rejects-00000.arrow")


def _dataset_rows(root: Path) -> list[tuple[str, str, str | None, bool | None]]:
    """(file's partition, doc_id, cluster, canonical) in file-name order, as readers list them."""
    rows = []
    for path in sorted((root / "articles").rglob("*.parquet")):
        part = path.parent.relative_to(root / "articles").as_posix()
        rows += [(part, r["doc_id"], r["dup_cluster_id"], r["is_canonical"]) for r in pq.read_table(path).to_pylist()]
    return rows


@pytest.mark.slow
@pytest.mark.parametrize("engine, known_docs", [("local", False), ("dask", True)])
def test_publish_in_jobs_on_worker_processes_gives_the_same_rows_in_the_same_order(tmp_path: Path, engine: str,
                                                                                  known_docs: bool) -> None:
    from pipeline.engine.dask_executor import DaskExecutor
    from pipeline.engine.local import LocalExecutor
    from pipeline.publish import split_tasks

    months = ["2020-01-05", "2020-02-03", None, "2020-01-20", "2021-12-31"]
    tasks = {f"t{k}": [_doc(f"d{k}-{i}", months[(k + i) % len(months)], f"第{k}组第{i}篇，护士补贴。") for i in range(7)]
             for k in range(5)}
    assignments = {d.doc_id: DupInfo(d.doc_id, 1, True, 0.0) for docs in tasks.values() for d in docs}
    assignments["d3-1"] = DupInfo("d0-1", 2, False, 0.25)
    single, split = tmp_path / "single", tmp_path / "split"
    for root in (single, split):
        for task_id, docs in tasks.items():
            _stage(root, task_id, docs)
    assert [len(g) for g in split_tasks(split, list(tasks), 3, min_job_bytes=1)] in ([2, 2, 1], [2, 1, 2], [1, 2, 2])
    written_one = publish(single, list(tasks), [DedupColumns(assignments)])
    executor = LocalExecutor(2) if engine == "local" else DaskExecutor(workers=2)
    try:
        # the doc ids per task come from the dedup pass in a run, or are read from staging
        task_docs = {t: [d.doc_id for d in docs] for t, docs in tasks.items()} if known_docs else None
        written_jobs = publish(split, list(tasks), [DedupColumns(assignments, split, task_docs)], jobs=3,
                               run_jobs=executor.map_calls, min_job_bytes=1)
    finally:
        executor.close()
    counts_one, counts_jobs = written_one.partitions, written_jobs.partitions
    # the card's figures, counted by the jobs as they wrote, are those of the published files
    from pipeline.io.card import _summary

    card = _summary(split / "articles")
    assert written_jobs.stats.summary() == written_one.stats.summary() == card
    assert card["rows"] == 35 and card["undated"] == 7 and card["years"] == [("2020", 21), ("2021", 7), ("undated", 7)]
    assert counts_jobs == counts_one == {"2020-01": 14, "2020-02": 7, "2021-12": 7, "0000-00": 7}
    one, jobs = _dataset_rows(single), _dataset_rows(split)
    assert sorted(one) == sorted(jobs) and len(one) == 35
    # within each partition, rows keep task order whether one job or three wrote them
    for part in {p for p, *_ in one}:
        assert [r for r in one if r[0] == part] == [r for r in jobs if r[0] == part]
    assert ("year=2021/month=12", "d3-1", "d0-1", False) in jobs
    names = {p.name for p in (split / "articles").rglob("*.parquet")}
    assert {n[:9] for n in names} == {"part-000-", "part-001-", "part-002-"}


def test_read_part_gives_the_schema_asked_for(tmp_path: Path) -> None:
    """Staged parts come back as written; a part missing a column (written by another version)
    gets it as nulls, as ``pq.read_table(schema=...)`` gives it."""
    rejects = rejects_table([reject_to_row(Reject.of(Doc(doc_id="d1", source_path="a.txt", input_kind="text"),
                                                     "clean", "too_short", "3 characters"), PROV)])
    whole = tmp_path / "whole.arrow"
    write_staging_atomic(rejects, whole)
    assert read_part(whole, REJECT_SCHEMA).equals(rejects)
    assert read_part(whole).to_pylist() == rejects.to_pylist()
    older = tmp_path / "older.arrow"
    write_staging_atomic(rejects.drop_columns(["detail"]), older)
    table = read_part(older, REJECT_SCHEMA)
    assert table.schema.equals(REJECT_SCHEMA, check_metadata=False)
    assert table.column("detail").to_pylist() == [None]
    assert table.column("reason").to_pylist() == ["too_short"]


def test_a_copied_slice_holds_only_its_own_rows():
    from pipeline.publish.partitions import copied as _copied

    texts = [f"正文{i}" * 50 for i in range(1_000)]
    parent = pa.table({"doc_id": [str(i) for i in range(1_000)], "text": texts,
                       "tokens": [["正文", str(i)] for i in range(1_000)]})
    piece = parent.slice(10, 5)
    copy = _copied(piece)
    assert copy.equals(piece)
    assert piece.get_total_buffer_size() == parent.get_total_buffer_size()  # a slice keeps it all
    assert copy.get_total_buffer_size() * 50 < parent.get_total_buffer_size()
