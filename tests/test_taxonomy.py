"""The taxonomy data file and custom taxonomies."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.classify.taxonomy import load_taxonomy, taxonomy_from_dict
from pipeline.errors import UsageError

EXPECTED = ["pay", "protection", "rest", "mental", "family", "career", "honor", "charity", "health_service"]


def test_packaged_taxonomy_has_the_nine_topics() -> None:
    tax = load_taxonomy()
    assert tax.keys == EXPECTED
    for topic in tax.topics:
        assert topic.name and topic.definition and len(topic.seed_terms) >= 5
    assert "医务人员" in tax.relevance_terms


def test_seed_terms_are_simplified() -> None:
    from pipeline.normalize.opencc_convert import convert

    tax = load_taxonomy()
    for topic in tax.topics:
        for term in topic.seed_terms:
            assert convert(term, "t2s") == term


def test_custom_taxonomy_file(tmp_path: Path) -> None:
    path = tmp_path / "tax.yaml"
    path.write_text("name: mine\ntopics:\n  - key: wages\n    seed_terms: [工资]\n  - key: housing\n", encoding="utf-8")
    tax = load_taxonomy(path)
    assert tax.keys == ["wages", "housing"]
    assert tax.topics[1].seed_terms == () and tax.relevance_terms == ()


@pytest.mark.parametrize(
    "data",
    [{}, {"topics": []}, {"topics": [{"name": "no key"}]}, {"topics": [{"key": "a"}, {"key": "a"}]}],
)
def test_malformed_taxonomy_rejected(data: dict) -> None:
    with pytest.raises(ValueError):
        taxonomy_from_dict(data)


def test_unreadable_taxonomy_is_usage_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("topics: [unclosed", encoding="utf-8")
    with pytest.raises(UsageError):
        load_taxonomy(bad)
    with pytest.raises(UsageError):
        load_taxonomy(tmp_path / "missing.yaml")


def test_worker_terms_are_listed_and_simplified() -> None:
    from pipeline.normalize.opencc_convert import convert

    tax = load_taxonomy()
    assert {"医务人员", "护士", "乡村医生"} <= set(tax.worker_terms)
    assert all(convert(t, "t2s") == t for t in tax.worker_terms)
    assert taxonomy_from_dict(tax.to_dict()).worker_terms == tax.worker_terms
