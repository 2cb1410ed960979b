"""Classification: text preparation, thresholds, metrics, training, persistence, step and CLI."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import numpy as np
import pytest

from pipeline.classify import ClassifyStep, TrainConfig, discover_topics, load_model, save_model, train
from pipeline.classify.features import make_item, word_ngrams
from pipeline.classify.metrics import multilabel_report, prf
from pipeline.classify.model import record_item
from pipeline.classify.taxonomy import load_taxonomy, taxonomy_from_dict
from pipeline.classify.text import prepare
from pipeline.classify.thresholds import best_f1_threshold
from pipeline.cli import main as cli_main
from pipeline.errors import UsageError
from pipeline.record import Doc

FAST = TrainConfig(inner_folds=3)

# A small hand-written corpus in the shape of real items: wire lead-ins, Traditional script,
# hashtags, "expand" links; two topics of a custom taxonomy.
WAGES = [
    "本报讯 多地提高医务人员薪酬待遇，一线护士每月增发临时工作补助。",
    "央视网消息（新闻联播）：人社部门要求按时足额发放医护人员工资和加班费，绩效工资向一线倾斜。",
    "醫管局宣布為前線醫護人員加薪，並發放特別津貼。",
    "#医护人员补助# 卫生健康委：疫情防控一线医务人员补助标准提高，工资待遇落实到位...展开全文",
    "乡村医生收入偏低，省里出台补贴政策，提高村医待遇和养老保障。",
    "基层医院拖欠护士工资三个月，院方承诺本月补发全部薪酬和补助。",
]
VIOLENCE = [
    "一名医生在诊室遭患者家属殴打受伤，警方已依法拘留打人者，医院加强安保。",
    "央视网消息（新闻联播）：多部门联合整治暴力伤医，保障医务人员人身安全和执业环境。",
    "急診室護士遭病人襲擊，醫護人員要求加強保安，保障人身安全。",
    "#严惩伤医# 某医院发生伤医事件，医生被刺伤，社会各界呼吁严惩伤医者...展开全文",
    "新修订的法律明确，殴打医务人员、扰乱医疗秩序将依法追究刑事责任，守护医护人身安全。",
    "医闹者在病房打砸并殴打护士，公安机关依法处理，医院增设安保人员和报警装置。",
]
OTHER = [
    "央视网消息（新闻联播）：今年夏粮再获丰收，全国小麦产量稳中有增，农民收入持续提高。",
    "本报讯 城市轨道交通新线今日开通运营，沿线市民出行更加便捷。",
    "港股今日收市微升，恒生指數升百餘點，成交額略為減少。",
    "#春节档电影# 今年春节档票房创新高，多部影片口碑良好...展开全文",
    "全国青少年足球联赛开幕，来自各省的百余支球队参加比赛。",
    "气象台发布暴雨预警，提醒市民注意出行安全，防范城市内涝。",
]
TAXONOMY = taxonomy_from_dict(
    {
        "name": "toy",
        "relevance": {"seed_terms": ["医务人员", "医护人员", "医生", "护士", "村医"]},
        "topics": [
            {"key": "wages", "seed_terms": ["工资", "薪酬", "补助", "津贴", "待遇"]},
            {"key": "violence", "seed_terms": ["殴打", "伤医", "袭击", "人身安全"]},
        ],
    }
)


def toy_records() -> list[dict]:
    recs = []
    for n, (texts, topics) in enumerate(((WAGES, ["wages"]), (VIOLENCE, ["violence"]), (OTHER, []))):
        for i, text in enumerate(texts):
            recs.append({"id": f"t{n}-{i}", "title": "", "text": text, "relevant": bool(topics), "topics": topics})
    return recs


@pytest.fixture(scope="module")
def toy_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    model = train(toy_records(), TAXONOMY, FAST)
    return save_model(model, tmp_path_factory.mktemp("toy") / "model")


# -- pieces ----------------------------------------------------------------------------------
def test_prepare_converts_and_strips_boilerplate() -> None:
    title, body = prepare("罷工醫護人員", "央视网消息（新闻联播）：医护人员\u200b加班...展开全文 #话题#")
    assert title == "罢工医护人员"
    assert body == "医护人员加班 话题"


def test_word_ngrams_drop_stopwords_and_punctuation() -> None:
    feats = word_ngrams(make_item("", "医务人员的工资，提高了", ["医务人员", "的", "工资", "，", "提高", "了"]))
    assert feats == ["医务人员", "工资", "提高", "医务人员 工资", "工资 提高"]


def test_best_threshold_separates_scores() -> None:
    y = np.array([0, 0, 0, 1, 1, 1])
    scores = np.array([0.1, 0.2, 0.3, 0.6, 0.7, 0.8])
    t = best_f1_threshold(y, scores)
    assert 0.3 < t <= 0.6
    assert best_f1_threshold(np.zeros(3), np.ones(3)) == 0.5


def test_metrics_hand_computed() -> None:
    assert prf(2, 1, 1)["f1"] == pytest.approx(2 / 3)
    rep = multilabel_report(
        [True, True, False], [True, False, True], [["a"], ["a", "b"], []], [["a", "b"], [], ["a"]], ["a", "b"]
    )
    assert rep["relevance"]["f1"] == pytest.approx(0.5)
    assert rep["topics"]["a"] == pytest.approx({"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2})
    # micro: tp=1, fp=2, fn=2
    assert rep["topic_micro_f1"] == pytest.approx(2 * 1 / (2 * 1 + 2 + 2))


# -- trained models --------------------------------------------------------------------------
def test_toy_model_learns_custom_taxonomy(toy_model_dir: Path) -> None:
    model = load_model(toy_model_dir)
    assert model.topic_keys == ["wages", "violence"]
    res = model.predict_records(
        [
            {"id": "w", "text": "医院为一线医护人员发放专项补助，并提高夜班护士的工资待遇。"},
            {"id": "v", "title": "醫生遭襲", "text": "病人家屬在診室毆打醫生，醫護人員人身安全受威脅。"},
            {"id": "o", "text": "新建高速公路今天通车，沿线城市之间的车程缩短一半。"},
        ]
    )
    assert [r["id"] for r in res] == ["w", "v", "o"]
    assert res[0]["topics"] == ["wages"] and res[1]["topics"] == ["violence"]
    assert res[2]["relevant"] is False and res[2]["topics"] == []
    assert set(res[0]["topic_scores"]) == {"wages", "violence"}


def test_save_load_round_trip_identical_scores(toy_model_dir: Path, tmp_path: Path) -> None:
    model = load_model(toy_model_dir)
    again = load_model(save_model(model, tmp_path / "copy"))
    recs = [{"id": r["id"], "text": r["text"]} for r in toy_records()]
    assert again.predict_records(recs) == model.predict_records(recs)
    # one artefact: the fitted state, beside its metadata
    assert sorted(p.name for p in toy_model_dir.iterdir()) == ["meta.json", "model.skops"]
    assert (toy_model_dir / "model.skops").stat().st_size < 5_000_000
    # the libraries that wrote it are on record, the file format's among them
    assert {"scikit-learn", "skops", "jieba"} <= set(again.meta["versions"])
    # vocabularies travel as one string per block and come back as the same terms
    for (name, vec), (_, vec2) in zip(model.state["features"].transformer_list, again.state["features"].transformer_list):
        if hasattr(vec, "terms"):
            assert vec2.terms == vec.terms and len(vec.terms) > 0, name
            assert vec2.vocabulary_ == vec.vocabulary_
            np.testing.assert_array_equal(vec2.idf_ if vec2.idf_ is not None else [], vec.idf_ if vec.idf_ is not None else [])


def test_state_file_keeps_terms_of_any_text_and_refuses_objects(tmp_path: Path) -> None:
    from pipeline.classify.fitted import Features, Linear, TfidfBlock
    from pipeline.classify.persist import read_state, write_state

    terms = ["医生 工资", "a\x1fb", "末尾\x00", "", "😀表情", "w:護士"]
    block = TfidfBlock(word_ngrams, terms, np.linspace(1, 2, len(terms)), True, "l2")
    state = {
        "kind": "multilabel",
        "features": Features([("words", block)], {"words": 0.5}),
        "relevance": Linear(np.ones((1, len(terms)), dtype=np.float32), np.array([-0.25])),
        "topic_calibration": {"pay": (1.5, -0.2), "rest": None},
    }
    back = read_state(write_state(state, tmp_path / "m.skops"))
    got = back["features"].transformer_list[0][1]
    assert got.terms == terms and got.analyzer is word_ngrams and got.vocabulary_["末尾\x00"] == 2
    np.testing.assert_array_equal(got.idf_, block.idf_)
    assert back["features"].transformer_weights == {"words": 0.5}
    assert back["relevance"].coef_.dtype == np.float32 and back["relevance"].intercept_.tolist() == [-0.25]
    assert back["topic_calibration"] == {"pay": [1.5, -0.2], "rest": None}
    with pytest.raises(TypeError, match="not part of a fitted state"):
        write_state({"kind": "multilabel", "extra": object()}, tmp_path / "x.skops")
    with pytest.raises(TypeError, match="object arrays cannot be saved"):
        write_state({"kind": "multilabel", "extra": np.array(["a", None], dtype=object)}, tmp_path / "x.skops")


def _rewrite_header(src: Path, dst: Path, change) -> Path:
    """A copy of model directory ``src`` whose ``model.skops`` header went through ``change``."""
    import shutil

    import skops.io as sio

    shutil.copytree(src, dst)
    content = sio.load(dst / "model.skops")
    content["header"] = json.dumps(change(json.loads(content["header"])))
    sio.dump(content, dst / "model.skops")
    return dst


def test_loader_refuses_files_of_another_format(toy_model_dir: Path, tmp_path: Path) -> None:
    import skops.io as sio

    other = _rewrite_header(toy_model_dir, tmp_path / "other", lambda h: h | {"format": "zhnews-fitted-state/99"})
    with pytest.raises(UsageError, match="expected 'zhnews-fitted-state/3'; retrain"):
        load_model(other)
    (tmp_path / "arrays").mkdir()
    sio.dump({"x": np.zeros(3)}, tmp_path / "arrays" / "model.skops")  # a skops file, but no model
    with pytest.raises(UsageError, match="header"):
        load_model(tmp_path / "arrays")
    (tmp_path / "zip").mkdir()
    with open(tmp_path / "zip" / "model.skops", "wb") as out:
        np.savez(out, header=np.zeros(3))  # a zip archive, but not skops
    with pytest.raises(UsageError, match="not a skops file"):
        load_model(tmp_path / "zip")


def _earlier_skops_model(folder: Path) -> Path:
    """A model directory as an earlier zhnews saved it: scikit-learn objects (an analyzer of the
    project inside) in model.skops, beside its meta.json."""
    import skops.io as sio
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion

    from pipeline.classify.features import body_char_ngrams

    folder.mkdir()
    features = FeatureUnion([("chars", TfidfVectorizer(analyzer=body_char_ngrams))])
    sio.dump({"kind": "multilabel", "features": features}, folder / "model.skops")
    (folder / "meta.json").write_text('{"model_version": "multilabel-2026-01-01-old"}', encoding="utf-8")
    return folder


def test_models_of_earlier_versions_ask_to_be_retrained(toy_model_dir: Path, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture) -> None:
    """Earlier formats are not read: model.npz (the fitted state as a numpy archive), model.skops
    beside its inference.npz, and a model.skops of scikit-learn objects (refused unloaded)."""
    import shutil

    old = _earlier_skops_model(tmp_path / "old")
    with pytest.raises(UsageError, match=r"names types that skops does not trust by default "
                                         r"\(pipeline\.classify\.features\.body_char_ngrams\), so it was not loaded; .*earlier zhnews.*"
                                         r"retrain it with 'zhnews train'"):
        load_model(old)
    src = _write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": "医生"}])
    assert cli_main(["classify", str(src), "--model", str(old)]) == 2
    assert "retrain" in capsys.readouterr().err

    (old / "inference.npz").write_bytes(b"PK\x05\x06" + b"\0" * 18)
    with pytest.raises(UsageError, match=r"was saved by an earlier zhnews \(inference\.npz\), which this version does not read; retrain"):
        load_model(old)

    npz = tmp_path / "npz"
    npz.mkdir()
    header = json.dumps({"format": "zhnews-fitted-state/2", "state": {}}).encode("utf-8")
    np.savez(npz / "model.npz", header=np.frombuffer(header, dtype=np.uint8))
    shutil.copy(toy_model_dir / "meta.json", npz)
    for given in (npz, npz / "model.npz"):
        with pytest.raises(UsageError, match=r"was saved by an earlier zhnews \(model\.npz\), which this version does not read; retrain"):
            load_model(given)
    # saving over an earlier model replaces it
    load_model(save_model(load_model(toy_model_dir), npz))
    assert sorted(p.name for p in npz.iterdir()) == ["meta.json", "model.skops"]


def test_missing_model_is_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        load_model(tmp_path)


def test_step_reuses_tokens_and_pickles(toy_model_dir: Path) -> None:
    step = ClassifyStep(model_dir=str(toy_model_dir))
    text = "医院公告：今天下午召开全院职工会议。"
    plain = step(Doc(doc_id="a", source_path="x", input_kind="text", text=text))
    # tokens carry the meaning when present: the step must use them rather than re-segmenting
    tokens = ["医护人员", "殴打", "伤医", "人身安全", "医护人员", "殴打"]
    seg = step(Doc(doc_id="b", source_path="x", input_kind="text", text=text, tokens=tokens))
    assert seg.relevant_score > plain.relevant_score
    assert step.model_version.startswith("multilabel-")
    clone = pickle.loads(pickle.dumps(step))
    assert clone.get_params() == {"model_dir": str(toy_model_dir), "evidence": True}
    assert "_model" not in clone.__dict__


def test_discover_topics_separates_themes() -> None:
    topics = discover_topics(WAGES + VIOLENCE + OTHER, n_topics=3, n_terms=6)
    assert len(topics) == 3 and all(len(t) == 6 for t in topics)
    flat = [set(t) for t in topics]
    assert any({"殴打"} & s for s in flat) or any({"人身安全"} & s for s in flat)


# -- CLI -------------------------------------------------------------------------------------
def _write_jsonl(path: Path, recs: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs), encoding="utf-8")
    return path


def test_cli_classify_jsonl_and_run_dir(toy_model_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    recs = [{"id": r["id"], "text": r["text"]} for r in toy_records()[::-1]]
    assert cli_main(["classify", str(_write_jsonl(tmp_path / "in.jsonl", recs)), "--model", str(toy_model_dir)]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [x["id"] for x in lines] == [r["id"] for r in recs]
    assert set(lines[0]) == {"id", "relevant", "relevant_score", "topics", "topic_scores", "evidence"}
    for rec, line in zip(recs, lines):
        # evidence: one entry per assigned topic, each sentence copied from the record itself
        assert set(line["evidence"]) == set(line["topics"])
        for sentences in line["evidence"].values():
            assert sentences and all(s in (rec.get("title") or "") + rec["text"] for s in sentences)

    (tmp_path / "run" / "articles" / "part=0").mkdir(parents=True)
    table = pa.table(
        {
            "doc_id": ["d1", "d2"],
            "title": ["医生遭殴打", None],
            "text": ["患者家属殴打医生，医院加强安保。", "全国青少年足球联赛开幕。"],
            "tokens": [["患者", "家属", "殴打", "医生"], ["全国", "青少年", "足球", "联赛", "开幕"]],
        }
    )
    pq.write_table(table, tmp_path / "run" / "articles" / "part=0" / "a.parquet")
    assert cli_main(["classify", str(tmp_path / "run"), "--model", str(toy_model_dir)]) == 0
    out = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [x["id"] for x in out] == ["d1", "d2"] and out[0]["topics"] == ["violence"]


def test_cli_errors_exit_2(toy_model_dir: Path, tmp_path: Path) -> None:
    assert cli_main(["classify", str(tmp_path / "nope.jsonl"), "--model", str(toy_model_dir)]) == 2
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n", encoding="utf-8")
    assert cli_main(["train", "--labels", str(bad), "--out", str(tmp_path / "m")]) == 2
    assert cli_main(["classify", str(tmp_path), "--model", str(toy_model_dir)]) == 2


def test_single_label_model_uses_char_unigrams_and_svm_scores(tmp_path: Path) -> None:
    """Single-label sets: character 1-3-grams (titles need unigrams), a linear SVM, softmax scores."""
    from pipeline.classify.fastvec import transform_union

    recs = [{"id": r["id"], "text": r["text"], "label": (r["topics"] or ["other"])[0]} for r in toy_records()]
    model = load_model(save_model(train(recs, None, FAST), tmp_path / "m"))
    union = model.state["features"]
    chars = dict(union.transformer_list)["chars"]
    assert any(len(t) == 1 for t in chars.vocabulary_) and any(len(t) == 3 for t in chars.vocabulary_)
    assert model.state["classifier"].classes_ == ["other", "violence", "wages"]
    probe = [{"id": "p", "text": "護士工資待遇提高，補助按月發放。"}, {"id": "q", "text": "医生被殴打"}]
    items = [record_item(r, segmenter=model.segmenter) for r in probe]
    assert transform_union(union, items).shape == (2, model.state["classifier"].coef_.shape[1])
    _, scores = model.scores(items)
    assert scores.shape == (2, 3) and np.allclose(scores.sum(axis=1), 1.0)
    res = model.predict_records(probe)
    assert [r["topics"] for r in res] == [["wages"], ["violence"]]
    assert res[0]["topics"][0] == max(res[0]["topic_scores"], key=res[0]["topic_scores"].get)
    assert (tmp_path / "m" / "model.skops").is_file()


def test_cli_train_and_evaluate_single_label(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    recs = [{"id": r["id"], "text": r["text"], "label": (r["topics"] or ["other"])[0]} for r in toy_records()]
    labels = _write_jsonl(tmp_path / "l.jsonl", recs)
    assert cli_main(["train", "--labels", str(labels), "--out", str(tmp_path / "m")]) == 0
    assert (tmp_path / "m" / "README.md").read_text(encoding="utf-8").startswith("# zhnews classifier")
    capsys.readouterr()
    assert cli_main(["evaluate", "--labels", str(labels), "--model", str(tmp_path / "m")]) == 0
    table = capsys.readouterr()
    assert "accuracy" in table.out and "top terms" in table.out
    # evaluating on the training items is flagged
    assert f"{len(recs)} of {len(recs)} items were used to train this model" in table.err
    assert cli_main(["evaluate", "--labels", str(labels), "--model", str(tmp_path / "m"), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["items_seen_in_training"] == len(recs)
    assert report["accuracy"] >= 0.9  # training data: a sanity floor, not a generalization claim
    assert set(report["confusion"]) == {"wages", "violence", "other"}
    assert set(report["top_terms"]) == {"wages", "violence", "other"}


# -- real labels -----------------------------------------------------------------------------
@pytest.mark.slow
def test_held_out_real_labels(shared_data: Path) -> None:
    """Train on two thirds of the real labelled items, score the rest (both scripts present)."""
    from pipeline.classify.data import read_jsonl
    from pipeline.classify.metrics import multilabel_report

    recs = read_jsonl(shared_data / "labels" / "dev.jsonl")
    test, fit = recs[::3], [r for i, r in enumerate(recs) if i % 3]
    tax = load_taxonomy()
    model = train(fit, tax, FAST)
    res = model.predict_records(test)
    rep = multilabel_report(
        [r["relevant"] for r in test], [x["relevant"] for x in res],
        [r["topics"] for r in test], [x["topics"] for x in res], tax.keys,
    )
    assert rep["relevance"]["f1"] >= 0.78
    assert rep["topic_micro_f1"] >= 0.5


# -- batched feature transform ---------------------------------------------------------------
@pytest.mark.parametrize("features", [TrainConfig().features, TrainConfig().multiclass_features], ids=["multilabel", "single-label"])
def test_fast_transform_equals_vectorizers(features) -> None:
    """The fitted state's batched transform gives the fitted FeatureUnion's own matrix."""
    from dataclasses import replace

    from pipeline.classify.fastvec import transform_union
    from pipeline.classify.features import build_features
    from pipeline.classify.fitted import from_estimators
    from pipeline.classify.training import cooc_terms, seed_terms
    from pipeline.segment import resolve_backend

    segmenter = resolve_backend("auto")
    union = build_features(replace(features, min_df=1), seed_terms(TAXONOMY), **cooc_terms(TAXONOMY))
    union.fit([record_item(r, segmenter=segmenter) for r in toy_records()])
    recs = toy_records() + [
        {"id": "x1", "title": "醫護人員加薪", "text": "護士工資待遇提高，補助\u200b按月發放。医生医生医生（重复）"},
        {"id": "x2", "title": "", "text": "A股收盘：沪指涨0.5%，医药板块走强；#话题#…展开全文"},
        {"id": "x3", "title": "空文", "text": ""},
        {"id": "x4", "title": "", "text": "，。！？ \n\t"},
    ]
    items = [record_item(r, segmenter=segmenter) for r in recs]
    expected = union.transform(items).toarray()
    got = transform_union(from_estimators({"features": union})["features"], items).toarray()
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, atol=1e-6)
    assert expected[:, :].any(axis=1)[:-2].all()  # not a vacuous comparison


def test_key_table_finds_keys_and_reports_absent() -> None:
    from pipeline.classify.fastvec import KeyTable

    rng = np.random.default_rng(0)
    keys = rng.choice(2**40, size=500, replace=False).astype(np.int64)
    table = KeyTable(keys, np.arange(500))
    assert (table.get(keys) == np.arange(500)).all()
    absent = np.setdiff1d(rng.integers(0, 2**40, size=500), keys)
    assert (table.get(absent) == -1).all()


def test_key_table_probes_past_colliding_keys() -> None:
    from pipeline.classify.fastvec import KeyTable

    rng = np.random.default_rng(1)
    pool = rng.choice(2**40, size=20_000, replace=False).astype(np.int64)
    probe = KeyTable(pool[:6], np.zeros(6))  # a table of six keys has the size of the one below
    slots = probe._slots(pool)
    same = pool[slots == slots[0]][:6]  # six keys that start probing at one slot
    table = KeyTable(same, np.arange(6))
    assert table.probes == 6
    assert (table.get(same) == np.arange(6)).all()
    others = pool[slots != slots[0]][:50]
    assert (table.get(others) == -1).all()
    assert (table.get(np.concatenate([others[:3], same[::-1]])) == [-1, -1, -1, 5, 4, 3, 2, 1, 0]).all()


def test_gram_table_counts_overlapping_terms() -> None:
    from pipeline.classify.fastvec import GramTable, encode

    table = GramTable(["医务人员", "医务", "人员", "护士"], [0, 1, 2, 3])
    docs, _, vals = table.matches(encode(["医务人员和护士", "医务，人员", "无关文字"]))
    found = sorted(zip(docs.tolist(), vals.tolist()))
    assert found == [(0, 0), (0, 1), (0, 2), (0, 3), (1, 1), (1, 2)]


def test_on_topic_sentences_name_workers_or_the_topic_terms() -> None:
    from pipeline.classify.evidence import split_sentences
    from pipeline.classify.persist import default_model_dir

    model = load_model(default_model_dir())
    cooc = dict(model.state["features"].transformer_list)["cooc"]
    sentences = [s for text in WAGES + VIOLENCE + OTHER for s in split_sentences(text)] + ["", "医生", "工资医生"]
    flags = model._on_topic_sentences(sentences)
    for j, key in enumerate(model.topic_keys):
        terms = cooc.worker_terms + cooc.topic_terms.get(key, [])
        expected = [any(t in s for t in terms) for s in sentences]
        assert flags[:, j].astype(bool).tolist() == expected
        assert 0 < sum(expected) < len(sentences)


def test_scoring_pauses_the_cycle_collector_and_restores_it(toy_model_dir: Path) -> None:
    import gc

    model = load_model(toy_model_dir)
    seen: list[bool] = []

    class Record(dict):
        def get(self, key, default=None):
            if key == "text":  # read while the record is scored
                seen.append(gc.isenabled())
            return super().get(key, default)

    assert gc.isenabled()
    model.predict_records([Record(id="a", text=WAGES[0])])
    assert seen and not any(seen) and gc.isenabled()
    gc.disable()
    try:
        model.predict_records([Record(id="b", text=WAGES[1])])
        assert not gc.isenabled()  # a caller's own setting is kept
    finally:
        gc.enable()


def test_model_records_its_segmenter(toy_model_dir: Path) -> None:
    from pipeline.segment import resolve_backend

    model = load_model(toy_model_dir)
    assert model.state["config"]["segmenter"] == resolve_backend("auto")


@pytest.mark.slow
def test_cli_classify_into_closed_pipe_is_quiet(toy_model_dir: Path, tmp_path: Path) -> None:
    """``zhnews classify ... | head -1`` ends without a BrokenPipe traceback."""
    import subprocess
    import sys

    recs = [{"id": str(i), "text": t} for i, t in enumerate(WAGES * 200)]
    src = _write_jsonl(tmp_path / "many.jsonl", recs)
    cmd = f"{sys.executable} -m pipeline classify {src} --model {toy_model_dir} --batch-size 50 | head -1"
    proc = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, timeout=120)
    assert proc.stdout.count("\n") == 1 and json.loads(proc.stdout)["id"] == "0"
    assert "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr


def test_cooc_counts_worker_sentences_by_hand() -> None:
    from pipeline.classify.cooc import CoocFeatures

    block = CoocFeatures(["医生", "护士"], {"wages": ["工资", "补助"], "violence": ["殴打"]})
    text = (
        "今天天气晴。医院为护士发放补助。"  # worker + wages in one sentence
        "医生加班到深夜！工资却迟迟未发。"  # wages in the sentence after a worker sentence
        "市场上工资普遍上涨。"  # wages without workers: ignored
    )
    item = make_item("护士节快乐", text, list(text))
    row = block.transform([item]).toarray()[0]
    n = 5  # sentences
    # wages: sentences 2 and 3 (a run of 2); violence: none
    assert row[0:3] == pytest.approx([np.log1p(2), 2 / n, np.log1p(2)])
    assert row[3:6] == pytest.approx([0, 0, 0])
    assert row[6] == pytest.approx(np.log1p(2))  # worker sentences
    assert row[7] == pytest.approx(2 / n)
    assert row[8] == pytest.approx(2 / n)  # welfare sentences
    assert row[9] == 1.0  # the title names workers
    assert block.transform([make_item("", "农民工资上涨。", ["农民"])]).nnz == 0


def test_cooc_batch_equals_one_item_at_a_time() -> None:
    """The batched scan gives every item the row it gets alone (no leaks across documents)."""
    from pipeline.classify.cooc import CoocFeatures

    block = CoocFeatures(["医生", "护士"], {"wages": ["工资", "补助"], "violence": ["殴打"]})
    texts = [
        "医院为护士发放补助。医生加班！工资迟发。",
        "工资上涨。",  # a topic term right after the previous item's worker sentence: no leak
        "",
        " \n \n。",
        "医生\n\n 。工资\n护士遭殴打？殴打者被拘。护士补助、工资到位。医生！",
        "护士",
    ]
    items = [make_item("医生" if i % 2 else "", t, list(t)) for i, t in enumerate(texts)]
    together = block.transform(items).toarray()
    alone = np.vstack([block.transform([it]).toarray() for it in items])
    np.testing.assert_allclose(together, alone)
    assert together[0, 0] > 0 and together[1, :9].sum() == 0
    assert together[4, 3] == pytest.approx(np.log1p(1))  # 护士遭殴打 (+ the next sentence, same pair)


def test_cooc_block_and_stacking_train_save_and_load(tmp_path: Path) -> None:
    from dataclasses import replace

    tax = taxonomy_from_dict({**TAXONOMY.to_dict(), "worker_terms": ["医务人员", "医护人员", "医生", "护士", "村医", "醫護人員"]})
    cfg = replace(FAST, features=replace(FAST.features, cooc_weight=1.0), stack_weight=1.0)
    model = train(toy_records(), tax, cfg)
    assert "cooc" in dict(model.state["features"].transformer_list)
    # the relevance model sees the 2 topic probabilities after the text features
    assert model.state["relevance"].coef_.shape[1] == model.state["topics"]["wages"].coef_.shape[1] + 2
    loaded = load_model(save_model(model, tmp_path / "m"))
    probe = [{"id": "p", "text": "护士反映工资被拖欠，医院承诺补发补助。"}]
    assert loaded.predict_records(probe) == model.predict_records(probe)
    assert loaded.predict_records(probe)[0]["topics"] == ["wages"]


def test_welfare_score_is_the_chance_of_any_topic(tmp_path: Path) -> None:
    """Relevance from per-topic classifiers fitted on every item: a topic with too few labelled
    items has none, the score survives saving, and a weight of 0 leaves the relevance classifier."""
    from dataclasses import replace

    from pipeline.classify.settings import WELFARE_MIN_POSITIVES

    recs = toy_records()
    # violence keeps fewer labelled items than a welfare classifier needs
    few = [r for r in recs if r["topics"] != ["violence"]] + [r for r in recs if r["topics"] == ["violence"]][: WELFARE_MIN_POSITIVES - 1]
    model = train(few, TAXONOMY, replace(FAST, welfare_weight=1.0))
    assert set(model.state["welfare"]) == {"wages"}
    probe = [{"id": "w", "text": "护士反映工资被拖欠，医院承诺补发补助和津贴。"},
             {"id": "o", "text": "医生参加全国青少年足球联赛开幕式，来自各省的球队参加比赛。"}]
    scores = [r["relevant_score"] for r in model.predict_records(probe)]
    assert scores[0] > 0.5 > scores[1]
    loaded = load_model(save_model(model, tmp_path / "m"))
    assert loaded.predict_records(probe) == model.predict_records(probe)
    plain = train(few, TAXONOMY, replace(FAST, welfare_weight=0.0))
    assert plain.state["welfare"] == {} and plain.state["welfare_weight"] == 0.0
    from pipeline.classify.card import render_card

    assert "at least one topic" in render_card(model.meta, "zhnews train")
    assert "at least one topic" not in render_card(plain.meta, "zhnews train")
    # the relevance terms `zhnews evaluate` shows are those of what decides relevance: with the
    # welfare score, the wages classifier's heaviest feature; without it, the relevance classifier's
    from pipeline.classify.explain import _feature_names, top_terms

    names = _feature_names(model)
    wages_top = str(names[int(np.argmax(model.state["welfare"]["wages"].coef_[0][: len(names)]))])
    assert top_terms(model)["relevance"][0] == wages_top
    plain_names = _feature_names(plain)
    plain_top = str(plain_names[int(np.argmax(plain.state["relevance"].coef_[0][: len(plain_names)]))])
    assert top_terms(plain)["relevance"][0] == plain_top


def test_decide_caps_topics_by_ratio_to_threshold() -> None:
    from pipeline.classify.model import TopicModel

    state = {
        "kind": "multilabel",
        "topic_keys": ["a", "b", "c"],
        "relevance_threshold": 0.5,
        "topic_thresholds": {"a": 0.2, "b": 0.5, "c": 0.4},
        "config": {"max_topics": 2},
    }
    rel = np.array([0.9, 0.9, 0.1])
    scores = np.array([[0.3, 0.9, 0.9], [0.1, 0.2, 0.3], [0.9, 0.9, 0.9]])
    is_rel, chosen = TopicModel(state).decide(rel, scores)
    # ratios row 0: a 1.5, b 1.8, c 2.25 -> the two highest, c and b (reported in key order)
    assert chosen == [["b", "c"], ["c"], []]
    assert is_rel.tolist() == [True, True, False]
    state["config"] = {}
    assert TopicModel(state).decide(rel, scores)[1][0] == ["a", "b", "c"]


# -- one fitted state: scored as scikit-learn scores -------------------------------------------
def test_fitted_state_scores_as_the_scikit_learn_estimators() -> None:
    """The numbers kept from training give scikit-learn's own probabilities and margins."""
    from scipy.special import softmax

    from pipeline.classify.data import labelled_set
    from pipeline.classify.fitted import Features, Linear
    from pipeline.classify.model import TopicModel, calibrate, fit_multiclass, fit_multilabel, worker_gate
    from pipeline.classify.training import cooc_terms, seed_terms

    data = labelled_set(toy_records(), TAXONOMY.keys)
    items = [record_item(r, segmenter="jieba") for r in data.records]
    probe = items + [record_item({"title": "醫護人員加薪", "text": "護士工資待遇提高，補助按月發放。"}, segmenter="jieba")]
    state = fit_multilabel(items, data.relevant, data.topics, data.keys, FAST,
                           seed_terms=seed_terms(TAXONOMY), **cooc_terms(TAXONOMY))
    model = TopicModel(state)
    assert isinstance(model.state["features"], Features) and isinstance(model.state["relevance"], Linear)
    X = state["features"].transform(probe)
    rel, topics = model.scores(probe)
    none = np.prod([1 - clf.predict_proba(X)[:, 1] for clf in state["welfare"].values()], axis=0)
    share = state["welfare_weight"]
    raw = ((1 - share) * state["relevance"].predict_proba(X)[:, 1] + share * (1 - none)) * worker_gate(state["features"], probe)
    np.testing.assert_allclose(rel, calibrate(raw, state["relevance_calibration"]), rtol=1e-6)
    for j, key in enumerate(data.keys):
        expected = calibrate(state["topics"][key].predict_proba(X)[:, 1], state["topic_calibration"][key])
        np.testing.assert_allclose(topics[:, j], expected, rtol=1e-6)
    assert rel.min() < 0.3 < 0.7 < rel.max()  # not a vacuous comparison

    labels = [(r["topics"] or ["other"])[0] for r in data.records]
    single = fit_multiclass(items, labels, FAST)
    svm = single["classifier"]
    expected = softmax(svm.decision_function(single["features"].transform(probe)), axis=1)
    np.testing.assert_allclose(TopicModel(single).scores(probe)[1], expected, rtol=1e-6)


