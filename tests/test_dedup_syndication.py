"""Syndicated copies, repost chains, exact verification and the linkage rule of the dedup step."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest
from test_dedup_stories import FLOOD_RELIEF, NURSE_PAY, NURSE_PAY_REWORDED, RURAL_DOCTORS, article, syndicated_nurse_pay

from pipeline.dedup import DedupInput
from pipeline.dedup.clusters import linkage_clusters
from pipeline.dedup.minhash import shingle_hashes, signatures
from pipeline.dedup.paragraphs import ParagraphCounter
from pipeline.dedup.textkey import dedup_key, document_key, repost_content
from pipeline.dedup.verify import ShingleStore, similarities
from tests.dedup_helpers import find_duplicates


def rec(doc_id: str, text: str, published_at: str | None = "2023-07-02") -> DedupInput:
    return DedupInput(doc_id, text, published_at, len(text))


def grams(text: str, n: int = 5) -> set[str]:
    """Character n-grams of the compared text, computed here without the step's hashing."""
    key = document_key(text)
    return {key[i : i + n] for i in range(len(key) - n + 1)}


def jaccard(a: str, b: str) -> float:
    x, y = grams(a), grams(b)
    return len(x & y) / len(x | y)


def containment(a: str, b: str) -> float:
    x, y = grams(a), grams(b)
    return len(x & y) / min(len(x), len(y))


def syndication_corpus() -> list[DedupInput]:
    original, copy_b, copy_c = syndicated_nurse_pay()
    return [
        rec("site1", original, "2023-07-01"),
        rec("site2", copy_b, "2023-07-02"),
        rec("site3", copy_c, "2023-07-02 08:00"),
        rec("other", article("乡村医生补助标准提高", RURAL_DOCTORS), "2023-07-01"),
    ]


def test_syndicated_copies_are_below_the_jaccard_threshold_but_cluster_by_default() -> None:
    docs = syndication_corpus()
    texts = {d.doc_id: d.text for d in docs}
    # the copies are not near duplicates by Jaccard alone (measured here on the n-gram sets)
    assert jaccard(texts["site1"], texts["site2"]) < 0.8 and jaccard(texts["site1"], texts["site3"]) < 0.8
    assert containment(texts["site1"], texts["site2"]) >= 0.7
    plain = find_duplicates(docs, containment=0)
    assert plain["site2"].dup_cluster_size == 1 and plain["site3"].dup_cluster_size == 1
    result = find_duplicates(docs)
    assert {d: result[d].dup_cluster_id for d in ("site1", "site2", "site3")} == dict.fromkeys(
        ("site1", "site2", "site3"), "site1"
    )
    assert result["other"].dup_cluster_size == 1
    # the asserted pairs carry their similarity values
    asserted = {frozenset((a, b)): (j, c) for a, b, j, c in result.pairs}
    j, c = asserted[frozenset(("site1", "site2"))]
    assert j == pytest.approx(jaccard(texts["site1"], texts["site2"]), abs=0.01)
    assert c == pytest.approx(containment(texts["site1"], texts["site2"]), abs=0.01)


def test_a_version_reworded_throughout_is_not_a_syndicated_copy() -> None:
    original = article("夜班津贴翻倍", NURSE_PAY)
    reworded = article("夜班补贴翻倍", NURSE_PAY_REWORDED)
    # high containment and mid Jaccard, but no paragraph survives verbatim
    assert containment(original, reworded) >= 0.7 and 0.5 <= jaccard(original, reworded) < 0.8
    result = find_duplicates([rec("o", original), rec("r", reworded)])
    assert result["r"].dup_cluster_size == 1


def test_a_short_post_inside_a_longer_post_is_not_syndication() -> None:
    post = "【护士夜班补助提高】自今年七月起，全市公立医院每个夜班补助由六十元提高至一百二十元。"
    longer = post + "网友纷纷点赞：辛苦了，白衣天使！也有网友表示，希望其他城市也能跟进，让一线护士安心工作。"
    assert containment(post, longer) == 1.0 and jaccard(post, longer) < 0.8
    result = find_duplicates([rec("p", post), rec("l", longer)])
    assert result["p"].dup_cluster_size == 1


@pytest.mark.parametrize(
    "text,expected",
    [
        ("转发//@健康报:护士夜班补助提高至一百二十元，七月起实施", "护士夜班补助提高至一百二十元，七月起实施"),
        # comments along the chain are dropped while each is shorter than what it reposts
        ("好//@甲:支持！//@乙:护士夜班补助提高至一百二十元", "护士夜班补助提高至一百二十元"),
        # a comment longer than the reposted part is new content: kept from there on
        ("这条消息我要好好说几句，夜班真的太辛苦了//@乙:点赞", "这条消息我要好好说几句，夜班真的太辛苦了//@乙:点赞"),
        ("好//@甲:这条消息我要好好说几句，夜班真的太辛苦了//@乙:点赞", "这条消息我要好好说几句，夜班真的太辛苦了//@乙:点赞"),
        ("没有转发标记的普通微博", "没有转发标记的普通微博"),
    ],
)
def test_repost_content(text: str, expected: str) -> None:
    assert repost_content(text) == expected


