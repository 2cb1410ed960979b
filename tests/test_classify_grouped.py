"""Honest evaluation and explanation: source/time folds, calibration, evidence on real items."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from pipeline.classify.evidence import candidate_sentences, choose_evidence, split_sentences
from pipeline.classify.explain import readable
from pipeline.classify.groups import SMALL_SOURCES, leave_one_group_out, source_family, source_groups, time_groups
from pipeline.classify.model import calibrate, fit_platt


def test_source_family_groups_platforms_and_outlets() -> None:
    assert source_family("ncov10k_weibo_2020") == "weibo"
    assert source_family("Weibo") == "weibo"
    assert source_family("cctv12") == "cctv"
    assert source_family("cctv_xinwenlianbo_2012_2021") == "cctv"
    assert source_family("hkcnews") == "hkcnews"
    assert source_family("") == "unknown"


def test_small_sources_pool_and_group_field_wins() -> None:
    recs = [{"source": "cctv12"}] * 3 + [{"source": "weibo"}] * 3 + [{"source": "dxy_news"}, {"source": "x", "group": "weibo"}]
    groups = source_groups(recs, min_items=3)
    assert list(groups) == ["cctv"] * 3 + ["weibo"] * 3 + [SMALL_SOURCES, "weibo"]
    folds = list(leave_one_group_out(groups))
    assert [name for name, _, _ in folds] == sorted({"cctv", "weibo", SMALL_SOURCES})
    for _, train, test in folds:
        assert not set(train) & set(test) and len(train) + len(test) == len(recs)


def test_time_groups_are_contiguous_blocks() -> None:
    dates = ["2020-03-01", "2012-05-01", "2020-01-15", None, "2019-12-31", "2021-06-30", "2015-01-01", "2020-02-02"]
    recs = [{"id": str(i), "date": d} for i, d in enumerate(dates)]
    groups = time_groups(recs, blocks=3)
    assert groups[3] == "undated"
    blocks = sorted({g for g in groups if g != "undated"})
    assert len(blocks) == 3
    # every date of an earlier block precedes every date of a later one
    spans = [(min(d for d, g in zip(dates, groups) if g == b), max(d for d, g in zip(dates, groups) if g == b)) for b in blocks]
    for (_, end), (start, _) in zip(spans, spans[1:]):
        assert end < start


def test_platt_recovers_a_known_calibration() -> None:
    rng = np.random.default_rng(0)
    z = rng.normal(0, 2, 4000)
    truth = 1 / (1 + np.exp(-(0.5 * z - 1.0)))  # true probability of the label
    labels = rng.random(4000) < truth
    raw = 1 / (1 + np.exp(-z))  # an overconfident score: logit(raw) = z
    platt = fit_platt(raw, labels)
    assert platt is not None
    a, b = platt
    assert a == pytest.approx(0.5, abs=0.08) and b == pytest.approx(-1.0, abs=0.15)
    assert np.abs(calibrate(raw, platt) - truth).mean() < 0.03
    assert fit_platt(raw[:6], np.array([1, 1, 1, 0, 0, 0])) is None  # too few of each class


def test_platt_is_finite_on_separable_scores() -> None:
    scores = np.r_[np.full(10, 0.9), np.full(10, 0.1)]
    labels = np.r_[np.ones(10), np.zeros(10)]
    cal = calibrate(scores, fit_platt(scores, labels))
    assert 0.5 < cal[0] < 0.99 and 0.01 < cal[-1] < 0.5


def test_sentences_and_evidence_choice() -> None:
    text = "护士长说：“大家轮班休息。”\n医院为一线医护人员发放补贴！天气晴。A?"
    assert split_sentences(text) == ["护士长说：“大家轮班休息。”", "医院为一线医护人员发放补贴！", "天气晴。", "A?"]
    sentences = candidate_sentences("标题：医护人员补贴提高", text)
    assert sentences[0] == "标题：医护人员补贴提高" and "A?" not in sentences  # fragments are no evidence
    scores = {"pay": np.array([0.9, 0.1, 0.8, 0.05]), "rest": np.array([0.1, 0.9, 0.2, 0.1])}
    chosen = choose_evidence(sentences, ["pay", "rest"], lambda t: scores[t])
    assert chosen == {"pay": [sentences[0], sentences[2]], "rest": [sentences[1]]}


def test_feature_names_read_as_words() -> None:
    assert readable("seeds", "收入") == "收入 (taxonomy term)"
    assert readable("cooc", "pay:log") == "sentences naming medical workers with pay terms"
    assert readable("title", "w:补贴") == "补贴 (title)"
    assert readable("words", "医护 人员") == "医护 人员"


@pytest.mark.slow
def test_evidence_and_grouped_cv_on_real_items(shared_data: Path, tmp_path: Path) -> None:
    """Trained on two source families of the real labels, the model explains its topics on a
    third with sentences that occur in each item; leave-one-source-out CV covers every item."""
    from pipeline.classify.cv import cross_validate
    from pipeline.classify.data import read_jsonl
    from pipeline.classify.model import TrainConfig
    from pipeline.classify.taxonomy import load_taxonomy
    from pipeline.classify.training import train

    records = read_jsonl(shared_data / "labels" / "train.jsonl")
    fam = source_groups(records)
    train_recs = [r for r, g in zip(records, fam) if g in ("cctv", "weibo")][:300]
    test_recs = [r for r, g in zip(records, fam) if g == "hkcnews"][:80]
    cfg = TrainConfig(inner_folds=3)
    model = train(train_recs, load_taxonomy(), cfg)
    q = model.meta["quantification"]
    assert len(q["relevance"]["scores"]) == len(train_recs) and set(q["topics"]) == set(model.topic_keys)
    results = model.predict_records(test_recs)
    with_topics = [(r, res) for r, res in zip(test_recs, results) if res["topics"]]
    assert with_topics
    for rec, res in with_topics:
        assert set(res["evidence"]) == set(res["topics"])
        for sentences in res["evidence"].values():
            assert 1 <= len(sentences) <= 3
            assert all(s in (rec.get("title") or "") + "\n" + rec["text"] for s in sentences)
    # the held-out outlet is Traditional script: evidence keeps the item's own script
    assert any("醫" in s or "護" in s for _, res in with_topics for ss in res["evidence"].values() for s in ss)

    small = [r for r, g in zip(records, fam) if g in ("cctv", "hkcnews", "weibo")][::4]
    report = cross_validate(small, load_taxonomy(), cfg, scheme="source")
    assert [f["fold"] for f in report["folds"]] == ["cctv", "hkcnews", "weibo"]
    assert sum(f["n"] for f in report["folds"]) == len(small)
    assert report["relevance"]["support"] == sum(bool(r["relevant"]) for r in small)
    json.dumps(report)  # the report is plain JSON for the model card


def test_topic_inner_folds_follow_their_own_plan() -> None:
    from pipeline.classify.model import TrainConfig
    from pipeline.classify.training import inner_groups, topic_inner_groups

    records = [
        {"id": i, "source": src, "date": f"20{10 + i % 8}-01-0{1 + i % 9}"}
        for i, src in enumerate(["cctv"] * 40 + ["ncov_weibo"] * 40)
    ]
    by_source = inner_groups(records, TrainConfig())
    by_time = topic_inner_groups(records, TrainConfig())
    assert set(by_source) == {"cctv", "weibo"}
    assert len(set(by_time)) == 4 and all(".." in g for g in by_time)
    # "" follows the relevance plan; "none" is one group, i.e. stratified random folds
    assert list(topic_inner_groups(records, TrainConfig(topic_inner_groups=""))) == list(by_source)
    assert set(topic_inner_groups(records, TrainConfig(topic_inner_groups="none"))) == {"all"}
