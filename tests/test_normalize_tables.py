"""Prebuilt character tables: read from the package when their key matches, else built once and
cached in the user's private cache folder under the key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.normalize import tables


def test_a_stale_key_builds_once_then_reads_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZHNEWS_CACHE_DIR", str(tmp_path))
    builds: list[int] = []

    def build() -> dict[str, object]:
        builds.append(1)
        return {"chars": "医护"}

    assert tables.load_table("probe_table", "key-a", build) == {"chars": "医护"}
    assert tables.load_table("probe_table", "key-a", build) == {"chars": "医护"}
    assert len(builds) == 1  # the second call read the cache
    cached = list(tmp_path.rglob("probe_table-key-a.json"))
    assert len(cached) == 1 and json.loads(cached[0].read_text("utf-8"))["key"] == "key-a"
    # another key (another dictionary version) is another table
    tables.load_table("probe_table", "key-b", build)
    assert len(builds) == 2


def test_a_corrupt_cache_is_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZHNEWS_CACHE_DIR", str(tmp_path))
    tables.load_table("probe_table", "k", lambda: {"v": 1})
    cached = next(tmp_path.rglob("probe_table-k.json"))
    cached.write_text('{"key": "k", "tab', encoding="utf-8")
    assert tables.load_table("probe_table", "k", lambda: {"v": 2}) == {"v": 2}


def test_packaged_tables_carry_the_installed_keys() -> None:
    """Stale packaged tables would be rebuilt at every start: rebuild them in the package
    (``python -m pipeline.normalize.tables``) when jieba, OpenCC or the user dictionary change."""
    for name, key in (("mojibake_tables", tables.jieba_key()), ("script_chars", tables.opencc_key())):
        data = json.loads(tables.packaged_path(name).read_text("utf-8"))
        assert data["key"] == key, name
