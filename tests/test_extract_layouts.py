"""Body choice on layouts the gold pages do not cover, on pages written for these tests.

Each rule of :mod:`pipeline.extract.content` has a page here where it decides the outcome:
story lists beside a short article, another full story in a side column, an article split by
an ad with a lead set apart, a forum thread, a blog entry with comments, flat comment lists.
Pages are stored in the encodings such sites used (GBK, GB2312, Big5-HKSCS, UTF-8).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.extract import extract_html
from pipeline.extract.blocks import iter_blocks
from pipeline.extract.content import teaser_blocks
from pipeline.extract.dom import clean_tree
from pipeline.extract.parse import Limits, decode_page, parse_tree

FIXTURES = Path(__file__).parent / "fixtures" / "html"


def raw(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def starts(paragraphs: list[str]) -> list[str]:
    return [p[:8] for p in paragraphs]


def test_story_list_beside_short_article_is_not_the_body() -> None:
    """GBK page: eight title + summary items outweigh a three-paragraph article by length."""
    art = extract_html(raw("related_teasers.html"))
    assert art.encoding in ("gbk", "gb18030")
    assert starts(art.paragraphs) == ["本报讯（记者 赵", "医院人事科负责人", "护士代表李娟说，"]
    for leak in ("老城区解放路", "[详细]", "今冬首场大雪", "相关新闻", "市一院新建职工宿舍"):
        assert leak not in art.body()
    assert art.title == "市二院护士夜班补贴提高到每晚80元"
    assert art.published_at == "2012-01-12T09:36:21+08:00"
    assert (art.author, art.source) == ("赵明远", "北岸日报")


def test_teaser_items_are_found_and_article_paragraphs_are_not() -> None:
    text, *_ = decode_page(raw("related_teasers.html"), None, Limits())
    root = parse_tree(text, Limits())
    clean_tree(root)
    blocks = iter_blocks(root)
    flagged = [blocks[i].text for i in sorted(teaser_blocks(blocks))]
    assert len(flagged) == 16  # eight titles and their eight summaries
    assert all("[详细]" in t for t in flagged[1::2])
    assert not any("夜班补贴" in t for t in flagged)


def test_more_news_stream_with_neutral_classes() -> None:
    """Atomic CSS classes carry no cue: the stream's items are recognised by their shape."""
    art = extract_html(raw("more_stories.html"))
    assert starts(art.paragraphs) == ["衛福部今（21）", "衛福部官員指出，", "護理師公會表示樂"]
    assert "颱風" not in art.body() and "捷運" not in art.body()
    assert art.author == "林書妤"


def test_another_full_story_in_a_side_column_loses_to_the_headline() -> None:
    """GB2312 page: a five-paragraph featured story outscores the two-paragraph article,
    but only the article continues the headline."""
    art = extract_html(raw("other_story.html"))
    assert starts(art.paragraphs) == ["记者从县医院了解", "据介绍，绿色通道"]
    assert "巴特尔" not in art.body()


def test_article_split_by_an_ad_is_joined_with_its_lead() -> None:
    art = extract_html(raw("long_article_split.html"))
    assert len(art.paragraphs) == 9
    assert art.paragraphs[0].startswith("一份覆盖十二个省份")  # the lead above the body
    assert art.paragraphs[1].startswith("记者近日拿到的这份调查报告")
    assert art.paragraphs[5].startswith("报告也印证了这一说法")  # after the ad
    assert art.paragraphs[-1].startswith("报告建议")
    for leak in ("下一页", "相关阅读", "公立医院改革试点扩大", "财经要闻"):
        assert leak not in art.body()
    assert art.author == "孙立新 郑雯"


def test_lead_is_not_a_picture_caption() -> None:
    html = raw("long_article_split.html").decode("utf-8").replace(
        '<div class="lead">', '<div class="lead"><img src="/p/1.jpg" alt="">')
    art = extract_html(html)
    assert art.paragraphs[0].startswith("记者近日拿到的这份调查报告")


@pytest.mark.parametrize("neutral", [False, True])
def test_forum_thread_gives_the_opening_post(neutral: bool) -> None:
    """GBK Discuz-style thread: the replies together (and one alone) are longer than the
    opening post; the opening post is the document, its header gives date and poster."""
    html = raw("forum_thread.html").decode("gbk")
    if neutral:  # no template class names to lean on
        for old, new in (("firstpost", ""), ("postmessage", "pm"), ("t_msgfont", "tf"),
                         ("defaultpost", "dp"), ("postcontent", "pc")):
            html = html.replace(old, new)
    art = extract_html(html.encode("gbk"))
    assert starts(art.paragraphs) == ["我在县医院内科做", "最近新来的护士长", "想问问大家医院都"]
    assert art.title == "基层医院的夜班到底该怎么排？"
    assert art.published_at == "2011-12-09T21:14:00+08:00"  # the opening post, not a reply
    if not neutral:
        assert art.author == "小城护士"  # the poster's card, not the floor label 沙发


def test_blog_entry_without_its_comments() -> None:
    art = extract_html(raw("blog_entry_comments.html"))
    assert len(art.paragraphs) == 4 and art.paragraphs[0].startswith("明天就是护士节了")
    assert art.title == "写在护士节前夜"  # not the blog's name in <h1>
    assert art.author == "晴川"  # from 写在护士节前夜_晴川的博客_网易博客
    assert art.published_at == "2012-05-11T22:47:05+08:00"


def test_blog_comments_longer_than_the_entry_and_without_cues() -> None:
    html = raw("blog_entry_comments.html").decode("utf-8").replace("m-cmts", "m-box2")
    html = re.sub(r'(<div class="says">)(.*?)(</div>)', lambda m: m[1] + m[2] * 3 + m[3], html)
    art = extract_html(html)
    assert len(art.paragraphs) == 4
    assert "同为医务人员" not in art.body()


def test_flat_comment_list_after_an_article() -> None:
    """Big5-HKSCS page: name/time lines each followed by a comment, in the article's column."""
    art = extract_html(raw("news_flat_comments.html"))
    assert art.encoding == "big5hkscs"
    assert starts(art.paragraphs) == ["東區三間社區護理", "衞生署表示，過去", "有居民認為措施方"]
    assert art.author == "何慧君"


def test_thread_of_short_posts_keeps_the_opening_post() -> None:
    """When name/time items are all the prose there is, the first one is the document."""
    posts = "".join(
        f"<p class='h'><b>网友{i}</b> 2012-03-0{i} 1{i}:20</p><p>{text}</p>"
        for i, text in enumerate([
            "请问各位，医院护士的夜班费一般是多少？我们这里每晚只有三十元，感觉太低了。",
            "我们医院每晚五十元，大夜班另外加二十元，不过要连上三个晚上才能休息一天。",
            "县级医院大多是三四十元，市里的医院会高一些，可以问问你们工会能不能争取。",
            "夜班费其次，关键是排班要合理，连续夜班太伤身体了，大家一定要注意休息。",
        ], start=1))
    art = extract_html(f"<html><head><title>护士夜班费多少合适</title></head><body><div>{posts}</div></body></html>")
    assert art.paragraphs[0].startswith("请问各位，医院护士的夜班费")
