"""The fast normalize/clean/extract paths give exactly what the straightforward code gives.

Each optimized function is compared with a plain reference implementation written here (the
per-character loops the pipeline used before) on real text from the shared data folder, and on
mojibake made from that text the way broken converters make it.
"""

from __future__ import annotations

import copy
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

from pipeline.clean import body as clean_body_module
from pipeline.clean.body import clean_body
from pipeline.errors import InputRejected
from pipeline.extract import dom
from pipeline.extract.blocks import iter_blocks, normalize_space
from pipeline.extract.parse import Limits, decode_page, parse_tree
from pipeline.normalize import mojibake
from pipeline.normalize.opencc_convert import convert
from pipeline.normalize.quality import han_ratio
from pipeline.normalize.script import MIXED_SHARE, detect_script, script_counts
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


@pytest.mark.slow
def test_packaged_mojibake_tables_match_the_segmenter_dictionary() -> None:
    """The shipped table is current: rebuilt from jieba's dictionary and our user dictionary
    it gives the same frequencies and word starts (rebuild with ``python -m pipeline.normalize.tables``)."""
    logf, words = mojibake._tables()
    built = mojibake.build_tables()
    assert logf == built["logf"]
    freq = get_tokenizer().FREQ
    pairs = {w[:2] for w in freq if len(w) >= 2}
    assert all(p in words for p in pairs)
    assert sum(len(v) for v in built["pairs"].values()) == len(pairs)
    assert "医护" in words and "护医" not in words and "医" not in words
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


# -- stage CPU follow-up (issue 8): quality, script, mojibake runs, Markdown guards, extraction --


def test_han_ratio_equal_reference(texts: list[str]) -> None:
    for text in texts + _garbled(texts) + ["", "abc", " \n", "医生abc", "（資料圖片）ok"]:
        chars = len("".join(text.split()))
        expected = len(_HAN.findall(text)) / chars if chars else 0.0
        assert han_ratio(text) == expected


def _reference_script(text: str) -> str | None:
    """The decision from full counts, as before the early exits."""
    if not _HAN.search(text):
        return None
    trad, simp = _reference_script_counts(text)
    total = trad + simp
    if total == 0 or trad <= MIXED_SHARE * total:
        return "hans"
    return "hant" if simp <= MIXED_SHARE * total else "mixed"


def test_detect_script_equal_reference(texts: list[str]) -> None:
    sample = texts[::3]
    sample += [convert(t, "s2t") for t in sample[::4]]
    sample += [a[:200] + b[:100] for a, b in zip(sample[::7], [convert(t, "s2t") for t in sample[1::7]])]
    seen = set()
    for text in sample + ["", "abc", "医院", "醫院", "医院醫院"]:
        expected = _reference_script(text) if text else None
        assert detect_script(text) == expected, text[:40]
        seen.add(expected)
    assert {"hans", "hant", "mixed"} <= seen


def test_rare_runs_equal_reference_runs(texts: list[str]) -> None:
    rare = mojibake._rare_chars()
    checked = 0
    for text in texts + _garbled(texts):
        simp = convert(text, "t2s")
        if len(simp) != len(text):
            continue
        expected = [m.span() for m in mojibake._HAN_RUN.finditer(text) if rare.search(simp, *m.span())]
        assert mojibake._rare_runs(text, simp, rare) == expected
        checked += bool(expected)
    assert checked > 50


def test_clean_body_markdown_and_hashtags() -> None:
    text = "## 医院动态\n> 护士长说：**不怕累**\n#抗疫一线# 医生~~连续~~值班__36小时__\n下_划 线与 > 号保留"
    assert clean_body(text).paragraphs == [
        "医院动态", "护士长说：不怕累", "抗疫一线 医生连续值班36小时", "下_划 线与 > 号保留",
    ]