def test_fitted_state_refuses_estimators_it_cannot_keep() -> None:
    from sklearn.ensemble import RandomForestClassifier

    from pipeline.classify.model import TopicModel

    with pytest.raises(TypeError, match="classifier: a RandomForestClassifier has no fitted form"):
        TopicModel({"kind": "multiclass", "classifier": RandomForestClassifier()})


def test_packaged_model_scores_real_items(shared_data: Path) -> None:
    """The shipped model directory is one fitted state; on the real labelled items (seen in
    training) it finds every relevant one and separates the classes."""
    from pipeline.classify.data import read_jsonl
    from pipeline.classify.persist import default_model_dir

    folder = default_model_dir()
    assert sorted(p.name for p in folder.iterdir()) == ["README.md", "meta.json", "model.skops"]
    model = load_model(folder)
    recs = read_jsonl(shared_data / "labels" / "dev.jsonl")
    res = model.predict_records(recs, evidence=False)
    gold = np.array([bool(r["relevant"]) for r in recs])
    pred = np.array([x["relevant"] for x in res])
    assert pred[gold].mean() >= 0.95 and pred[~gold].mean() <= 0.8
    scores = np.array([x["relevant_score"] for x in res])
    assert scores[gold].mean() > scores[~gold].mean() + 0.2


