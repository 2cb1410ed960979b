"""extract_html on pages written for these tests: boilerplate pruning, metadata, encodings."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.extract import extract_html

FIXTURES = Path(__file__).parent / "fixtures" / "html"


def page(name: str) -> str:
    return (FIXTURES / name).read_text("utf-8")


@pytest.fixture(scope="module")
def news():
    return extract_html(page("news_boilerplate.html").encode("utf-8"), url="http://example.cn/a.html")


def test_news_body_keeps_every_paragraph_in_order(news) -> None:
    body = news.body()
    firsts = ["本报讯 记者从滨江县人民医院获悉", "医院人事科负责人介绍", "除补贴外，医院还将改造",
              "护士长陈敏说", "据了解，该县其他两家医院"]
    positions = [body.find(s) for s in firsts]
    assert all(p >= 0 for p in positions), positions
    assert positions == sorted(positions)
    # <br> splits a paragraph; leading ideographic spaces are stripped
    assert any(p.startswith("护士长陈敏说") for p in news.paragraphs)


def test_news_table_kept_as_text(news) -> None:
    assert "护士 60元 120元" in news.paragraphs


@pytest.mark.parametrize(
    "leak",
    [
        "首页",  # navigation
        "当前位置",  # breadcrumb
        "分享到",  # share bar
        "统计代码",  # script
        "font-size",  # style
        "隐藏的推广文字", "另一段隐藏文字",  # hidden nodes
        "这是注释",  # HTML comment
        "责任编辑",  # editor line
        "相关阅读", "市卫健委部署护理人员关爱行动",  # related-article box
        "免责声明", "凡注明为其他媒体来源",  # disclaimer
        "网友评论", "网友甲",  # comments
        "48小时点击排行", "秋季养生指南",  # ranking box
        "热门文章", "夜跑注意事项",
        "新闻热线", "投稿邮箱",  # newsroom contact line
        "版权所有", "ICP备",  # copyright / ICP footer
        "发布时间",  # dateline strip
    ],
)
def test_news_leaks_pruned(news, leak: str) -> None:
    assert leak not in news.body()


def test_news_metadata(news) -> None:
    assert news.title == "县医院为夜班护士增设专项补贴"
    assert news.published_at == "2023-08-03T19:05:57+08:00"
    assert news.author == "林晓雨"
    assert news.source == "滨江日报"
    assert news.encoding == "utf-8"
    assert news.flags == []


@pytest.mark.parametrize("declared", [True, False])
def test_traditional_big5_page(declared: bool) -> None:
    html = page("news_traditional.html")
    if not declared:
        html = html.replace('<meta http-equiv="Content-Type" content="text/html; charset=big5">', "")
    art = extract_html(html.encode("big5"))
    assert art.encoding == "big5hkscs"
    assert art.title == "社區藥師加入長者用藥諮詢計劃"
    assert art.published_at == "2023-11-03T08:38:00+08:00"
    assert art.author == "何嘉欣"
    body = art.body()
    assert body.startswith("社區藥師協會昨日宣布")  # Traditional stays Traditional
    assert "計劃首年預算約八百萬元" in body
    for leak in ("相關新聞", "公立醫院藥劑師人手緊張", "責任編輯", "版權所有", "主頁"):
        assert leak not in body


def test_utf8_page_declaring_gb2312_is_not_mojibake() -> None:
    html = page("forum_post.html")  # declares gb2312
    art = extract_html(html.encode("utf-8"))
    assert art.encoding == "utf-8"
    assert "charset_mismatch" in art.flags
    assert "科室给每人发了一束花" in art.body()


def test_gbk_forum_post() -> None:
    html = page("forum_post.html").replace('<meta charset="gb2312">', "")
    art = extract_html(html.encode("gbk"))
    assert art.encoding == "gb18030"
    assert art.flags == []
    assert art.title == "护士节到了，说说我们科室的福利"
    assert art.published_at == "2023-05-12T21:07:00+08:00"
    assert art.paragraphs[-1] == "大家单位护士节都有什么福利？欢迎在下面分享一下。"
    for leak in ("用户名", "下一页", "Powered by", "只看该作者"):
        assert leak not in art.body()


def test_text_input_has_no_codec() -> None:
    art = extract_html(page("news_boilerplate.html"))
    assert art.encoding is None
    assert "医院人事科负责人介绍" in art.body()


DATE_PAGE = """<html><head><title>医保新规出台 - 示例网</title>{head}</head><body>
<h1>医保新规出台</h1><div class="meta">{line}</div>
<div class="article"><p>新规明确，参保人员在基层医疗机构就诊的报销比例将提高五个百分点，政策自下月起施行。</p>
<p>有关负责人表示，新规将减轻群众看病负担，引导患者到基层首诊，促进分级诊疗制度落实。</p></div>
</body></html>"""


@pytest.mark.parametrize(
    ("head", "line", "expected"),
    [
        ('<meta property="article:published_time" content="2023-08-21T20:01:00+08:00">', "", "2023-08-21T20:01:00+08:00"),
        ('<meta name="pubdate" content="2023-08-21 20:01">', "", "2023-08-21T20:01:00+08:00"),
        ('<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2023-08-21T12:01:00Z"}</script>', "",
         "2023-08-21T12:01:00+00:00"),
        ("", "<time datetime='2023-08-21'>8月21日</time>", "2023-08-21"),
        ("", "2023年11月03日08:38 来源：新华社", "2023-11-03T08:38:00+08:00"),
        ("", "发布时间：2023-08-03 19:05:57", "2023-08-03T19:05:57+08:00"),
        ("", "2023/08/21 20:01 | 阅读 1024", "2023-08-21T20:01:00+08:00"),
        ("", "日期：二〇二三年八月二十一日", "2023-08-21"),
    ],
)
def test_publication_time_sources(head: str, line: str, expected: str) -> None:
    art = extract_html(DATE_PAGE.format(head=head, line=line))
    assert art.published_at == expected
    assert "报销比例将提高五个百分点" in art.body()


def test_date_from_url_when_page_has_none() -> None:
    art = extract_html(DATE_PAGE.format(head="", line=""), url="http://example.cn/2023-08/21/c_1129.htm")
    assert art.published_at == "2023-08-21"


@pytest.mark.parametrize(
    ("line", "author"),
    [
        ("作者：王小明", "王小明"),
        ("本报记者 张三 李四", "张三 李四"),
        ("文/赵六", "赵六"),
        ("来源：人民网 责编：孙七", None),  # an editor is not the author
    ],
)
def test_author_lines(line: str, author: str | None) -> None:
    art = extract_html(DATE_PAGE.format(head="", line=line))
    assert art.author == author


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("医保新规出台_新浪新闻", "医保新规出台"),
        ("医保新规出台-人民网", "医保新规出台"),
        ("医保新规出台 | 示例日报", "医保新规出台"),
        ("医保新规出台--社会频道--示例网", "医保新规出台"),
    ],
)
def test_title_site_suffix_removed(title: str, expected: str) -> None:
    html = DATE_PAGE.format(head="", line="").replace("<title>医保新规出台 - 示例网</title>", f"<title>{title}</title>")
    html = html.replace("<h1>医保新规出台</h1>", "")
    assert extract_html(html).title == expected
