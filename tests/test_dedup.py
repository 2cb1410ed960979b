"""Behaviour of the global dedup step on hand-written syndicated stories."""

from __future__ import annotations

import random

import pytest
from test_dedup_stories import FLOOD_RELIEF, FOOTERS, NURSE_PAY, RURAL_DOCTORS, article

from pipeline.dedup import DedupInput, Deduplicator, dedup_key
from pipeline.normalize.opencc_convert import convert
from pipeline.record import Doc
from tests.dedup_helpers import find_duplicates


def rec(doc_id: str, text: str, published_at: str | None = "2023-07-02") -> DedupInput:
    return DedupInput(doc_id, text, published_at, len(text))


def corpus() -> list[DedupInput]:
    """Three stories: the nurse-pay story syndicated four times, rural doctors twice, flood once."""
    return [
        rec("a01", article("夜班津贴翻倍！我市护士迎来好消息", NURSE_PAY, FOOTERS[0]), "2023-07-02 09:30"),
        rec("a02", article("全市公立医院护士夜班补助提高至120元", NURSE_PAY, FOOTERS[1]), "2023-07-01 18:00"),
        rec("a03", article("护理人员夜班津贴新标准七月起实施", NURSE_PAY, FOOTERS[2]), "2023-07-03"),
        # a repost: the same story behind a comment and a repost-chain marker
        rec("a04", "终于等到了！//@健康生活报:" + "".join(NURSE_PAY), "2023-07-02 12:00"),
        rec("b01", article("乡村医生补助标准提高", RURAL_DOCTORS, FOOTERS[0]), "2023-05-10"),
        rec("b02", article("某省：乡村医生每年补助一万八", RURAL_DOCTORS), "2023-05-10"),
        rec("c01", article("某县紧急转移群众两千余人", FLOOD_RELIEF, FOOTERS[1]), "2023-08-01"),
    ]


def groups(result) -> set[frozenset[str]]:
    return {frozenset(m) for m in result.clusters().values()}


def test_syndicated_copies_cluster_and_unrelated_stories_do_not() -> None:
    result = find_duplicates(corpus())
    assert groups(result) == {frozenset({"a01", "a02", "a03", "a04"}), frozenset({"b01", "b02"})}
    assert result["c01"].dup_cluster_size == 1 and result["c01"].is_canonical
    assert result["a03"].dup_cluster_size == 4


def test_canonical_is_earliest_then_longest_then_doc_id() -> None:
    result = find_duplicates(corpus())
    # a02 was published first: it is canonical and names the cluster
    assert {d: result[d].dup_cluster_id for d in ("a01", "a02", "a03", "a04")} == dict.fromkeys(
        ("a01", "a02", "a03", "a04"), "a02"
    )
    assert [d for d in ("a01", "a02", "a03", "a04") if result[d].is_canonical] == ["a02"]
    # b01 and b02 share the date: b01 (with its footer) is longer
    assert result["b02"].dup_cluster_id == "b01" and result["b01"].is_canonical
    # same date, same length: the smaller doc_id wins
    text = article("题", RURAL_DOCTORS)
    tie = find_duplicates([rec("z9", text, "2023-01-01"), rec("z1", text, "2023-01-01")])
    assert tie["z9"].dup_cluster_id == "z1" and not tie["z9"].is_canonical


def test_undated_copy_is_never_canonical_over_a_dated_one() -> None:
    long_undated = rec("u1", article("题", NURSE_PAY, FOOTERS[1]), None)
    short_dated = rec("u2", article("题", NURSE_PAY), "2024-01-05")
    result = find_duplicates([long_undated, short_dated])
    assert result["u1"].dup_cluster_id == "u2"


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_result_independent_of_order_and_partitioning(seed: int) -> None:
    docs = corpus()
    reference = dict(find_duplicates(docs))
    rng = random.Random(seed)
    shuffled = docs[:]
    rng.shuffle(shuffled)
    # partitions processed separately, then streamed one after another in another order
    parts = [shuffled[i::3] for i in range(3)]
    stream = (r for part in reversed(parts) for r in part)
    assert dict(find_duplicates(stream)) == reference