@pytest.mark.slow
def test_forked_workers_score_with_the_model_the_warm_server_loaded(tmp_path: Path) -> None:
    """The warm fork server loads the default model once (load_model: skops' audit first); a
    worker forked from it scores with that model and reads no model file: here the file is gone
    before the worker's first task, and a spawned worker, which must load it, fails."""
    import os
    import shutil
    import subprocess
    import sys

    from pipeline.classify.persist import default_model_dir

    model = tmp_path / "model"
    shutil.copytree(default_model_dir(), model)
    code = (
        "import json, multiprocessing, sys\n"
        "from concurrent.futures import ProcessPoolExecutor\n"
        "from pathlib import Path\n"
        "from pipeline.classify import ClassifyStep\n"
        "from pipeline.engine.local import worker_context\n"
        "from pipeline.errors import UsageError\n"
        "from pipeline.record import Doc\n"
        "doc = Doc(doc_id='a', source_path='x', input_kind='text', text='医务人员工资待遇提高，护士补助按月发放。')\n"
        "here = ClassifyStep()(doc).relevant_score\n"
        "with ProcessPoolExecutor(max_workers=1, mp_context=worker_context()) as pool:\n"
        "    pool.submit(int).result()  # the server has set the default steps up and forked the worker\n"
        "    Path(sys.argv[1], 'model.skops').unlink()\n"
        "    forked = pool.submit(ClassifyStep(), doc).result().relevant_score\n"
        "with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context('spawn')) as pool:\n"
        "    try:\n"
        "        spawned = pool.submit(ClassifyStep(), doc).result().relevant_score\n"
        "    except UsageError as exc:\n"
        "        spawned = str(exc)\n"
        "print(json.dumps({'here': here, 'forked': forked, 'spawned': spawned}))\n"
    )
    env = dict(os.environ, ZHNEWS_MODEL_DIR=str(model))
    done = subprocess.run([sys.executable, "-c", code, str(model)], capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.splitlines()[-1])
    assert not (model / "model.skops").exists()
    assert isinstance(out["here"], float) and out["forked"] == out["here"]
    assert out["spawned"].startswith(f"no model at {model}")
