"""Dedup on the real data: the essay compilation's repeated essays, order independence at scale."""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from pathlib import Path

from pipeline.dedup import DedupInput, find_duplicates


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
    by_id = {r.doc_id: r for r in recs}
    for cid, members in reference.clusters().items():
        canon = set(by_id[cid].text)
        for m in members:
            other = set(by_id[m].text)
            assert len(canon & other) / len(canon | other) > 0.5
