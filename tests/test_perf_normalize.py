"""The fast normalize/clean/extract paths give exactly what the straightforward code gives.

Each optimized function is compared with a plain reference implementation written here (the
per-character loops the pipeline used before) on real text from the shared data folder, and on
mojibake made from that text the way broken converters make it.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from pipeline.clean import body as clean_body_module
from pipeline.clean.body import clean_body
from pipeline.extract.blocks import normalize_space
from pipeline.normalize import mojibake
from pipeline.normalize.opencc_convert import convert
from pipeline.normalize.script import script_counts
from pipeline.segment import get_tokenizer

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def _texts(shared_data: Path, limit_per_file: int = 80) -> list[str]:
    """Real item texts: Simplified transcripts and posts, Traditional HK news, Weibo furniture."""
    out = []
    for path in sorted((shared_data / "indomain").glob("*.jsonl")):
        lines = path.read_text(encoding="utf-8").splitlines()
        step = max(1, len(lines) // limit_per_file)
        for line in lines[::step][:limit_per_file]:
            text = json.loads(line).get("text") if line.strip() else None
            if isinstance(text, str) and text.strip():
                out.append(text)
    assert len(out) > 300
    return out


@pytest.fixture(scope="module")
def texts(shared_data: Path) -> list[str]:
    return _texts(shared_data)


def _reference_script_counts(text: str) -> tuple[int, int]:
    """Every distinct Han character converted on its own, counts weighted by occurrences."""
    counts = Counter(text)
    chars = [c for c in counts if _HAN.match(c)]
    if not chars:
        return 0, 0
    joined = "\n".join(chars)
    to_simp = convert(joined, "t2s").split("\n")
    to_trad = convert(joined, "s2t").split("\n")
    trad = sum(counts[c] for c, s in zip(chars, to_simp) if s != c)
    simp = sum(counts[c] for c, t in zip(chars, to_trad) if t != c)
    return trad, simp


def test_script_counts_equal_reference(texts: list[str]) -> None:
    found_trad = found_simp = False
    for text in texts:
        expected = _reference_script_counts(text)
        assert script_counts(text) == expected
        found_trad |= expected[0] > expected[1]
        found_simp |= expected[1] > expected[0]
    assert found_trad and found_simp  # both scripts were exercised
    assert script_counts("") == (0, 0) and script_counts("abc 123") == (0, 0)


def _reference_stretches(simp: str, rare: re.Pattern[str], words: dict[str, int]) -> list[tuple[int, int]]:
    """The per-character scan: cut after every pair that begins a dictionary word."""
    out, s = [], 0
    for i in range(len(simp)):
        if i + 1 < len(simp) and simp[i : i + 2] not in words:
            continue
        if i + 1 - s >= 3 and rare.search(simp, s, i + 1):
            out.append((s, i + 1))
        s = i + 1
    return out


def _garbled(texts: list[str]) -> list[str]:
    """Real sentences broken as converters break them: GBK read one byte off, UTF-8 read as GBK."""
    out = []
    for text in texts[::5]:
        piece = text[:120]
        try:
            out.append((b"\xa1" + piece.encode("gbk")).decode("gbk", errors="replace"))
        except UnicodeEncodeError:
            continue
        out.append(piece[:40].encode("utf-8").decode("gbk", errors="replace"))
    return out


def test_stretches_equal_reference_scan(texts: list[str]) -> None:
    _, words = mojibake._tables()
    rare = mojibake._rare_chars()
    checked = 0
    for text in texts + _garbled(texts):
        simp = convert(text, "t2s")
        for run in mojibake._HAN_RUN.finditer(simp):
            piece = run.group(0)
            expected = _reference_stretches(piece, rare, words)
            assert mojibake._stretches(piece, rare, words) == expected, piece
            checked += bool(expected)
    assert checked > 50  # the garbled text does produce stretches


def test_simplified_argument_changes_nothing(texts: list[str]) -> None:
    sample = texts[::4] + _garbled(texts)
    flagged = 0
    for text in sample:
        spans = mojibake.find_mojibake_spans(text)
        assert mojibake.find_mojibake_spans(text, convert(text, "t2s")) == spans
        flagged += bool(spans)
    assert flagged >= len(_garbled(texts)) // 2


def test_mojibake_tables_share_the_segmenter_dictionary() -> None:
    logf, words = mojibake._tables()
    assert words is get_tokenizer().FREQ
    assert logf["的"] > -2.5 > logf["鍗"]


def test_clean_body_guards_change_nothing(texts: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    # invented Weibo furniture the guarded regexes exist for
    extra = [
        "医护人员连续奋战36小时 央视新闻的微博视频",
        "#抗疫一线# 护士长：我们不怕累 L人民日报的秒拍视频 ",
        "方舱医院今日休舱 组图共9张 ",
        "支援湖北的医疗队今天返程……展开全文c",
        "致敬白衣天使 O网页链接 ?",
    ]
    sample = texts + extra
    fast = [clean_body(t) for t in sample]
    # "" is in every string: the guards let every line through to the regexes
    monkeypatch.setattr(clean_body_module, "_VIDEO_WORDS", ("",))
    monkeypatch.setattr(clean_body_module, "_UNFOLD_WORDS", ("",))
    slow = [clean_body(t) for t in sample]
    assert fast == slow
    assert fast[-1].paragraphs == ["致敬白衣天使"]
    assert "truncated" in fast[-2].flags


def test_normalize_space_whitespace_fast_path() -> None:
    spaces = "".join(chr(c) for c in range(0x110000) if chr(c).isspace())
    assert normalize_space(spaces) == ""
    assert normalize_space(" \n\t\u3000 ") == ""
    assert normalize_space("\u200b") == ""  # zero-width: not isspace, still collapsed
    assert normalize_space("  医护\n  人员  ") == "医护人员"