def _pages(shared_data: Path) -> list[bytes]:
    pages = sorted((shared_data / "extraction").glob("*/*.html"))
    pages += sorted((Path(__file__).resolve().parents[1] / "corpus" / "sample" / "html").glob("*.html"))
    assert len(pages) > 250
    return [p.read_bytes() for p in pages]


def _trees(shared_data: Path) -> list[etree._Element]:
    out = []
    for data in _pages(shared_data):
        try:
            text = decode_page(data, None, Limits())[0]
            out.append(parse_tree(text, Limits()))
        except InputRejected:
            continue
    return out


def _reference_prose_ancestors(scope: etree._Element, top: int = 2) -> set[etree._Element]:
    """The per-element loop: own text and children's tails, counted element by element."""
    counts = []
    for el in scope.iter():
        if not isinstance(el.tag, str):
            continue
        own = (el.text or "") + "".join(c.tail or "" for c in el)
        n = len(dom._SENTENCE.findall(own))
        if n:
            counts.append((n, el))
    counts.sort(key=lambda item: item[0], reverse=True)
    protected: set[etree._Element] = set()
    for n, el in counts[:top]:
        if n < 3:
            break
        anc = el
        while anc is not None and anc not in protected:
            protected.add(anc)
            anc = anc.getparent()
    return protected


def _reference_drop_comment_lists(scope: etree._Element, changed: object = None) -> None:
    """Comment-list pruning without the whole-text guard, candidates found element by element."""
    total = len(dom._SENTENCE.findall(scope.xpath("string()")))
    lists = [el for el in scope.iter() if isinstance(el.tag, str) and len(el) >= 3 and dom._is_comment_list(el)]
    for el in lists:
        if el.getparent() is None:
            continue
        inside = len(dom._SENTENCE.findall(el.xpath("string()")))
        if total - inside >= 3:
            dom.drop_keep_tail(el)
            total -= inside


def _shape(root: etree._Element) -> list[tuple[object, ...]]:
    return [(el.tag, el.text, el.tail, dict(el.attrib)) for el in root.iter()]


@pytest.mark.slow
def test_extraction_fast_paths_equal_reference(shared_data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Prose protection, comment-list pruning and block reuse give what the plain code gives."""
    reused = 0
    for root in _trees(shared_data):
        dom.strip_noise(root)
        body = root.find("body")
        scope = body if body is not None else root
        assert dom._prose_ancestors(scope) == _reference_prose_ancestors(scope)
        twin = copy.deepcopy(root)
        spans: dict = {}
        first = iter_blocks(root, record=spans)
        changed = dom.drop_boilerplate(root)
        with monkeypatch.context() as patch:
            patch.setattr(dom, "drop_comment_lists", _reference_drop_comment_lists)
            dom.drop_boilerplate(twin)
        assert _shape(root) == _shape(twin)
        # blocks copied from the first walk equal a fresh walk of the pruned tree
        fresh = iter_blocks(root)
        again = iter_blocks(root, reuse=(first, spans, changed))
        assert [(b.text, b.chars, b.link_chars, b.heading) for b in again] == [
            (b.text, b.chars, b.link_chars, b.heading) for b in fresh]
        assert all(a.owner is b.owner for a, b in zip(again, fresh))
        reused += bool(changed) and len(fresh) > 0
    assert reused > 100  # most pages lose furniture: the reuse path ran on them


def test_prose_ancestors_ties_follow_document_order() -> None:
    # A's own text is B's tail: found after B's text, yet A comes first in the document
    html = ("<html><body><div id='A'><p id='B'>一，二，三，</p>四，五，六，</div>"
            "<div id='C'>甲，乙，丙，</div><div id='D'>短。</div></body></html>")
    root = parse_tree(html, Limits())
    scope = root.find("body")
    got = dom._prose_ancestors(scope)
    assert got == _reference_prose_ancestors(scope)
    assert {el.get("id") for el in got} == {"A", "B", None}  # C loses the tie; body and html have no id
