"""Dedup features computed per task (as workers do) give the clusters of one pass over everything."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from pipeline.dedup import DedupInput, Deduplicator
from pipeline.dedup.features import FeatureBatch, featurize, from_table, table_params, to_table
from pipeline.dedup.minhash import shingle_hashes
from pipeline.dedup.paragraphs import text_hash
from pipeline.dedup.textkey import document_key
from tests.dedup_helpers import find_duplicates
from tests.test_dedup_shared import load_indomain

FILES = ("ncov10k_weibo_2020.jsonl", "dxy_news_2020.jsonl", "hkcnews.jsonl")
PARAMS = Deduplicator().feature_params()


def _with_copies(recs: list[DedupInput], seed: int) -> list[DedupInput]:
    """``recs`` plus exact copies (new ids, other dates) and an empty document, shuffled."""
    rng = random.Random(seed)
    copies = [DedupInput(f"copy-{i}-{r.doc_id}", r.text, "2019-01-01", r.char_count)
              for i, r in enumerate(rng.sample(recs, 200))]
    out = recs + copies + [DedupInput("empty", "", None, 0)]
    rng.shuffle(out)
    return out


def test_features_match_their_definitions_on_real_text(shared_data: Path) -> None:
    recs = load_indomain(shared_data, ("hkcnews.jsonl",))[:300]
    recs = recs + [DedupInput("again", recs[0].text, None, 1)]
    batch = featurize(recs, **PARAMS)
    assert len(batch) == len(recs) and batch.signatures.shape == (len(recs), 128)
    offset = 0
    for i, rec in enumerate(recs):
        key = document_key(rec.text)
        distinct = np.unique(shingle_hashes(key, 5))
        assert batch.key_hashes[i] == (text_hash(key) if key else 0)
        assert batch.key_lengths[i] == len(key)
        assert batch.set_sizes[i] == len(distinct)
        if batch.stored[i]:
            assert np.array_equal(batch.shingles[offset : offset + len(distinct)], distinct)
            offset += len(distinct)
        else:  # empty, or an exact copy of an earlier document of the batch (stored once)
            assert len(distinct) == 0 or rec.doc_id == "again"
    assert offset == len(batch.shingles)
    assert np.array_equal(batch.signatures[-1], batch.signatures[0])
    assert batch.stored[: len(recs) - 1].all() and not batch.stored[-1]
    assert batch.set_sizes.max() > 512  # long articles keep their sets too


def test_features_survive_a_parquet_round_trip(shared_data: Path, tmp_path: Path) -> None:
    recs = _with_copies(load_indomain(shared_data, FILES[:1])[:1500], seed=1)
    batch = featurize(recs, **PARAMS)
    pq.write_table(to_table(batch, PARAMS), tmp_path / "dedup-00000.parquet", compression="lz4")
    table = pq.read_table(tmp_path / "dedup-00000.parquet")
    assert table_params(table.schema) == PARAMS
    back = from_table(table)
    for name in FeatureBatch.__dataclass_fields__:
        a, b = getattr(batch, name), getattr(back, name)
        if isinstance(a, list):
            assert a == b, name
        else:
            assert a.dtype == b.dtype and np.array_equal(a, b), name
    assert len(from_table(table.slice(0, 0))) == 0


@pytest.mark.slow
def test_per_task_features_cluster_like_one_pass(shared_data: Path) -> None:
    recs = _with_copies(load_indomain(shared_data, FILES), seed=2)
    reference = find_duplicates(recs)
    assert reference.stats["duplicate_documents"] > 200  # the copies and the real reposts
    # tasks of uneven sizes, featurized separately, arriving in another order
    rng = random.Random(5)
    cuts = sorted(rng.sample(range(1, len(recs)), 9))
    tasks = [recs[a:b] for a, b in zip([0, *cuts], [*cuts, len(recs)])]
    rng.shuffle(tasks)
    index = Deduplicator().index()
    for task in tasks:
        index.add(featurize(task, **PARAMS))
    again = index.result()
    assert dict(again) == dict(reference)
    def pairs(result: object) -> set[tuple[str, str, float, float]]:
        return {(*sorted((a, b)), round(j, 9), round(c, 9)) for a, b, j, c in result.pairs}  # type: ignore[attr-defined]

    assert pairs(again) == pairs(reference)
    assert {k: v for k, v in again.stats.items() if not k.startswith("seconds")} == {
        k: v for k, v in reference.stats.items() if not k.startswith("seconds")}


def test_an_index_rejects_repeated_ids_and_wrong_signature_widths() -> None:
    import pytest

    batch = featurize([DedupInput("a", "医护人员的临时性工作补助提高一倍")], **PARAMS)
    index = Deduplicator().index()
    index.add(batch)
    with pytest.raises(ValueError, match="duplicate doc_id"):
        index.add(batch)
    with pytest.raises(ValueError, match="expected"):
        Deduplicator(num_perm=64).index().add(featurize([DedupInput("b", "x")], **PARAMS))
