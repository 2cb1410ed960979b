"""Pure parts of the article queries: dates, whole-word spans, outlet names (hand-written inputs)."""

from __future__ import annotations

import datetime as dt

import pytest

from pipeline.clean.body import clean_body
from pipeline.clean.meta import lead_outlet
from pipeline.errors import UsageError
from pipeline.query.filters import parse_day
from pipeline.query.kwic import match_spans, token_spans
from pipeline.query.sources import source_name, url_site
from pipeline.query.terms import words


def test_parse_day_periods() -> None:
    assert parse_day("2020") == dt.date(2020, 1, 1) and parse_day("2020", end=True) == dt.date(2020, 12, 31)
    assert parse_day("2020-02", end=True) == dt.date(2020, 2, 29) and parse_day("2021-3-5") == dt.date(2021, 3, 5)
    for bad in ("2020-13", "20200101", "yesterday", "2021-02-30"):
        with pytest.raises(UsageError):
            parse_day(bad)


def test_whole_word_spans_keep_plural_apart() -> None:
    text = "医改后，医生们体会到 医生的责任。"
    tokens = ["医改", "后", "，", "医生", "们", "体会", "到", "医生", "的", "责任", "。"]
    assert words(tokens)[3] == "医生们"
    assert token_spans(text, tokens)[7] == (11, 13)
    assert match_spans(text, tokens, "医生", ["医生"], substring=False) == [(11, 13)]
    assert match_spans(text, tokens, "医生们", ["医生们"], substring=False) == [(4, 7)]
    assert match_spans(text, tokens, "医生", ["医生"], substring=True) == [(4, 6), (11, 13)]


def test_outlet_names() -> None:
    assert lead_outlet("央视网消息（新闻联播）：今天，某市召开会议。") == "央视网"
    assert lead_outlet("新华社上海3月2日电 记者从市卫健委获悉") == "新华社"
    assert lead_outlet("据新华社北京3月2日电 某某") == "新华社"
    assert lead_outlet("本报北京3月2日讯 记者某某") is None and lead_outlet("今天天气很好") is None
    assert lead_outlet("医疗队传来好消息：病人出院了") is None  # a message, not an outlet
    assert lead_outlet("某某日报消息：市里召开会议") == "某某日报" and lead_outlet("央視網消息：今天") == "央視網"
    assert url_site("https://m.weibo.cn/123/456") == "weibo.cn" and url_site("https://www.example.com.cn/a") == "example.com.cn"
    assert url_site("not a url") is None
    assert source_name("来源：某某日报 ", "https://news.example.cn/1") == "某某日报"
    assert source_name(None, "https://news.example.cn/1", "正文") == "news.example.cn"
    assert source_name("", None, "新华社武汉2月1日电 正文", "in/posts.jsonl") == "新华社"
    assert source_name(None, None, "正文", "in/posts.jsonl") == "[posts.jsonl]"
    assert source_name(None) == "(unknown)"


def test_body_dateline_names_the_source() -> None:
    body = clean_body("央视网消息（新闻联播）：某省为一线护士发放补助，标准提高一倍。\n记者：某某")
    assert body.source == "央视网" and body.paragraphs[0].startswith("某省")