def test_reposts_of_one_post_along_different_paths_cluster() -> None:
    post = "【#护士夜班补助翻倍#】记者从市卫生健康委员会获悉，七月起全市公立医院护士每个夜班补助由六十元提高至一百二十元，惠及约一万二千人。"
    reposts = [
        "//@健康生活报:" + post,
        "加油！//@小雨:辛苦了//@健康生活报:" + post,
        "终于等到了，点赞！//@护理人:好消息//@健康生活报:" + post,
    ]
    other = "【#乡村医生补助提高#】某省在岗乡村医生基本公共卫生服务补助标准提高到每人每年一万八千元。"
    docs = [rec(f"r{i}", t, f"2023-07-0{i + 1}") for i, t in enumerate(reposts)] + [rec("x", "转发//@某报:" + other)]
    result = find_duplicates(docs)
    assert {result[f"r{i}"].dup_cluster_id for i in range(3)} == {"r0"}
    assert result["x"].dup_cluster_size == 1


def test_linkage_keeps_chains_and_loose_cliques_apart() -> None:
    order = np.arange(6)
    # chain 0-1-2-3: 2 links to one of 2 members (half) and joins; 3 links to 1 of 3 and does not
    chain = np.array([[0, 1], [1, 2], [2, 3]])
    assert linkage_clusters(6, chain, order).tolist() == [0, 0, 0, 3, 4, 5]
    # star around 0: 1..4 each resemble 0 only; 3 and 4 are linked to 1 of 3 members
    star = np.array([[0, 1], [0, 2], [0, 3], [0, 4]])
    assert linkage_clusters(6, star, order).tolist() == [0, 0, 0, 3, 4, 5]
    # a clique joins completely
    clique = np.array(list(itertools.combinations(range(5), 2)))
    assert linkage_clusters(6, clique, order).tolist() == [0, 0, 0, 0, 0, 5]
    # the canonical order decides the center
    assert linkage_clusters(6, clique, order[::-1].copy()).tolist() == [4, 4, 4, 4, 4, 5]


def test_candidates_are_verified_exactly() -> None:
    rng = random.Random(0)
    base = dedup_key("".join(FLOOD_RELIEF))[:150]
    texts = [base]
    for k in range(20):
        chars = list(base)
        for _ in range(k):
            chars[rng.randrange(len(chars))] = "某"
        texts.append("".join(chars))
    hashes = [shingle_hashes(t, 5) for t in texts]
    store = ShingleStore()
    store.add_batch(hashes)
    frozen = store.freeze()
    pairs = np.array([(0, i) for i in range(1, len(texts))])
    jac, con, exact = similarities(signatures(hashes, 128), frozen, pairs)
    assert exact.all()
    for (a, b), j, c in zip(pairs.tolist(), jac, con):
        x, y = set(hashes[a].tolist()), set(hashes[b].tolist())
        assert j == pytest.approx(len(x & y) / len(x | y))
        assert c == pytest.approx(len(x & y) / min(len(x), len(y)))
    # pairs estimated far below the lowest accepted value are not worth an exact check
    _, _, exact_floor = similarities(signatures(hashes, 128), frozen, pairs, floor=0.9)
    assert (jac < 0.6).any() and (jac >= 0.95).any()
    assert not exact_floor[jac < 0.6].any() and exact_floor[jac >= 0.95].all()


def test_shared_paragraph_characters() -> None:
    counter = ParagraphCounter()
    counter.add(0, ["甲" * 30, "乙" * 25, "丙" * 40])
    counter.add(1, ["乙" * 25, "丁" * 20])
    counter.add(2, ["甲" * 30, "甲" * 30, "丙" * 40])
    shared = counter.shared_chars(np.array([[0, 1], [1, 0], [0, 2], [2, 0], [1, 2]]))
    assert shared.tolist() == [25, 25, 70, 70, 0]


def test_syndication_result_is_independent_of_order() -> None:
    docs = syndication_corpus() + [rec("flood", article("某县紧急转移群众", FLOOD_RELIEF))]
    reference = dict(find_duplicates(docs))
    for seed in range(3):
        shuffled = docs[:]
        random.Random(seed).shuffle(shuffled)
        assert dict(find_duplicates(shuffled)) == reference
