"""BuildTree: files of a folder published whole, written and fsynced by threads."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.io.atomic import BuildTree


def test_every_file_is_complete_after_close(tmp_path: Path) -> None:
    tree = BuildTree(tmp_path / "build", threads=2)
    tables = {i: pa.table({"n": list(range(i * 1000, i * 1000 + 500))}) for i in range(12)}
    for i, table in tables.items():  # more files than the in-flight bound (2 x threads)
        tree.write_parquet(table, tmp_path / "build" / f"year={2000 + i % 3}" / f"part-{i:05d}.parquet")
    tree.close()
    for i, table in tables.items():  # the file alone: read_table adds the hive column on some pyarrow versions
        assert pq.ParquetFile(tmp_path / "build" / f"year={2000 + i % 3}" / f"part-{i:05d}.parquet").read().equals(table)


def test_a_failed_write_is_raised(tmp_path: Path) -> None:
    tree = BuildTree(tmp_path / "build")
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "taken").mkdir()  # a directory where the file should go
    tree.write_parquet(pa.table({"n": [1]}), tmp_path / "build" / "taken")
    with pytest.raises(OSError):
        tree.close()


def test_bytes_in_flight_stay_under_the_limit(tmp_path: Path) -> None:
    table = pa.table({"text": ["医护人员夜班补助" * 50] * 200})
    size = table.get_total_buffer_size()
    tree = BuildTree(tmp_path / "build", threads=2, max_pending_bytes=int(2.5 * size))
    seen = []
    for i in range(10):  # the count bound alone (2 x threads) would let 4 tables queue up
        tree.write_parquet(table, tmp_path / "build" / f"part-{i:05d}.parquet")
        seen.append(tree.pending_bytes)
    tree.close()
    assert max(seen) == 2 * size  # two tables in flight, never a third
    assert tree.pending_bytes == 0
    assert all(pq.read_table(tmp_path / "build" / f"part-{i:05d}.parquet").equals(table) for i in range(10))
    # one table larger than the limit is still written (alone)
    big = BuildTree(tmp_path / "big", max_pending_bytes=1)
    for i in range(3):
        big.write_parquet(table, tmp_path / "big" / f"part-{i}.parquet")
        assert big.pending_bytes == size
    big.close()
    assert len(list((tmp_path / "big").glob("*.parquet"))) == 3
