"""NormalizeStep, script detection and quality filters on real and hand-written documents."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from pipeline.clean import CleanStep
from pipeline.normalize import (
    NormalizeStep,
    detect_script,
    han_ratio,
    remove_pinyin_annotations,
    repetition_ratio,
)
from pipeline.record import Doc, Reject

FIXTURES = Path(__file__).parent / "fixtures" / "text"


def _doc(paragraphs: list[str], title: str | None = None, kind: str = "html") -> Doc:
    return Doc(doc_id="d1", source_path="x", input_kind=kind, title=title, paragraphs=paragraphs)


def test_detect_script() -> None:
    assert detect_script("醫護人員的權益應當得到保障") == "hant"
    assert detect_script("医护人员的权益应当得到保障") == "hans"
    assert detect_script("医护人员的权益。醫護人員的權益。") == "mixed"
    assert detect_script("人民") == "hans"
    assert detect_script("Hello 123") is None
    assert detect_script("") is None


def test_quality_signals() -> None:
    assert han_ratio("医生abc") == pytest.approx(0.4)
    assert han_ratio("") == 0.0
    assert repetition_ratio(["甲乙丙", "丁戊", "甲乙丙"]) == pytest.approx(3 / 8)


def test_traditional_page_through_clean_and_normalize() -> None:
    doc = Doc(doc_id="t1", source_path="traditional_pinyin.txt", input_kind="text",
              raw=(FIXTURES / "traditional_pinyin.txt").read_text("utf-8"))
    doc = CleanStep()(doc)
    assert isinstance(doc, Doc) and doc.raw is None
    paragraphs_before = list(doc.paragraphs)
    out = NormalizeStep()(doc)
    assert isinstance(out, Doc)
    assert out.title == "医护也需要“喘口气”"
    assert out.script == "hant" and out.opencc_config == "t2s"
    assert out.pinyin_annotations_removed >= 10
    assert "pinyin_annotations" in out.quality_flags and "mojibake" not in out.quality_flags
    assert "(yī)" not in out.text_original and "醫院" in out.text_original
    assert out.text.startswith("今年以来，本市多家公立医院试行弹性排班制度，医护人员")
    # paragraphs stay in the source's script, only without the pinyin annotations
    assert out.paragraphs == [remove_pinyin_annotations(p)[0] for p in paragraphs_before]
    assert out.paragraphs[0].startswith("今年以來,本市多家公立醫院")
    assert out.text.count("\n") == len(out.paragraphs) - 1
    assert out.char_count == len(out.text.replace("\n", "").replace(" ", ""))
    assert 0.8 < out.han_ratio <= 1.0 and out.mojibake_score == 0.0


def test_mojibake_flagged_and_rejected_by_threshold() -> None:
    broken = (b"\xa1" + "即使距离很远我也能第一时间掌握家人的健康情况".encode("gbk")).decode("gbk", errors="replace")
    paragraphs = ["民警可以随时随地分享给家人使用，并且支持线上陪伴咨询。", broken + "一名民警表示。"]
    lenient = NormalizeStep(max_mojibake_score=None)(_doc(paragraphs))
    assert isinstance(lenient, Doc) and "mojibake" in lenient.quality_flags and lenient.mojibake_score > 0
    strict = NormalizeStep(max_mojibake_score=0.05)(_doc(paragraphs))
    assert isinstance(strict, Reject) and strict.reason == "mojibake" and strict.stage == "normalize"


@pytest.mark.parametrize(
    ("kwargs", "paragraphs", "reason"),
    [
        ({"min_chars": 20}, ["太短了。"], "too_short"),
        ({"min_han_ratio": 0.3}, ["This page is mostly English text with 一点中文 inside it."], "low_han_ratio"),
        ({"max_repetition_ratio": 0.5}, ["同一段话重复出现很多次。"] * 4, "repetitive"),
    ],
)
def test_filters_reject_with_reason(kwargs: dict, paragraphs: list[str], reason: str) -> None:
    result = NormalizeStep(**kwargs)(_doc(paragraphs))
    assert isinstance(result, Reject) and result.reason == reason


def test_config_per_document_and_kwargs() -> None:
    step = NormalizeStep(opencc_config="tw2sp", min_chars=None)
    assert step.get_params()["opencc_config"] == "tw2sp"
    out = step(_doc(["這個軟體的網路功能很好用。"]))
    assert out.text == "这个软件的网络功能很好用。"
    doc = _doc(["這個軟體的網路功能很好用。"])
    doc.opencc_config = "hk2s"
    assert NormalizeStep(min_chars=None)(doc).opencc_config == "hk2s"
    with pytest.raises(ValueError):
        NormalizeStep(opencc_config="nonsense")


def test_step_pickles_without_state() -> None:
    step = NormalizeStep()
    step(_doc(["医护人员的休息权利应当得到保障，医院正在改进排班。"]))
    clone = pickle.loads(pickle.dumps(step))
    assert not hasattr(clone, "_filter") or not clone._ready
    assert isinstance(clone(_doc(["医护人员的休息权利应当得到保障，医院正在改进排班。"])), Doc)


def test_seeds_leave_no_pinyin(shared_data: Path) -> None:
    import re

    annotation = re.compile(r"[(（][a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*[)）]")
    for path in sorted((shared_data / "seeds").glob("*.txt")):
        doc = Doc(doc_id=path.stem, source_path=path.name, input_kind="text", raw=path.read_text("utf-8"))
        out = NormalizeStep(max_mojibake_score=None)(CleanStep()(doc))
        assert isinstance(out, Doc), path.name
        assert not annotation.search(out.text + (out.title or "")), path.name
        assert not annotation.search(out.text_original), path.name
