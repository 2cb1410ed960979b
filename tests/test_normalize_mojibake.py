"""Mojibake detection: real decoding errors are flagged, clean text of all kinds is not."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.normalize import find_mojibake_spans, mojibake_score

_CLEAN = (
    "在远程视频医疗服务项目启动后，民警可随时随地分享给家人使用，并且支持线上陪伴咨询。"
    "“即使距离很远，我也能第一时间掌握家人的健康情况。”一名民警表示。"
)


def _misaligned_gbk(text: str) -> str:
    """GBK bytes read one byte off, as a broken converter does."""
    return (b"\xa1" + text.encode("gbk")).decode("gbk", errors="replace")


def test_clean_text_scores_zero() -> None:
    assert find_mojibake_spans(_CLEAN) == []
    assert mojibake_score(_CLEAN) == 0.0
    assert mojibake_score("") == 0.0


def test_misaligned_gbk_span_flagged() -> None:
    broken = _misaligned_gbk("即使距离很远我也能第一时间掌握家人的健康情况")
    text = "民警可随时随地分享给家人使用。" + broken + "一名民警表示。"
    spans = find_mojibake_spans(text)
    assert spans, broken
    start, end = spans[0]
    assert start >= len("民警可随时随地分享给家人使用。")
    assert mojibake_score(text) > 0.1


def test_utf8_read_as_gbk_flagged() -> None:
    broken = "医护人员的健康权益".encode().decode("gbk", errors="replace")
    assert find_mojibake_spans("报道称：" + broken)


def test_utf8_read_as_latin1_flagged() -> None:
    broken = "医护人员".encode().decode("cp1252", errors="replace")
    assert find_mojibake_spans("Title: " + broken)


def test_replacement_characters_flagged() -> None:
    assert find_mojibake_spans("医院\ufffd\ufffd门诊")
    assert find_mojibake_spans("锟斤拷锟斤拷")


def test_traditional_and_cantonese_not_flagged() -> None:
    text = "佢哋講，醫管局嘅前線醫護人員壓力好大，衞生署應該盡快回應。我哋都好擔心病人嘅情況。"
    assert find_mojibake_spans(text) == []


def test_seed_with_mojibake_flagged_and_others_clean(shared_data: Path) -> None:
    flagged = {}
    for path in sorted((shared_data / "seeds").glob("*.txt")):
        flagged[path.name] = mojibake_score(path.read_text("utf-8")) > 0
    assert sum(flagged.values()) == 1
    assert next(name for name, hit in flagged.items() if hit).startswith("003")


def test_no_false_positives_on_real_articles(shared_data: Path) -> None:
    """Clean real text (transcripts, HK articles, old newspapers) is almost never flagged."""
    docs = flagged = 0
    for name in ("cctv_xinwenlianbo_2012_2021", "hkcnews", "peoples_daily_s1000"):
        with open(shared_data / "indomain" / f"{name}.jsonl", encoding="utf-8") as fh:
            for _, line in zip(range(120), fh):
                docs += 1
                flagged += bool(find_mojibake_spans(json.loads(line)["text"]))
    assert docs >= 300
    assert flagged <= 2
