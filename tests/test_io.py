"""Output layer: atomic writes, the schema, publishing staged parts into hive partitions."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.io.atomic import TMP_PREFIX, write_parquet_atomic, write_text_atomic
from pipeline.io.dataset import publish
from pipeline.io.schema import (
    ARTICLE_SCHEMA,
    METADATA_KEY,
    SCHEMA_VERSION,
    articles_table,
    doc_to_row,
    partition_of,
    reject_to_row,
    rejects_table,
)
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


def test_rows_round_trip_with_schema_version_in_footer(tmp_path: Path) -> None:
    path = tmp_path / "a.parquet"
    write_parquet_atomic(articles_table([doc_to_row(_doc("a", "2020-02-03T10:00:00+08:00"), PROV)]), path)
    table = pq.read_table(path)
    assert table.schema.metadata[METADATA_KEY].decode() == SCHEMA_VERSION
    assert pq.ParquetFile(path).metadata.row_group(0).column(0).compression == "ZSTD"
    row = table.to_pylist()[0]
    assert row["published_date"].isoformat() == "2020-02-03"
    assert dict(row["topic_scores"]) == pytest.approx({"pay": 0.9, "rest": 0.1})
    assert row["token_count"] == 6 and row["run_id"] == "r1"


@pytest.mark.parametrize("value, expected", [
    ("2020-02-03T10:00:00+08:00", ("2020", "02")), ("2019-11-30", ("2019", "11")),
    (None, ("unknown", "unknown")), ("not a date", ("unknown", "unknown")),
])
def test_partition_of(value: str | None, expected: tuple[str, str]) -> None:
    assert partition_of(value) == expected


def test_publish_splits_by_month_and_fills_dedup_columns(tmp_path: Path) -> None:
    staging = tmp_path / "_staging" / "t1"
    docs = [_doc("a", "2020-02-03"), _doc("b", "2020-03-01"), _doc("c", None), _doc("d", "2020-02-20")]
    write_parquet_atomic(articles_table([doc_to_row(d, PROV) for d in docs]), staging / "articles-00000.parquet")
    write_parquet_atomic(rejects_table([reject_to_row(Reject("e", "e.html", "ingest", "empty_input"), PROV)]),
                         staging / "rejects-00000.parquet")
    assignments = {"a": ("a", 2, True, 0.0), "d": ("a", 2, False, 0.5), "b": ("b", 1, True, 0.0), "c": ("c", 1, True, 0.0)}
    counts = publish(tmp_path, ["t1"], assignments)
    assert counts == {"2020-02": 2, "2020-03": 1, "unknown-unknown": 1}
    feb = pq.read_table(next((tmp_path / "articles" / "year=2020" / "month=02").glob("*.parquet"))).to_pylist()
    assert [(r["doc_id"], r["dup_cluster_id"], r["is_canonical"]) for r in feb] == [("a", "a", True), ("d", "a", False)]
    assert pq.read_table(tmp_path / "rejects" / "part-00000.parquet").column("reason").to_pylist() == ["empty_input"]
    # publishing again replaces the dataset instead of adding to it
    publish(tmp_path, ["t1"], assignments)
    assert len(list((tmp_path / "articles").rglob("*.parquet"))) == 3
    assert not list(tmp_path.glob("_publish-*")) and not list(tmp_path.glob("_trash-*"))
    assert pq.read_schema(next((tmp_path / "articles").rglob("*.parquet"))).names == ARTICLE_SCHEMA.names
