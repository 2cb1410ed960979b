"""Pinyin-annotation removal: annotations go, ordinary parentheses stay."""

from __future__ import annotations

import pytest

from pipeline.normalize import remove_pinyin_annotations


@pytest.mark.parametrize(
    ("text", "expected", "count"),
    [
        ("醫(yī)師節(jié)快樂", "醫師節快樂", 2),
        ("讓職工隨時有“醫(yī)”靠", "讓職工隨時有“醫”靠", 1),
        ("關(guān)於醫(yī)護的報導", "關於醫護的報導", 2),
        ("全（quán）角括號也會出現(xiàn)", "全角括號也會出現", 2),
        ("綠(lǜ)色通道", "綠色通道", 1),
    ],
)
def test_annotations_removed(text: str, expected: str, count: int) -> None:
    assert remove_pinyin_annotations(text) == (expected, count)


@pytest.mark.parametrize(
    "text",
    [
        "(资料图片仅供参考)",
        "护士节演讲稿范文(精选5篇)",
        "世界卫生组织(WHO)发布指引",
        "申城今日(8月3日)天色较好",
        "民(輔)警",
        "附件(a)与附件(b)",
        "义诊时间:8月8日(周二)",
        "函数f(x)的图像",
    ],
)
def test_ordinary_parentheses_survive(text: str) -> None:
    assert remove_pinyin_annotations(text) == (text, 0)


def test_toneless_syllables_only_with_toned_evidence() -> None:
    # a toneless syllable after a Han character is kept alone, removed beside real annotations
    assert remove_pinyin_annotations("我們(men)") == ("我們(men)", 0)
    text, n = remove_pinyin_annotations("醫(yī)生們(men)說(shuō)")
    assert (text, n) == ("醫生們說", 3)


def test_broken_annotation_after_lost_character() -> None:
    # the annotated character and "(" were lost to mojibake: the orphan syllable goes, "?" stays
    text, n = remove_pinyin_annotations("醫(yī)院預(yù)約申請?zhí)后")
    assert text == "醫院預約申請?后"
    assert n == 3


def test_idempotent_and_empty() -> None:
    once, _ = remove_pinyin_annotations("網(wǎng)站編輯(biān)")
    assert remove_pinyin_annotations(once) == (once, 0)
    assert remove_pinyin_annotations("") == ("", 0)