def test_traditional_copy_joins_its_simplified_original() -> None:
    simplified = article("乡村医生补助标准提高", RURAL_DOCTORS)
    traditional = convert(simplified, "s2t")
    assert traditional != simplified
    # as the pipeline delivers it (already t2s) and, defensively, still in Traditional
    for text in (convert(traditional, "t2s"), traditional):
        result = find_duplicates([rec("s", simplified), rec("t", text, "2023-08-11")])
        assert result["t"].dup_cluster_id == "s"
        assert result["s"].dup_cluster_size == 2


def test_light_edits_still_match_but_a_rewrite_does_not() -> None:
    original = "".join(NURSE_PAY)
    edited = original.replace("一百二十元", "120元").replace("记者", "本报记者").replace("，", ",")
    rewrite = "".join(NURSE_PAY[:2]) + "".join(FLOOD_RELIEF)
    result = find_duplicates([rec("o", original), rec("e", edited), rec("r", rewrite)])
    assert result["e"].dup_cluster_id == result["o"].dup_cluster_id == "e"  # same date: longer wins
    assert result["r"].dup_cluster_size == 1


def test_exact_duplicates_differing_only_in_punctuation_and_spacing() -> None:
    text = "\n".join(FLOOD_RELIEF)
    variant = "  " + text.replace("，", ", ").replace("。", ".\n\n") + "\u200b"
    assert dedup_key(text) == dedup_key(variant)
    result = find_duplicates([rec("x", text), rec("y", variant)])
    assert result["x"].dup_cluster_id == result["y"].dup_cluster_id
    assert result.stats["exact_pairs"] == 1


def test_empty_texts_are_singletons() -> None:
    result = find_duplicates([rec("e1", ""), rec("e2", "  \n "), rec("e3", "！！！")])
    assert all(result[d].dup_cluster_size == 1 and result[d].dup_cluster_id == d for d in ("e1", "e2", "e3"))


def test_repeated_paragraph_ratio_inside_and_across_documents() -> None:
    # a "template" page that repeats one story's paragraphs and an unrelated one
    template = "\n".join([*RURAL_DOCTORS[:2], FLOOD_RELIEF[0], RURAL_DOCTORS[0], "短行"])
    other = "\n".join([FLOOD_RELIEF[0], *NURSE_PAY[:3]])
    result = find_duplicates([rec("t", template), rec("o", other)])
    # template: 4 eligible paragraphs (the short line is ignored); RURAL_DOCTORS[0] twice
    # inside it, FLOOD_RELIEF[0] also in "o"; RURAL_DOCTORS[1] once -> 3 of 4
    assert result["t"].repeated_paragraph_ratio == pytest.approx(3 / 4)
    assert result["o"].repeated_paragraph_ratio == pytest.approx(1 / 4)
    assert find_duplicates([rec("t", template)], paragraphs=False)["t"].repeated_paragraph_ratio == 0.0


def test_duplicate_doc_id_is_an_error() -> None:
    with pytest.raises(ValueError, match="duplicate doc_id"):
        find_duplicates([rec("same", "甲"), rec("same", "乙")])


def test_deduplicator_params_and_doc_integration() -> None:
    dedup = Deduplicator(threshold=0.85, ngram=4)
    assert dedup.get_params()["threshold"] == 0.85 and dedup.get_params()["ngram"] == 4
    with pytest.raises(ValueError):
        Deduplicator(threshold=0)
    docs = [
        Doc(doc_id="d1", source_path="x", input_kind="text", paragraphs=NURSE_PAY, published_at="2023-07-01"),
        Doc(doc_id="d2", source_path="y", input_kind="text", paragraphs=NURSE_PAY, published_at="2023-07-05"),
    ]
    docs[1].text = "\n".join(NURSE_PAY)
    result = find_duplicates((DedupInput.from_doc(d) for d in docs), **dedup.get_params())
    filled = [result.apply(d) for d in docs]
    assert [(d.dup_cluster_id, d.dup_cluster_size, d.is_canonical) for d in filled] == [
        ("d1", 2, True),
        ("d1", 2, False),
    ]


