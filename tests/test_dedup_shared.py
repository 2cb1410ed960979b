"""Dedup on the real data: the essay compilation's repeated essays, order independence at scale."""

from __future__ import annotations

import itertools
import json
import random
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from scipy.sparse import csr_matrix

from pipeline.dedup import DedupInput
from pipeline.dedup.textkey import document_key, repost_content
from tests.dedup_helpers import find_duplicates


def test_seed_compilation_repeated_essays_are_found(shared_data: Path) -> None:
    page = next((shared_data / "seeds").glob("002_*.txt")).read_text(encoding="utf-8")
    # independent count: lines stripped of everything but letters/digits, >= 20 chars, seen twice
    lines = [re.sub(r"[\W_]+", "", line) for line in page.split("\n")]
    lines = [line for line in lines if len(line) >= 20]
    counts = Counter(lines)
    expected = sum(1 for line in lines if counts[line] > 1) / len(lines)
    assert expected > 0
    result = find_duplicates([DedupInput("compilation", page, None, len(page))])
    assert abs(result["compilation"].repeated_paragraph_ratio - expected) < 0.02


def load_indomain(shared_data: Path, files: tuple[str, ...]) -> list[DedupInput]:
    recs = []
    for name in files:
        for line in (shared_data / "indomain" / name).open(encoding="utf-8"):
            d = json.loads(line)
            recs.append(DedupInput(d["id"], d["text"], d["date"], len(d["text"])))
    return recs


@pytest.mark.slow
def test_real_reposts_cluster_the_same_way_in_any_order(shared_data: Path) -> None:
    recs = load_indomain(shared_data, ("ncov10k_weibo_2020.jsonl", "cctvnews_weibo_2020.jsonl", "hkcnews.jsonl"))
    reference = find_duplicates(recs)
    assert 0 < reference.stats["duplicate_documents"] < len(recs) // 5
    shuffled = recs[:]
    random.Random(3).shuffle(shuffled)
    halves = [shuffled[1::2], shuffled[::2]]
    again = find_duplicates(r for half in halves for r in half)
    assert dict(again) == dict(reference)
    # every cluster's members are textually close: the canonical one shares most characters
    # of what is compared (for reposts, the reposted part, without the reposters' comments)
    by_id = {r.doc_id: r for r in recs}
    for cid, members in reference.clusters().items():
        canon = set(repost_content(by_id[cid].text))
        for m in members:
            other = set(repost_content(by_id[m].text))
            assert len(canon & other) / len(canon | other) > 0.5


def exact_pairs(recs: list[DedupInput], threshold: float = 0.8, n: int = 5) -> set[tuple[str, str]]:
    """Every pair whose character n-gram sets of the compared text have Jaccard >= threshold."""
    sets = [{k[i : i + n] for i in range(max(1, len(k) - n + 1))} for k in (document_key(r.text) for r in recs)]
    vocab: dict[str, int] = {}
    rows, cols = [], []
    for row, grams in enumerate(sets):
        if document_key(recs[row].text):
            for g in grams:
                rows.append(row)
                cols.append(vocab.setdefault(g, len(vocab)))
    m = csr_matrix((np.ones(len(rows), dtype=np.int32), (rows, cols)), shape=(len(recs), len(vocab)))
    sizes = np.asarray(m.sum(axis=1)).ravel()
    inter = (m @ m.T).tocoo()
    keep = inter.row < inter.col
    r, c, v = inter.row[keep], inter.col[keep], inter.data[keep]
    hit = v / (sizes[r] + sizes[c] - v) >= threshold
    return {(recs[a].doc_id, recs[b].doc_id) for a, b in zip(r[hit].tolist(), c[hit].tolist())}


def test_weibo_repost_clusters_match_exact_jaccard(shared_data: Path) -> None:
    files = ("ncov10k_weibo_2020.jsonl", "cctvnews_weibo_2020.jsonl", "covid_weibo_posts_2020.jsonl")
    recs = load_indomain(shared_data, files)
    truth = {tuple(sorted(p)) for p in exact_pairs(recs)}
    result = find_duplicates(recs)
    together = {
        tuple(sorted((a, b))) for members in result.clusters().values() for a, b in itertools.combinations(members, 2)
    }
    assert len(truth) > 50
    hits = len(truth & together)
    assert hits / len(together) >= 0.95 and hits / len(truth) >= 0.9
