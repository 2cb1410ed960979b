"""Checks of the sample corpus itself: size, encodings, charset declarations, scripts,
pinyin annotations, near-duplicates, JSONL shape, and that sample_expected.json agrees with the files.

These tests read only ``corpus/sample/`` and use no pipeline code, so a wrong manifest or a
broken regeneration shows up here rather than as a mysterious failure of a pipeline test.
"""

from __future__ import annotations

import itertools
import json
import re
from datetime import datetime, timedelta, timezone
from functools import cache
from pathlib import Path
from typing import Any

import opencc
import pytest

SAMPLE_CORPUS = Path(__file__).resolve().parent.parent / "corpus" / "sample"
INPUT_SUFFIXES = {".html", ".htm", ".txt", ".jsonl"}
TOPICS = {"pay", "protection", "rest", "mental", "family", "career", "honor", "charity", "health_service"}
CODECS = {"utf-8": "utf-8", "gbk": "gb18030", "big5": "big5"}

#: A syllable with a tone mark in parentheses right after a Han character: 醫(yī), 節(jié).
PINYIN_RE = re.compile(r"(?<=[\u4e00-\u9fff])\((?=[a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ])[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,6}\)")
META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
TAG_RE = re.compile(r"<script.*?</script>|<style.*?</style>|<[^>]+>", re.S | re.I)

# Characters that exist only in Traditional script, and their Simplified forms (hand-picked, common).
TRAD_ONLY = set("醫護衛們會這說與為時過國來個於發學對間樣體關從實現區縣務幣導")
SIMP_ONLY = set("医护卫们会这说与为时过国来个于发学对间样体关从实现区县务币导")


@cache
def expected() -> dict[str, Any]:
    return json.loads((SAMPLE_CORPUS.parent / "sample_expected.json").read_text(encoding="utf-8"))


def files() -> dict[str, dict[str, Any]]:
    return expected()["files"]


def input_paths() -> list[str]:
    return sorted(
        p.relative_to(SAMPLE_CORPUS).as_posix()
        for p in SAMPLE_CORPUS.rglob("*")
        if p.is_file() and p.suffix in INPUT_SUFFIXES
    )


@cache
def decoded(rel: str) -> str:
    """The file's text, decoded strictly with the encoding sample_expected.json gives."""
    codec = CODECS[files()[rel]["encoding"]]
    return (SAMPLE_CORPUS / rel).read_bytes().decode(codec)


def plain(rel: str) -> str:
    """Decoded text without pinyin annotations."""
    return PINYIN_RE.sub("", decoded(rel))


def single_docs() -> list[str]:
    return [rel for rel, meta in files().items() if meta["kind"] != "jsonl"]


@cache
def t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def test_manifest_covers_every_input_file_and_nothing_else() -> None:
    assert sorted(files()) == input_paths()


def test_at_least_thirty_documents_and_modest_size() -> None:
    n_items = sum(len(meta["items"]) for meta in files().values() if meta["kind"] == "jsonl")
    assert len(single_docs()) + n_items >= 30
    total = sum(p.stat().st_size for p in SAMPLE_CORPUS.rglob("*") if p.is_file())
    assert total < 1_000_000


def test_every_kind_of_input_is_present() -> None:
    kinds = [meta["kind"] for meta in files().values()]
    assert kinds.count("html") >= 20 and kinds.count("text") >= 8 and kinds.count("jsonl") >= 2


@pytest.mark.parametrize("rel", [r for r in input_paths() if not r.endswith(".jsonl")])
def test_declared_encoding_is_the_real_one(rel: str) -> None:
    meta = files()[rel]
    raw = (SAMPLE_CORPUS / rel).read_bytes()
    raw.decode(CODECS[meta["encoding"]])  # strict: raises if the bytes are not that encoding
    if meta["encoding"] != "utf-8":
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")


def test_both_legacy_encodings_are_used() -> None:
    encodings = {meta["encoding"] for rel, meta in files().items() if meta["kind"] == "html"}
    assert {"utf-8", "gbk", "big5"} <= encodings


@pytest.mark.parametrize("rel", [r for r in input_paths() if r.endswith((".html", ".htm"))])
def test_charset_declaration_matches_manifest(rel: str) -> None:
    match = META_CHARSET_RE.search((SAMPLE_CORPUS / rel).read_bytes())
    declared = match.group(1).decode("ascii") if match else None
    assert declared == files()[rel]["declared_charset"]


