"""Article-body mode for JSONL records: transcripts, Weibo posts, Markdown reposts."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.clean import clean_body


def test_broadcast_prefix_stripped_once() -> None:
    text = "央视网消息（新闻联播）：今天（3月1日）下午，医疗队召开视频会议。\n会议强调，要做好生活服务保障。"
    assert clean_body(text).paragraphs == ["今天（3月1日）下午，医疗队召开视频会议。", "会议强调，要做好生活服务保障。"]
    assert clean_body("央视网消息(新闻联播)：扶贫是热点话题。").paragraphs == ["扶贫是热点话题。"]
    # only at the start of the first paragraph
    second = clean_body("开头一段。\n央视网消息：第二段不是前缀位置。").paragraphs
    assert second[1] == "央视网消息：第二段不是前缀位置。"


def test_weibo_unfold_hashtags_and_video_links() -> None:
    text = "【#一线护士的一天#】凌晨三点，她还在病房巡视。网友：辛苦了 \u200b\u200b\u200b...展开全文"
    result = clean_body(text)
    assert result.paragraphs == ["【一线护士的一天】凌晨三点，她还在病房巡视。网友：辛苦了"]
    assert "truncated" in result.flags
    assert clean_body("#话题一##话题二#\n医护人员辛苦了。L某某的微博视频 ?").paragraphs == ["医护人员辛苦了。"]


def test_repost_chains_keep_own_words_and_the_original() -> None:
    text = "向医护人员致敬！//@某用户:转发微博//@某发布:【原帖标题】原帖的正文。"
    assert clean_body(text).paragraphs == ["向医护人员致敬！", "【原帖标题】原帖的正文。"]
    assert clean_body("//@某媒体:这段视频记录了医疗队的日常。").paragraphs == ["这段视频记录了医疗队的日常。"]


def test_markdown_bylines_and_notices() -> None:
    text = (
        "原文来自某公众号：标题\n\n记者/ 张三  January 27, 2020\n\n编辑/李四 王五\n\n---\n\n"
        "#### 小标题\n> 引用的一段话。\n\n**正文加粗**的部分。\n\n"
        "（责编：赵六）\n\n**【反侵权公告】本文系某报独家首发，未经授权，不得转载。**\n\n欢迎关注我们的公众号\n"
        "更多精彩内容，请关注某某新闻客户端"
    )
    assert clean_body(text).paragraphs == ["原文来自某公众号：标题", "小标题", "引用的一段话。", "正文加粗的部分。"]


def test_plain_text_untouched() -> None:
    text = "第一段，没有任何装饰。\n\n第二段（含括号）也保持原样。"
    assert clean_body(text).paragraphs == ["第一段，没有任何装饰。", "第二段（含括号）也保持原样。"]
    assert clean_body("").paragraphs == []


def test_real_records_lose_their_furniture(shared_data: Path) -> None:
    seen = 0
    for name in ("cctv_xinwenlianbo_2012_2021", "cctvnews_weibo_2020", "ncov10k_weibo_2020"):
        with open(shared_data / "indomain" / f"{name}.jsonl", encoding="utf-8") as fh:
            for _, line in zip(range(150), fh):
                paragraphs = clean_body(json.loads(line)["text"]).paragraphs
                joined = "\n".join(paragraphs)
                seen += 1
                assert "展开全文" not in joined
                assert "//@" not in joined
                assert "\u200b" not in joined
                assert not joined.startswith("央视网消息")
                assert all(p == p.strip() and p for p in paragraphs)
    assert seen == 450