def test_exact_copies_are_compared_like_their_first_copy() -> None:
    """An exact copy takes its first copy's shingles and signature: every pair it is in gets
    the same similarity as the first copy's pair, exact for short posts, estimated for long."""
    post = ("市第一人民医院工会今天为一线护士送去防护用品、营养餐和慰问金，"
            "感谢她们连续三周坚守发热门诊，并安排轮休和心理疏导。")
    edited = post.replace("三周", "四周")  # a near-duplicate short post
    long_story = article("夜班津贴翻倍！我市护士迎来好消息", NURSE_PAY, FOOTERS[0])
    records = [
        rec("p1", post, "2023-01-01"), rec("p2", edited, "2023-01-02"),
        rec("p1-copy", post.replace("，", ", ").replace("。", "!"), "2023-01-03"),  # same compared text
        rec("s1", long_story, "2023-01-01"),
        rec("s2", article("全市公立医院护士夜班补助提高至120元", NURSE_PAY, FOOTERS[1]), "2023-01-02"),
        rec("s1-copy", long_story.replace("\n", "\n\n"), "2023-01-03"),
    ]
    result = find_duplicates(records)
    assert groups(result) == {frozenset({"p1", "p2", "p1-copy"}), frozenset({"s1", "s2", "s1-copy"})}
    pairs = {frozenset((a, b)): (round(j, 9), round(c, 9)) for a, b, j, c in result.pairs}
    assert pairs[frozenset(("p1-copy", "p2"))] == pairs[frozenset(("p1", "p2"))]
    assert pairs[frozenset(("s1-copy", "s2"))] == pairs[frozenset(("s1", "s2"))]
    # the short posts' value is exact: the Jaccard of their character 5-gram sets
    a, b = dedup_key(post), dedup_key(edited)
    grams_a, grams_b = {a[i:i + 5] for i in range(len(a) - 4)}, {b[i:i + 5] for i in range(len(b) - 4)}
    assert pairs[frozenset(("p1-copy", "p2"))][0] == pytest.approx(len(grams_a & grams_b) / len(grams_a | grams_b))


def test_clustering_threads_do_not_change_the_result(monkeypatch: pytest.MonkeyPatch) -> None:
    """The clustering's array work fanned out over threads (bands, shingle chunks) gives the
    same clusters, pairs and counts as one thread."""
    from pipeline.dedup import verify
    from pipeline.dedup.features import featurize

    monkeypatch.setattr(verify, "MIN_CHUNK_ELEMENTS", 16)  # many small chunks of shingles
    rng = random.Random(5)
    docs = corpus()
    for i in range(40):  # short edited copies: exactly verified pairs, some near, some not
        base = rng.choice(NURSE_PAY + RURAL_DOCTORS)
        cut = rng.randrange(len(base) // 2)
        docs.append(rec(f"x{i:02d}", base[cut:] + "。" + base[:cut], f"2023-06-{1 + i % 28:02d}"))
    dedup = Deduplicator()
    features = featurize(docs, **dedup.feature_params())
    results = []
    for threads in (1, 4):
        index = dedup.index()
        index.threads = threads
        index.add(features)
        results.append(index.result())
    one, many = results
    assert dict(many) == dict(one)
    assert list(many.pairs) == list(one.pairs)
    assert {k: v for k, v in many.stats.items() if not k.startswith("seconds")} == {
        k: v for k, v in one.stats.items() if not k.startswith("seconds")}
    assert one.stats["candidate_pairs"] > 40 and one.stats["exactly_verified_candidates"] > 0
    assert len(groups(one)) >= 3