def test_some_pages_lack_a_charset_and_one_utf8_page_lies() -> None:
    html = {rel: meta for rel, meta in files().items() if meta["kind"] == "html"}
    undeclared = [rel for rel, meta in html.items() if meta["declared_charset"] is None]
    assert len(undeclared) >= 2
    assert {html[rel]["encoding"] for rel in undeclared} >= {"gbk", "big5"}
    liars = [
        rel for rel, meta in html.items()
        if meta["encoding"] == "utf-8" and (meta["declared_charset"] or "").lower() in {"gb2312", "gbk"}
    ]
    assert liars, "need one UTF-8 page whose meta wrongly says gb2312"
    # the liar really is undecodable as GB text without damage: decoding as GBK garbles it
    garbled = (SAMPLE_CORPUS / liars[0]).read_bytes().decode("gb18030", errors="replace")
    assert files()[liars[0]]["title"] not in garbled


@pytest.mark.parametrize("rel", sorted(single_docs()))
def test_script_matches_manifest(rel: str) -> None:
    text = TAG_RE.sub("", plain(rel))
    n_trad = sum(ch in TRAD_ONLY for ch in text)
    n_simp = sum(ch in SIMP_ONLY for ch in text)
    if files()[rel]["traditional"]:
        assert n_trad >= 10 and n_trad > 2 * n_simp, (n_trad, n_simp)
        assert t2s().convert(files()[rel]["title"]) != files()[rel]["title"]
    else:
        assert n_simp >= 10 and n_simp > 5 * n_trad, (n_simp, n_trad)


def test_traditional_documents_come_from_several_kinds_and_encodings() -> None:
    trad = [meta for meta in files().values() if meta.get("traditional")]
    assert len(trad) >= 5
    assert {m["kind"] for m in trad} >= {"html", "text"}
    assert {m["encoding"] for m in trad} >= {"big5", "utf-8"}


@pytest.mark.parametrize("rel", sorted(single_docs()))
def test_pinyin_annotations_exactly_where_declared(rel: str) -> None:
    found = PINYIN_RE.findall(decoded(rel))
    if files()[rel]["pinyin_annotated"]:
        assert len(found) >= 10
        assert "醫(yī)" in decoded(rel)
    else:
        assert found == []


@pytest.mark.parametrize("rel", sorted(single_docs()))
def test_title_and_date_are_on_the_page(rel: str) -> None:
    meta = files()[rel]
    text = plain(rel)
    assert meta["title"] in text
    year, month, day = (int(x) for x in meta["date"].split("-"))
    date_re = re.compile(rf"{year}\s*[-/年.]\s*0?{month}\s*[-/月.]\s*0?{day}(?!\d)")
    if not date_re.search(text):
        stamp = re.search(r'var ct = "(\d{9,10})"', text)
        assert stamp, f"no {meta['date']} in {rel}"
        local = datetime.fromtimestamp(int(stamp.group(1)), timezone(timedelta(hours=8)))
        assert local.date().isoformat() == meta["date"]


@pytest.mark.parametrize("rel", sorted(single_docs()))
def test_snippets_are_real(rel: str) -> None:
    """must_contain text is in the input; must_not_contain boilerplate is really there to drop."""
    meta = files()[rel]
    text = plain(rel)
    if meta["kind"] == "html":
        assert len(meta["must_contain"]) >= 1 and len(meta["must_not_contain"]) >= 1
        text = re.sub(r"&nbsp;", " ", text)
    for snippet in meta.get("must_contain", []) + meta.get("must_not_contain", []):
        assert snippet in text, snippet
    for keep, drop in itertools.product(meta.get("must_contain", []), meta.get("must_not_contain", [])):
        assert drop not in keep


def test_labels_use_the_taxonomy() -> None:
    labelled = [m for m in files().values() if m["kind"] != "jsonl"]
    labelled += [item for m in files().values() if m["kind"] == "jsonl" for item in m["items"].values()]
    for item in labelled:
        assert set(item["topics"]) <= TOPICS
        assert bool(item["topics"]) == item["relevant"]
    assert sum(not item["relevant"] for item in labelled) >= 8
    covered = set().union(*(item["topics"] for item in labelled))
    assert covered == TOPICS


