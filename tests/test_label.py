"""Labelling app without a server: labels file, sampler, display, session, interop.

``tests/fixtures/label/pool.jsonl`` is a hand-written pool (CCTV lead-ins, Hong Kong and
Taiwan Traditional script, Weibo hashtags, repost chains and zero-width spaces, scraped markup
with a ``<script>``); its ``gold`` field is the test's oracle and is not read by the app.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from pipeline.errors import UsageError
from pipeline.label import interop
from pipeline.label import model as clf
from pipeline.label.display import display, evidence_topics, split_sentences
from pipeline.label.diversity import SimilarityIndex, lead_text
from pipeline.label.pool import read_pool
from pipeline.label.sampler import (
    Sampler,
    rarity_weights,
    relevance_share,
    relevance_uncertainty,
    settled_topic_base,
    topic_uncertainty,
    uncertainty,
)
from pipeline.label.session import LabelError, LabelSession, parse_label
from pipeline.label.store import LabelStore, read_labels

FIXTURES = Path(__file__).parent / "fixtures" / "label"
POOL = FIXTURES / "pool.jsonl"
TAXONOMY = clf.load_taxonomy()


def gold() -> dict[str, dict]:
    return {r["id"]: r["gold"] for r in map(json.loads, POOL.read_text(encoding="utf-8").splitlines())}


def session(tmp_path: Path, **kwargs) -> LabelSession:
    return LabelSession(read_pool(POOL), LabelStore(tmp_path / "labels.jsonl"), TAXONOMY, **kwargs)


# -- labels file -----------------------------------------------------------------------------
def test_store_appends_lines_and_latest_label_wins(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "labels.jsonl"
    store = LabelStore(path)
    store.append({"id": "a", "relevant": True, "topics": ["pay"]})
    store.append({"id": "b", "relevant": False, "topics": []})
    store.append({"id": "a", "relevant": True, "topics": ["rest"]})
    lines = path.read_text(encoding="utf-8").splitlines()  # on disk before close
    assert [json.loads(x)["id"] for x in lines] == ["a", "b", "a"]
    store.close()
    assert read_labels(path)["a"]["topics"] == ["rest"]
    again = LabelStore(path)
    assert again.compact() is True
    assert [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()] == [
        {"id": "a", "relevant": True, "topics": ["rest"]},
        {"id": "b", "relevant": False, "topics": []},
    ]
    assert again.compact() is False
    again.append({"id": "c", "relevant": False, "topics": []})  # still appendable after the rewrite
    again.close()
    assert len(read_labels(path)) == 3


def test_store_cuts_a_partial_last_line_before_appending(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "labels.jsonl"
    path.write_text('{"id": "a", "relevant": false, "topics": []}\n{"id": "b", "relev', encoding="utf-8")
    store = LabelStore(path)
    assert "partial line" in caplog.text
    assert set(store.labels) == {"a"}
    store.append({"id": "c", "relevant": False, "topics": []})
    store.close()
    assert [json.loads(x)["id"] for x in path.read_text(encoding="utf-8").splitlines()] == ["a", "c"]


def test_store_refuses_a_broken_line_in_the_middle(tmp_path: Path) -> None:
    path = tmp_path / "labels.jsonl"
    path.write_text('{"id": "a", "relevant": false}\nnot json\n{"id": "b", "relevant": true}\n', encoding="utf-8")
    with pytest.raises(UsageError, match="line 2"):
        LabelStore(path)


# -- pool --------------------------------------------------------------------------------------
def test_pool_requires_unique_ids_and_text(tmp_path: Path) -> None:
    pool = read_pool(POOL)
    assert len(pool) == 24 and pool.records[0]["id"] == "cctv-0312" and "gold" not in pool.records[0]
    dup = tmp_path / "dup.jsonl"
    dup.write_text('{"id": 1, "text": "一"}\n{"id": "1", "text": "二"}\n', encoding="utf-8")
    with pytest.raises(UsageError, match="twice"):
        read_pool(dup)
    no_text = tmp_path / "no_text.jsonl"
    no_text.write_text('{"id": "x", "title": "只有标题"}\n', encoding="utf-8")
    with pytest.raises(UsageError, match="no 'text'"):
        read_pool(no_text)
    with pytest.raises(UsageError, match="no such"):
        read_pool(tmp_path / "missing.jsonl")


# -- sampler -----------------------------------------------------------------------------------
def test_uncertainty_peaks_at_half_and_turns_to_topics_when_relevance_is_settled() -> None:
    rel = np.array([0.5, 0.1, 0.95, 0.95, 0.0], dtype=np.float32)
    topics = np.array([[0.0, 0.0], [0.0, 0.0], [0.5, 0.0], [0.99, 0.0], [0.5, 0.5]], dtype=np.float32)
    positives = [50, 50]  # both topics well represented: plain closeness to 0.5, equal weights
    u = uncertainty(rel, topics, positives)
    assert u[0] == pytest.approx(1.0)
    assert u[1] == pytest.approx(0.2)
    assert u[2] == pytest.approx(0.8)  # relevant for sure, unsure about a topic: the top topic question
    assert u[3] == pytest.approx(0.1)  # sure of both
    assert u[4] == pytest.approx(0.0)  # surely not relevant: its topics do not matter
    assert relevance_uncertainty(np.array([0.25]))[0] == pytest.approx(0.5)
    # once both classes have enough labels, the relevance question counts less than the topic one
    assert relevance_share(39, 500) == 1.0
    settled = uncertainty(rel, topics, positives, relevance_share(40, 40))
    assert settled[2] > settled[0] and settled[0] == pytest.approx(0.4)
    assert int(np.argmax(u)) == 0 and int(np.argmax(settled)) == 2


def test_settled_relevance_serves_likely_relevant_items_even_with_sure_topics() -> None:
    rel = np.array([0.5, 0.95, 0.9, 0.05], dtype=np.float32)
    # a boundary item; a relevant item whose topics are sure; one whose first topic is in doubt;
    # an item surely not relevant, unsure of its topics
    topics = np.array([[0.0, 0.0], [0.99, 0.01], [0.5, 0.0], [0.5, 0.5]], dtype=np.float32)
    positives = [50, 50]
    assert settled_topic_base(39, 500) == 0.0  # relevance is still being learnt
    learning = uncertainty(rel, topics, positives, relevance_share(39, 500), settled_topic_base(39, 500))
    assert int(np.argmax(learning)) == 0 and learning[1] < learning[0]
    settled = uncertainty(rel, topics, positives, relevance_share(40, 40), settled_topic_base(40, 40))
    # every relevant item teaches the topic classifiers: sure topics or not, it beats the
    # relevance boundary; doubtful topics still come first, and the irrelevant item last
    assert settled[2] > settled[1] > settled[0] > settled[3]
    assert int(np.argmax(settled)) == 2


def test_rare_topics_weigh_more_and_unlearned_topics_want_positives() -> None:
    w = rarity_weights([146, 13, 0])
    assert w[2] == 1.0 and w[0] < w[1] < w[2]
    rel = np.ones(2, dtype=np.float32)
    topics = np.array([[0.5, 0.0, 0.0], [0.0, 0.0, 0.5]], dtype=np.float32)  # unsure of a common / the rare topic
    u = uncertainty(rel, topics, [146, 13, 0])
    assert u[1] > u[0]
    likely = np.array([[0.0, 0.9], [0.0, 0.6]], dtype=np.float32)  # a likely / a doubtful positive of topic 2
    few, many = topic_uncertainty(likely, [50, 2]), topic_uncertainty(likely, [50, 200])
    assert few[0] >= few[1]  # topic 2 has few positives: the likely positive is worth as much
    assert many[0] < many[1]  # topic 2 is well learnt: the doubtful item teaches more


def test_diverse_strategy_moves_away_from_the_labelled_story() -> None:
    leads = [
        lead_text("医护人员临时补助发放到位", "各地向一线医务人员发放临时性工作补助，补助按月随工资发放。"),
        lead_text("醫護人員臨時補助發放到位", "各地向一線醫務人員發放臨時性工作補助，補助按月隨工資發放。"),  # the same story, Traditional
        lead_text("暴雨预警", "气象台发布暴雨橙色预警，提醒市民减少外出。"),
    ]
    index = SimilarityIndex(leads)
    sampler = Sampler("diverse", index, seed=3)
    sampler.labelled(0)
    assert index.max_sim[1] > 0.9 and index.max_sim[2] < 0.2
    assert sampler.choose() == (2, "diverse")


def test_uncertainty_warms_up_on_representative_items_not_outliers() -> None:
    story = "一线医务人员临时性工作补助按月发放，卫健委要求各地落实医护人员补助和轮休"
    leads = [lead_text(f"医护补助第{i}报", story[i:] + story[:i]) for i in range(5)]
    leads.append(lead_text("", "转发微博 #今日份快乐# 哈哈哈"))  # an outlier: short, like nothing else
    index = SimilarityIndex(leads)
    assert index.density[5] < index.density[:5].min()
    farthest = Sampler("diverse", SimilarityIndex(leads))
    farthest.labelled(0)
    assert farthest.choose() == (5, "diverse")  # farthest-first serves the outlier
    sampler = Sampler("uncertainty", index, warmup=2)
    first = sampler.choose()
    assert first is not None and first[0] != 5 and first[1] == "representative"
    doubt = np.zeros(6, dtype=np.float32)
    sampler.set_uncertainty(doubt)  # a model, but fewer labels than the warm-up
    sampler.labelled(first[0])
    second = sampler.choose()
    assert second == (5, "representative")  # the story is covered: unlike anything labelled now
    sampler.labelled(5)
    target = next(i for i in range(5) if sampler.open[i])
    doubt[target] = 1.0
    assert sampler.choose() == (target, "uncertainty")  # warm-up over: the model's doubt decides
    # labels outside the pool (base labels) count towards the warm-up
    based = Sampler("uncertainty", SimilarityIndex(leads), prior_labels=2, warmup=2)
    based.set_uncertainty(doubt)
    assert based.choose() == (target, "uncertainty")


def test_uncertainty_follows_the_model_and_random_follows_the_seed() -> None:
    index = SimilarityIndex([lead_text("", f"第{i}条新闻，内容各不相同{i * 7}") for i in range(10)])
    sampler = Sampler("uncertainty", index, warmup=0, explore_every=0)
    assert sampler.choose()[1] == "representative"  # no model yet
    sampler.set_uncertainty(np.linspace(0, 1, 10, dtype=np.float32))
    assert sampler.choose() == (9, "uncertainty")
    sampler.close(9)
    assert sampler.choose() == (8, "uncertainty")
    # every third label comes from the seed's random order, whatever the model's doubt
    mixed = Sampler("uncertainty", index, seed=5, warmup=0, explore_every=3)
    mixed.set_uncertainty(np.linspace(0, 1, 10, dtype=np.float32))
    served = []
    for _ in range(6):
        i, how = mixed.choose()
        served.append((i, how))
        mixed.labelled(i)
    assert [how for _, how in served] == ["random", "uncertainty", "uncertainty"] * 2
    assert served[0] == Sampler("random", index, seed=5).choose()
    assert served[1:3] == [(9, "uncertainty"), (8, "uncertainty")]
    first = [Sampler("random", index, seed=5).choose() for _ in range(2)]
    assert first[0] == first[1] and first[0][1] == "random"
    with pytest.raises(ValueError):
        Sampler("greedy", index)


# -- display -----------------------------------------------------------------------------------
def test_sentences_join_back_to_the_text() -> None:
    text = "第一句。第二句！“引语。”第三句？\n\n新段落；没有句号的结尾"
    parts = split_sentences(text)
    assert "".join(parts) == text
    assert parts[:3] == ["第一句。", "第二句！", "“引语。”"]


def test_evidence_marks_the_sentence_in_either_script() -> None:
    record = {"id": "x", "title": "醫護津貼", "text": "醫管局宣布發放特別津貼。天氣晴朗。"}
    evidence = {"pay": ["医管局宣布发放特别津贴。"]}
    original = display(record, evidence, "original")
    assert [s["evidence"] for s in original["sentences"]] == [["pay"], []]
    assert original["sentences"][0]["text"] == "醫管局宣布發放特別津貼。"
    simplified = display(record, evidence, "simplified")
    assert simplified["title"] == "医护津贴" and simplified["sentences"][0]["text"] == "医管局宣布发放特别津贴。"
    assert evidence_topics("好。", {"pay": ["好。"]}) == []  # too short to mean anything
    with pytest.raises(ValueError):
        display(record, evidence, "pinyin")


# -- session -----------------------------------------------------------------------------------
def test_parse_label_refuses_malformed_labels() -> None:
    keys = TAXONOMY.keys
    assert parse_label({"id": "a", "relevant": True, "topics": ["rest", "pay"], "note": " 边界 "}, keys) == {
        "id": "a", "relevant": True, "topics": ["pay", "rest"], "note": "边界",
    }
    bad = [
        [],
        {"id": "a", "relevant": True},
        {"id": "a", "relevant": "yes", "topics": []},
        {"id": "a", "relevant": True, "topics": ["salary"]},
        {"id": "a", "relevant": False, "topics": ["pay"]},
        {"id": "a", "relevant": True, "topics": ["pay", "pay"]},
        {"id": "a", "relevant": True, "topics": [], "path": "/etc/passwd"},
        {"id": "a", "relevant": True, "topics": [], "note": "长" * 301},
    ]
    for payload in bad:
        with pytest.raises(LabelError) as err:
            parse_label(payload, keys)
        assert err.value.status == 422


def test_session_serves_labels_skips_and_undoes(tmp_path: Path) -> None:
    s = session(tmp_path, seed=1)
    first = s.next_item()
    assert set(first) == {"id", "title", "text", "scores", "evidence", "strategy"}
    assert first["scores"] is None and first["evidence"] == {} and first["strategy"] == "representative"
    assert s.next_item()["id"] == first["id"]  # the item on screen until it is answered
    s.add_label({"id": first["id"], **gold()[first["id"]]})
    second = s.next_item()
    assert second["id"] != first["id"]
    s.skip(second["id"])
    third = s.next_item()
    assert third["id"] not in (first["id"], second["id"])
    undone = s.undo()
    assert undone["id"] == first["id"] and undone["strategy"] == "undo"
    assert undone["label"] == {k: gold()[first["id"]][k] for k in ("relevant", "topics")}
    s.add_label({"id": first["id"], "relevant": False, "topics": []})
    assert s.next_item()["id"] == third["id"]  # back to the item that was on screen
    assert s.undo()["id"] == first["id"] and s.undo() is None
    p = s.progress()
    assert (p["labelled"], p["session"], p["skipped"], p["remaining"]) == (1, 2, 1, 23)
    lines = (tmp_path / "labels.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 and json.loads(lines[1])["relevant"] is False
    assert json.loads(lines[0])["strategy"] == "representative" and json.loads(lines[0])["text"]


def test_restarted_session_never_serves_labelled_or_base_items(tmp_path: Path) -> None:
    g = gold()
    s = session(tmp_path)
    done = []
    for _ in range(5):
        item = s.next_item()
        s.add_label({"id": item["id"], **g[item["id"]]})
        done.append(item["id"])
    s.store.close()
    base_id = next(i for i in g if i not in done)
    base = [{"id": base_id, "text": "恒生指數", "relevant": False, "topics": []}]
    again = LabelSession(read_pool(POOL), LabelStore(tmp_path / "labels.jsonl"), TAXONOMY, base_labels=base)
    served = []
    while (item := again.next_item()) is not None:
        served.append(item["id"])
        again.skip(item["id"])
    assert len(served) == 24 - 5 - 1 and not set(served) & {*done, base_id}
    assert again.progress()["remaining"] == 18


def test_session_turns_to_likely_relevant_items_once_relevance_is_settled(tmp_path: Path) -> None:
    # 40 relevant and 40 not relevant base labels: the warm-up is over and relevance is settled
    base = [{"id": f"base-{i}", "title": "", "text": f"外部标注的第{i}条。", "relevant": i % 2 == 0,
             "topics": ["pay"] if i % 2 == 0 else []} for i in range(80)]
    jobs: list[dict] = []
    s = session(tmp_path, base_labels=base)
    s.start(jobs.append)
    ids = [r["id"] for r in s.pool.records]
    boundary, relevant, doubtful = ids.index("hk-0822"), ids.index("cctv-0312"), ids.index("wb-0214")
    rel = np.full(len(ids), 0.02, dtype=np.float32)
    topics = np.full((len(ids), len(TAXONOMY.keys)), 0.01, dtype=np.float32)
    rel[boundary] = 0.5  # the relevance question
    rel[relevant], topics[relevant, 0] = 0.95, 0.99  # surely relevant, its topics sure
    rel[doubtful], topics[doubtful] = 0.2, 0.5  # unlikely relevant, every topic in doubt
    s.on_result({"job": jobs[-1]["job"], "kind": "scores", "version": "v", "scores": clf.Scores(rel, topics)})
    served = s.next_item()
    assert served["strategy"] == "uncertainty" and served["id"] == "cctv-0312"


def test_training_records_join_labels_with_base_and_need_both_classes(tmp_path: Path) -> None:
    base = [{"id": "extra-1", "title": "", "text": "外部标注的条目。", "relevant": True, "topics": ["pay"]}]
    s = session(tmp_path, base_labels=base)
    s.add_label({"id": "hk-0822", "relevant": False, "topics": []})
    records = {r["id"]: r for r in s.training_records()}
    assert records["hk-0822"]["text"].startswith("恒生指數") and records["hk-0822"]["source"] == "hk"
    assert clf.trainable(list(records.values())) and not clf.trainable([records["hk-0822"]])
    with pytest.raises(UsageError, match="outside the taxonomy"):
        session(tmp_path / "b", base_labels=[{"id": "z", "text": "x", "relevant": True, "topics": ["salary"]}])


# -- interop -----------------------------------------------------------------------------------
def _labels() -> list[dict]:
    pool = {r["id"]: r for r in read_pool(POOL).records}
    out = []
    for doc_id, g in gold().items():
        rec = pool[doc_id]
        out.append({"id": doc_id, **g, "title": rec["title"], "text": rec["text"], "source": rec["source"]})
    out[1]["note"] = "津贴与人手"
    return out


@pytest.mark.parametrize("fmt", interop.FORMATS)
def test_export_then_import_gives_the_labels_back(fmt: str, tmp_path: Path) -> None:
    labels = _labels()
    path = tmp_path / "export"
    if fmt == "label-studio":
        path.write_text(json.dumps(interop.to_label_studio(labels), ensure_ascii=False), encoding="utf-8")
    else:
        path.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in interop.to_doccano(labels)), encoding="utf-8")
    assert interop.detect_format(path) == fmt
    back = interop.read_import(path, TAXONOMY)
    assert back.unlabelled == []
    assert back.labels == labels


def test_label_studio_config_names_every_topic_and_escapes() -> None:
    xml = interop.label_studio_config(TAXONOMY)
    import xml.etree.ElementTree as ET

    root = ET.fromstring(xml)
    values = [c.get("value") for c in root.iter("Choice")]
    assert values == ["relevant", "not relevant", *TAXONOMY.keys]
    assert {c.get("name") for c in root.iter("Choices")} == {"relevant", "topics"}


def test_import_label_studio_export(tmp_path: Path) -> None:
    imported = interop.read_import(FIXTURES / "label_studio_export.json", TAXONOMY)
    by_id = {x["id"]: x for x in imported.labels}
    # the cancelled and the older annotation lose to the latest submitted one
    assert by_id["cctv-0312"] == {
        "id": "cctv-0312", "relevant": True, "topics": ["pay", "rest"], "note": "补助和轮休",
        "title": "多地落实一线医务人员临时性工作补助", "text": by_id["cctv-0312"]["text"],
    }
    assert by_id["hk-0822"]["relevant"] is False and by_id["hk-0822"]["topics"] == []
    assert by_id["news-0225"]["topics"] == ["family"]  # a topic given by its Chinese name
    assert imported.unlabelled == ["news-0601"]
    minimal = interop.read_import(FIXTURES / "label_studio_min.json", TAXONOMY)
    assert [(x["id"], x["relevant"], x["topics"]) for x in minimal.labels] == [
        ("wb-0131", True, ["charity"]), ("news-0302", True, ["mental", "rest"]), ("news-0711", False, []),
    ]


def test_import_doccano_export() -> None:
    imported = interop.read_import(FIXTURES / "doccano_export.jsonl", TAXONOMY)
    assert [(x["id"], x["relevant"], x["topics"]) for x in imported.labels] == [
        ("cctv-0605", True, ["protection"]), ("tw-0503", True, ["rest"]), ("news-0926", False, []),
        ("17", True, ["honor"]),
    ]
    assert imported.unlabelled == ["news-0404"]


def test_import_errors_name_the_item(tmp_path: Path) -> None:
    cases = {
        "unknown topic": ('{"text": "文", "label": ["salary"], "doc_id": "d1"}\n', "d1"),
        "contradiction": ('{"text": "文", "label": ["not relevant", "pay"], "doc_id": "d2"}\n', "d2"),
        "no text": ('{"label": ["relevant", "pay"], "doc_id": "d3"}\n', "d3"),
    }
    for name, (content, doc_id) in cases.items():
        path = tmp_path / f"{name}.jsonl"
        path.write_text(content, encoding="utf-8")
        with pytest.raises(UsageError, match=doc_id):
            interop.read_import(path, TAXONOMY)
    ls = tmp_path / "ls.json"
    ls.write_text(json.dumps([{"data": {"doc_id": "d4", "text": "文"}, "annotations": [{"result": [
        {"from_name": "sentiment", "to_name": "text", "type": "choices", "value": {"choices": ["good"]}}]}]}]), encoding="utf-8")
    with pytest.raises(UsageError, match="unknown control 'sentiment'"):
        interop.read_import(ls, TAXONOMY)


def test_retraining_is_due_every_n_labels_and_stops_when_the_worker_dies(tmp_path: Path) -> None:
    jobs: list[dict] = []
    s = session(tmp_path, retrain_every=3)
    s.start(jobs.append)
    g = gold()
    for doc_id in ("cctv-0312", "cctv-0716", "hk-0415"):
        s.add_label({"id": doc_id, **g[doc_id]})
    assert [(j["kind"], len(j["records"])) for j in jobs] == [("fit", 3)]
    assert s.progress()["model"]["status"] == "training"
    s.add_label({"id": "hk-0822", **g["hk-0822"]})
    assert len(jobs) == 1  # one job out at a time
    s.on_result({"job": None, "kind": "error", "message": "the retraining process died"})
    for doc_id in ("news-0601", "news-0711", "wb-0214"):
        s.add_label({"id": doc_id, **g[doc_id]})
    assert len(jobs) == 1
    model = s.progress()["model"]
    assert model["status"] == "none" and model["error"] == "the retraining process died"
