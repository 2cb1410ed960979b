"""Metadata from meta lines: dates through the shared date parser, sources, authors."""

from __future__ import annotations

from pipeline.clean.meta import parse_meta


def test_labelled_fields() -> None:
    assert parse_meta(["来源：江城日报 发布时间：2024-03-12 08:45 作者：王晓明"]) == (
        "2024-03-12T08:45:00+08:00",
        "江城日报",
        "王晓明",
    )
    assert parse_meta(["2024年05月20日10:15  來源:《江城晚報》"]) == ("2024-05-20T10:15:00+08:00", "江城晚報", None)


def test_source_after_a_bare_date() -> None:
    assert parse_meta(["2024/01/09 07:30某某晚报 某某集团"]) == ("2024-01-09T07:30:00+08:00", "某某晚报", None)


def test_several_authors_and_field_boundaries() -> None:
    _, source, author = parse_meta(["作者：宋明 杨志华 来源：某某网"])
    assert (source, author) == ("某某网", "宋明 杨志华")
    # a value ends where the next label starts, even with no separator; "收集编辑" is not an editor
    assert parse_meta(["日期: 来源:某某之家收集编辑:某某之家"]) == (None, "某某之家", None)


def test_author_fallbacks() -> None:
    assert parse_meta(["2023-01-02"], byline_names=["陈立华"])[2] == "陈立华"
    assert parse_meta(["ggjjzz 发表于 2005-9-15 11:46:00"])[2] == "ggjjzz"
    assert parse_meta(["由海风张贴 @ 2005-03-21 01:20:44"])[2] == "海风"
    assert parse_meta(["2021-07-22 来源:某某时讯 作者:文/唐明"])[2] == "唐明"
    assert parse_meta(["文/李清 王芳"])[2] == "李清 王芳"
    # only an editor is named: the editor is credited
    assert parse_meta(["来源：某某日报", "（责任编辑：魏明）"])[2] == "魏明"
    # an empty label gives nothing
    assert parse_meta(["网站编辑:"]) == (None, None, None)