def test_dates_spread_over_2019_to_2024() -> None:
    dates = [m["date"] for m in files().values() if m["kind"] != "jsonl"]
    dates += [i["date"] for m in files().values() if m["kind"] == "jsonl" for i in m["items"].values()]
    assert {d[:4] for d in dates} >= {"2019", "2020", "2021", "2022", "2023", "2024"}
    assert len({d[5:7] for d in dates}) >= 8


def shingles(text: str, k: int = 5) -> set[str]:
    han = "".join(re.findall(r"[\u4e00-\u9fff0-9]", text))
    return {han[i : i + k] for i in range(len(han) - k + 1)}


@cache
def prose_shingles(rel: str) -> frozenset[str]:
    """Shingles of the long lines only (body prose; menus, lists and footers are short)."""
    text = t2s().convert(TAG_RE.sub("\n", plain(rel)))
    long_lines = [line for line in text.splitlines() if len(re.findall(r"[\u4e00-\u9fff]", line)) >= 60]
    return frozenset(shingles("\n".join(long_lines)))


def containment(a: str, b: str) -> float:
    sa, sb = prose_shingles(a), prose_shingles(b)
    return len(sa & sb) / max(1, min(len(sa), len(sb)))


def test_near_duplicate_groups_are_consistent_and_similar() -> None:
    groups = expected()["near_duplicate_groups"]
    assert len(groups) >= 2
    in_groups = {rel for members in groups.values() for rel in members}
    for rel, meta in files().items():
        if meta["kind"] == "jsonl":
            continue
        group = meta["near_duplicate_group"]
        assert (group is not None) == (rel in in_groups)
        assert group is None or rel in groups[group]
        assert len(prose_shingles(rel)) >= 50, rel
    assert any(any(files()[r]["traditional"] for r in members) for members in groups.values())
    assert any(len({r.split("/")[0] for r in members}) > 1 for members in groups.values())
    same = {frozenset(pair) for members in groups.values() for pair in itertools.combinations(members, 2)}
    dup_scores = [containment(*pair) for pair in same]
    other = [
        containment(a, b) for a, b in itertools.combinations(sorted(single_docs()), 2) if frozenset((a, b)) not in same
    ]
    assert min(dup_scores) > 0.5, dup_scores
    assert max(other) < 0.2, max(other)


def read_jsonl(rel: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in decoded(rel).splitlines() if line.strip()]


@pytest.mark.parametrize("rel", [r for r in input_paths() if r.endswith(".jsonl")])
def test_jsonl_items_have_the_fields_and_match_the_manifest(rel: str) -> None:
    rows = read_jsonl(rel)
    items = files()[rel]["items"]
    assert [row["id"] for row in rows] == list(items)
    for row in rows:
        assert set(row) == {"id", "title", "url", "date", "text"}
        exp = items[row["id"]]
        assert row["title"] == exp["title"]
        assert row["date"].startswith(exp["date"])
        assert row["url"].startswith("https://")
        for snippet in exp.get("must_contain", []) + exp.get("must_not_contain", []):
            assert snippet in row["text"]


def test_jsonl_carries_real_social_and_broadcast_defects() -> None:
    weibo = " ".join(row["text"] for row in read_jsonl("jsonl/weibo_posts.jsonl"))
    assert re.search(r"#[^#\s]+#", weibo)
    assert "//@" in weibo and "…展开全文" in weibo and "\u200b" in weibo
    cctv = read_jsonl("jsonl/cctv_transcripts.jsonl")
    assert all(row["text"].startswith("央视网消息（新闻联播）：") for row in cctv)


def test_html_pages_carry_the_usual_boilerplate() -> None:
    pages = " ".join(decoded(rel) for rel, m in files().items() if m["kind"] == "html")
    for marker in ("相关阅读", "猜你喜欢", "热门文章", "48小时点击排行", "免责声明", "ICP备", "责任编辑：",
                   "<!--", "display:none", "<table", "<br>", "TRS_Editor", "xgyd", "footer", "copyright",
                   "article:published_time", "application/ld+json"):
        assert marker in pages, marker


def test_text_dumps_carry_scraper_leftovers() -> None:
    dumps = " ".join(plain(rel) for rel, m in files().items() if m["kind"] == "text")
    for marker in ("下载此文档", "ICP备", "当前位置:首页", "| ", ">>", "热门文章", "网站编辑" if False else "網站編輯"):
        assert marker in dumps, marker
    mojibake = [rel for rel, m in files().items() if m.get("mojibake")]
    assert mojibake and "\ufffd" in decoded(mojibake[0])
