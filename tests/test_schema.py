"""The Parquet schema is versioned: any column change without a version bump fails here."""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.io.schema import ARTICLE_SCHEMA, METADATA_KEY, REJECT_SCHEMA, SCHEMA_VERSION, schema_fingerprint
from tests._run_fixture import synthetic_run  # noqa: F401 - fixture

#: Fingerprints (articles, rejects) per released schema version.  Changing a column means
#: bumping SCHEMA_VERSION, documenting it in docs/schema.md and adding a line here.
FINGERPRINTS = {
    "1.0.0": ("a027840aacd1533e", "4322b6715232fe48"),
    "1.1.0": ("226ab4e349152e36", "4322b6715232fe48"),  # + evidence
    # topic_scores list<struct>, UTC timestamps, + published_at_original, author_original, source_original,
    # encoding_errors
    "2.0.0": ("f43b008fb7a13858", "4322b6715232fe48"),
}

DOC = Path(__file__).resolve().parent.parent / "docs" / "schema.md"


def test_schema_matches_the_fingerprint_of_its_version() -> None:
    assert SCHEMA_VERSION in FINGERPRINTS, f"new schema version {SCHEMA_VERSION}: add its fingerprints"
    expected = FINGERPRINTS[SCHEMA_VERSION]
    actual = (schema_fingerprint(ARTICLE_SCHEMA), schema_fingerprint(REJECT_SCHEMA))
    assert actual == expected, "a column changed: bump SCHEMA_VERSION and record the new fingerprints"


def test_fingerprint_sees_type_and_nullability_changes() -> None:
    retyped = ARTICLE_SCHEMA.set(0, ARTICLE_SCHEMA.field("doc_id").with_type(pa.large_string()))
    nullable = ARTICLE_SCHEMA.set(0, ARTICLE_SCHEMA.field("doc_id").with_nullable(True))
    fingerprints = {schema_fingerprint(s) for s in (ARTICLE_SCHEMA, retyped, nullable)}
    assert len(fingerprints) == 3


def _documented(section: str) -> list[str]:
    text = DOC.read_text(encoding="utf-8")
    body = text.split(f"## `{section}`", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `([a-z_0-9]+)` \|", body, flags=re.M)


def test_docs_describe_every_column_in_schema_order() -> None:
    assert _documented("articles") == ARTICLE_SCHEMA.names
    assert _documented("rejects") == REJECT_SCHEMA.names
    assert f"Schema version: {SCHEMA_VERSION}" in DOC.read_text(encoding="utf-8")


def test_written_files_carry_the_version_in_their_footer(synthetic_run: Path) -> None:
    files = sorted(synthetic_run.rglob("*.parquet"))
    assert len(files) >= 4
    for path in files:
        metadata = pq.read_schema(path).metadata
        assert metadata[METADATA_KEY].decode() == SCHEMA_VERSION
        assert metadata[b"zhnews.table"] in (b"articles", b"rejects")


def test_the_1x_fixture_is_the_recorded_1_1_0_schema() -> None:
    """The run folder the compatibility tests read is written in exactly the old schema."""
    from tests._run_fixture import V1_ARTICLE_SCHEMA

    assert schema_fingerprint(V1_ARTICLE_SCHEMA) == FINGERPRINTS["1.1.0"][0]
