"""Publisher and author normalized like the text: Simplified script, no pinyin, no date pieces."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.clean import CleanStep
from pipeline.clean.meta import parse_meta
from pipeline.extract.api import extract_html
from pipeline.normalize import NormalizeStep
from pipeline.normalize.metadata import is_name_fragment, normalize_name
from pipeline.record import Doc

FIXTURES = Path(__file__).parent / "fixtures" / "html"


@pytest.mark.parametrize("found, expected", [
    ("《工人日报》", "工人日报"),
    ("工人日報", "工人日报"),
    ("【新華社】", "新华社"),
    ("「明報」", "明报"),
    ("《人民日报》海外版", "《人民日报》海外版"),  # marks inside a name stay
    ("  南方  都市报 ", "南方 都市报"),
    ("醫(yī)師報", "医师报"),
    ("吳鐸思", "吴铎思"),
    ("Ｘｉｎｈｕａ", "Xinhua"),
])
def test_names_are_normalized_like_the_text(found: str, expected: str) -> None:
    assert normalize_name(found) == expected


@pytest.mark.parametrize("found", [
    "星期二", "禮拜天", "周三", "Tue", "2023年8月21日", "08:38", "2023-08-21 星期二 20:01", "二〇二三年十一月三日",
    "首页 > 新闻中心 > 正文", "当前位置：健康", "---", "", None,
])
def test_fragments_name_no_one(found: str | None) -> None:
    assert normalize_name(found) is None


@pytest.mark.parametrize("name", ["周一鸣", "人民网", "Sunday Times", "新京报", "星岛日报"])
def test_names_that_look_like_dates_in_part_are_kept(name: str) -> None:
    assert not is_name_fragment(name)
    assert normalize_name(name) == name


def test_a_weekday_after_the_date_is_not_taken_for_the_source() -> None:
    _, source, _ = parse_meta(["2021-03-09 10:15 星期二 江城晚報"])
    assert source == "江城晚報"


def test_pinyin_brackets_do_not_cut_a_meta_value() -> None:
    published, source, author = parse_meta(["2022年10月18日09:12  來源:《職(zhí)工時報》 作者：吳(wú)鐸思"])
    assert (source, author) == ("職工時報", "吳鐸思")


def test_page_source_and_author_through_extraction_and_normalization() -> None:
    """A Traditional page whose meta line has pinyin annotations, a weekday and 《》 marks."""
    page = (FIXTURES / "news_traditional_pinyin_meta.html").read_bytes()
    article = extract_html(page)
    doc = Doc(doc_id="p", source_path="p.html", input_kind="html", paragraphs=article.paragraphs,
              title=article.title, author=article.author, source=article.source)
    out = NormalizeStep()(doc)
    assert isinstance(out, Doc)
    assert (out.source, out.author) == ("港湾职工报", "郑嘉慧")
    assert (out.source_original, out.author_original) == ("《港灣職工報》", "鄭嘉慧")


def test_normalize_step_keeps_the_originals() -> None:
    body = "市醫院為一線醫護人員發放補貼，並安排輪休，護士長表示感謝社會各界的關心。"
    doc = Doc(doc_id="a", source_path="a.txt", input_kind="text", paragraphs=[body],
              author="記者 吳鐸思", source="《工人日報》")
    out = NormalizeStep()(doc)
    assert isinstance(out, Doc)
    assert (out.source, out.source_original) == ("工人日报", "《工人日報》")
    assert (out.author, out.author_original) == ("记者 吴铎思", "記者 吳鐸思")


def test_seed_sources_and_authors_equal_their_gold(shared_data: Path) -> None:
    """The cleaner then the normalizer on the real seed dumps (Traditional, pinyin-annotated)."""
    checked = 0
    for path in sorted((shared_data / "seeds" / "labels").glob("*.json")):
        gold = json.loads(path.read_text("utf-8"))
        raw = (shared_data / "seeds" / gold["file"]).read_text("utf-8")
        doc = CleanStep()(Doc(doc_id=gold["file"], source_path=gold["file"], input_kind="text", raw=raw))
        assert isinstance(doc, Doc), gold["file"]
        doc = NormalizeStep()(doc)
        assert isinstance(doc, Doc), gold["file"]
        assert (doc.source, doc.author) == (gold["source"], gold["author"]), gold["file"]
        checked += 1
    assert checked == 5
