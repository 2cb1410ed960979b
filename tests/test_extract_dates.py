"""Date parsing shared by extraction and cleaning: every Chinese and ISO form we claim."""

from __future__ import annotations

import pytest

from pipeline.dates import find_datetime, parse_chinese_datetime


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023年11月03日08:38", "2023-11-03T08:38:00+08:00"),
        ("2023年11月3日 8:38", "2023-11-03T08:38:00+08:00"),
        ("发布时间：2023-08-03 19:05:57", "2023-08-03T19:05:57+08:00"),
        ("2023/08/21 20:01", "2023-08-21T20:01:00+08:00"),
        ("2023.08.21", "2023-08-21"),
        ("2023-8-1", "2023-08-01"),
        ("2023年8月3日 19时05分", "2023-08-03T19:05:00+08:00"),
        ("2023年8月3日 19点05分30秒", "2023-08-03T19:05:30+08:00"),
        ("2023年11月3日 下午3:05", "2023-11-03T15:05:00+08:00"),
        ("2011年12月31日 星期六", "2011-12-31"),
        ("二〇二三年十一月三日", "2023-11-03"),
        ("二〇一一年十二月三十一日", "2011-12-31"),
        ("２０２３－０８－２１　２０：０１", "2023-08-21T20:01:00+08:00"),
        ("2023-08-21T20:01:00Z", "2023-08-21T20:01:00+00:00"),
        ("2023-08-21T20:01:00+0800", "2023-08-21T20:01:00+08:00"),
        ("2023-08-21T20:01:00.123-05:00", "2023-08-21T20:01:00-05:00"),
        ("Mon, 21 Aug 2023 20:01:00 +0800", "2023-08-21T20:01:00+08:00"),
        ("2005-5-7 21:23:57", "2005-05-07T21:23:57+08:00"),
    ],
)
def test_parse_forms(text: str, expected: str) -> None:
    assert parse_chinese_datetime(text) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("来源：新华网 发布时间：2023-08-03 19:05:57 编辑：王小明", "2023-08-03T19:05:57+08:00"),
        ("本报记者 张三 2023年11月03日08:38 来源：人民网", "2023-11-03T08:38:00+08:00"),
        ("【字号 大 中 小】 2012年01月05日 09:12 新浪网", "2012-01-05T09:12:00+08:00"),
        ("发表于 2005-3-11 12:12 | 只看该作者", "2005-03-11T12:12:00+08:00"),
    ],
)
def test_find_inside_line(line: str, expected: str) -> None:
    assert find_datetime(line) == expected


@pytest.mark.parametrize(
    "text",
    ["", "没有日期的句子。", "2023-13-01", "2023-02-30", "1850-01-01", "电话：010-65363636",
     "第25:61分钟", "阅读 12345 次"],
)
def test_no_date(text: str) -> None:
    assert find_datetime(text) is None
    assert parse_chinese_datetime(text) is None


def test_parse_only_forms() -> None:
    assert parse_chinese_datetime("20230821") == "2023-08-21"
    assert parse_chinese_datetime("20230821 2001") == "2023-08-21T20:01:00+08:00"
    assert parse_chinese_datetime("1998-3") == "1998-03"
    assert parse_chinese_datetime("2023年8月") == "2023-08"
    # inside a longer line, compact digits and year-month are too ambiguous to accept
    assert find_datetime("编号20230821") is None
    assert find_datetime("1998-3 第二版") is None
