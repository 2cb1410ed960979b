"""Authors, dates and leak rules on hand-written pages: bylines of many kinds, blog and forum
post headers, government document tables, WeChat pages, comment sections and disclaimers."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.dates import find_datetime, unix_datetime
from pipeline.extract import extract_html

FIXTURES = Path(__file__).parent / "fixtures" / "html"

BODY = (
    "<p>新规明确，参保人员在基层医疗机构就诊的报销比例将提高五个百分点，政策自下月起施行。</p>"
    "<p>有关负责人表示，新规将减轻群众看病负担，引导患者到基层首诊，促进分级诊疗制度落实。</p>"
)


def article(meta: str = "", before: str = "", after: str = "", head: str = "",
            title: str = "医保新规出台 - 示例网") -> str:
    """A small news page: ``meta`` under the headline, ``before``/``after`` around the body."""
    return (
        f"<html><head><title>{title}</title>{head}</head><body>"
        f"<div class='nav'><a href='/'>首页</a> <a href='/n/'>新闻</a></div>"
        f"<h1>医保新规出台</h1><div class='info'>{meta}</div>"
        f"<div class='article'>{before}{BODY}{after}</div>"
        "<div class='footer'>示例网 版权所有</div></body></html>"
    )


@pytest.mark.parametrize(
    ("html", "author"),
    [
        (article("2023-08-21 10:00 来源：示例日报 作者：王小明"), "王小明"),
        (article("作者: 赵  培 单位：示例大学"), "赵培"),  # two-character name padded with spaces
        (article("本报记者 张三 李四"), "张三 李四"),
        (article(before="<p>〔記者林怡君／臺北報導〕衛福部今天宣佈調高夜班津貼，護理團體表示歡迎。</p>"), "林怡君"),
        (article(before="<p>（记者 周明 通讯员 李岚）市卫健委昨日召开发布会，通报夜班补贴落实情况。</p>"), "周明"),
        (article("2004年7月16日08:19 [ 陈力 ] 来源：[ 示例金融报 ]"), "陈力"),
        (article("【打印】【关闭】 2004年7月16日08:19 来源：示例网"), None),
        (article("文/赵六"), "赵六"),
        (article(after="<p>蔡小文/摄</p>"), "蔡小文"),
        (article("来源：人民网 责编：孙七"), None),  # an editor is not the author
        (article("2023年12月02日 22:31 示例体育 我要评论"), None),
        (article('作者： size="20" 来源： size="20"', before="<p>周明</p>"), "周明"),  # markup as text
        (article(before="<p>周明、李岚</p>"), "周明、李岚"),  # names-only line under the headline
        (article(after="<p align='right'>（袁小源）</p>"), "袁小源"),
        (article(after="<p>（完）</p>"), None),
        (article(head='<meta name="author" content="刘一凡">'), "刘一凡"),
        (article(head='<script type="application/ld+json">{"@type":"NewsArticle",'
                      '"author":{"@type":"Person","name":"钱多多"}}</script>'), "钱多多"),
        (article("<span class='post-author'>lanxin88</span> 2023-05-12"), "lanxin88"),
        (article(title="海风 | blog.example.com"), "海风"),
        (article(title="林间小路的博客_示例博客"), "林间小路"),
    ],
)
def test_author(html: str, author: str | None) -> None:
    assert extract_html(html).author == author


def test_blog_post_header_and_forum_signature() -> None:
    blog = article(before="<div><a href='/u/lanxin88'>lanxin88</a> 发表于 2006-3-2 10:15:00</div>")
    art = extract_html(blog)
    assert art.author == "lanxin88"
    assert art.published_at == "2006-03-02T10:15:00+08:00"
    thread = article(after="<p>〓 示例论坛 发布时间 2005/03/15 22:36:13 by moonriver 〓</p>"
                           "<p>〓 示例论坛 发布时间 2005/03/16 08:01:00 by other_user 〓</p>")
    assert extract_html(thread).author == "moonriver"  # the opening post's signature
    footer = article(after="<p>Powered by Discuz! Archiver 5.0.0 © 2001-2006 Comsenz Inc.</p>")
    assert extract_html(footer).author is None


GOV_PAGE = """<html><head><title>关于做好基层卫生人员职称评审工作的通知</title>
<meta name="PubDate" content="2022-01-28 00:00:00"></head><body>
<table class="xxgk"><tr><td>索 引 号：</td><td>000014349/2022-00012</td></tr>
<tr><td>发文机关：</td><td>示例省人民政府办公厅</td><td>成文日期：</td><td>2022年01月27日</td></tr>
<tr><td>发文字号：</td><td>示政办发〔2022〕3号</td><td>发布日期：</td><td>2022年01月28日</td></tr></table>
<h1>关于做好基层卫生人员职称评审工作的通知</h1>
<div class="content"><p>各市、县人民政府，省政府各部门：为稳定基层卫生人才队伍，经省政府同意，现就有关事项通知如下。</p>
<p>一、基层卫生人员职称评审单独分组、单独评审，论文不作硬性要求，重点评价工作实绩。</p></div>
</body></html>"""


def test_government_document_agency_and_signing_date() -> None:
    art = extract_html(GOV_PAGE)
    assert art.author == "示例省人民政府办公厅"
    assert art.published_at == "2022-01-27"  # 成文日期, not the release date in meta or table


EPAPER = """<html><head><title>示例日报数字报</title></head><body>
<ul class="tools"><li>上一期</li><li>下一期</li><li>往期</li></ul>
<div class="date">2022年02月13日</div>
<h2>“厕所革命”改善农牧区人居环境</h2>
<div class="content"><p>记者近日从自治区农业农村厅召开的全区农牧业工作会议上了解到，去年全区改造户用卫生厕所四万余座。</p>
<p>下一步将持续开展村庄清洁行动，因地制宜改造户用卫生厕所，改善农牧区人居环境。</p></div>
</body></html>"""


def test_epaper_edition_date_above_headline() -> None:
    assert extract_html(EPAPER).published_at == "2022-02-13"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("发布日期： 7/5/2005 9:23:57 PM", "2005-07-05T21:23:57+08:00"),  # en-US: month first
        ("12/31/2004 12:05 AM", "2004-12-31T00:05:00+08:00"),
        ("posted @ 2010-03-02 11:20", "2010-03-02T11:20:00+08:00"),
        ("13/5/2005 9:23 PM", None),  # no 13th month
    ],
)
def test_find_datetime_forms(text: str, expected: str | None) -> None:
    assert find_datetime(text) == expected


def test_unix_timestamps() -> None:
    assert unix_datetime("1581478200") == "2020-02-12T11:30:00+08:00"
    assert unix_datetime("1581478200000") == "2020-02-12T11:30:00+08:00"
    assert unix_datetime("158147820") is None
    assert unix_datetime("2020-02-12") is None


def test_wechat_page_hidden_body_script_date_and_author() -> None:
    art = extract_html((FIXTURES / "wechat_article.html").read_bytes())
    body = art.body()
    assert art.paragraphs[0].startswith("凌晨一点半，住院部三楼的灯还亮着")
    assert "费用由医院工会经费列支" in body
    for leak in ("隐藏的统计文字", "预览时标签不可点", "长按识别二维码", "阅读原文"):
        assert leak not in body
    assert art.published_at == "2023-11-21T09:50:00+08:00"  # var ct = "1700531400"
    assert art.author == "青溪县人民医院工会"


def test_short_visibility_hidden_text_still_dropped() -> None:
    html = article(before="<p style='visibility:hidden'>隐藏的推广文字，请勿显示。</p>")
    assert "隐藏的推广文字" not in extract_html(html).body()


@pytest.mark.parametrize(
    "statement",
    [
        "特别声明：以上内容(包括在内的视频、图片或音频)为自媒体平台“示例号”用户上传并发布，本平台仅提供信息存储服务。",
        "声明：本文仅代表作者观点，不代表本站立场。",
        "免責聲明：本文內容由作者提供，僅代表作者個人觀點。",
    ],
)
def test_platform_disclaimers_dropped(statement: str) -> None:
    art = extract_html(article(after=f"<p>{statement}</p>"))
    assert statement[:6] not in art.body()
    assert "报销比例将提高五个百分点" in art.body()


@pytest.mark.parametrize("neutral_classes", [False, True])
def test_comment_section_larger_than_article_not_chosen(neutral_classes: bool) -> None:
    html = (FIXTURES / "news_with_comments.html").read_text("utf-8")
    if neutral_classes:  # no class cue at all: the comment records must be recognised
        html = html.replace("cmt_wrap", "box2").replace("cmt_item", "item").replace("uname", "n")
    comments = html[html.index("cmt_wrap" if not neutral_classes else "box2"):]
    assert comments.count("，") > html[:html.index("<h3>")].count("，")  # comments are the bigger part
    art = extract_html(html)
    assert art.paragraphs[0].startswith("滨江区三家社区卫生服务中心本月起试点护士弹性排班")
    assert art.paragraphs[-1] == "试点为期半年，区里将根据护士满意度和患者候诊时间决定是否在全区推广。"
    for leak in ("网友留言", "天天加班", "夜班费也提一提", "回复", "赞(", "查看更多留言"):
        assert leak not in art.body()
    assert art.author == "周若楠"  # the meta author, not a commenter's user name
    assert art.published_at == "2023-05-12T09:30:00+08:00"


def _post(title: str, stamp: str, paragraphs: list[str]) -> str:
    body = "<br>".join(paragraphs)
    return (f"<table class='post'><tr><td class='post-title'>{title}</td><td class='post-title'>{stamp}</td></tr>"
            f"<tr><td class='post-body'>{body}</td></tr>"
            f"<tr><td>[<a href='#'>阅读全文</a>] [<a href='#'>评论(3)</a>]</td></tr></table>")


def test_blog_archive_gives_the_first_post() -> None:
    first = ["周末去了城郊的湿地公园，芦苇已经黄了，水面上有成群的野鸭。",
             "沿着木栈道走了一圈，正好赶上日落，拍了几十张照片，挑几张放在这里。"]
    longer = [f"第{i}天的值班记录：今天病房收了三个新病人，忙到晚上九点才吃上饭，回家路上差点睡着。" for i in range(1, 9)]
    html = ("<html><head><title>海风 | blog.example.com</title></head><body>"
            "<div class='side'><b>海风</b>, 27岁<br>墨尔本</div><div class='main'>"
            + _post("湿地公园的黄昏", "2005-06-14 03:25:55", first)
            + _post("值班日记", "2005-06-12 22:10:03", longer)
            + "</div></body></html>")
    art = extract_html(html)
    assert art.paragraphs == first
    assert art.published_at == "2005-06-14T03:25:55+08:00"
    assert art.author == "海风"
