"""``clean_text`` on hand-written text dumps with the furniture real scraped pages carry."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.clean import clean_text
from pipeline.clean.text import clean_lines, split_sentences
from pipeline.errors import InputRejected

FIXTURES = Path(__file__).parent / "fixtures" / "text"


def _read(name: str) -> str:
    return (FIXTURES / name).read_text("utf-8")


def test_news_page_dump() -> None:
    article, lines = clean_lines(_read("news_simplified.txt"))
    assert article.title == "市第一人民医院为夜班护士开通免费接驳车"
    assert article.published_at == "2024-03-12T08:45:10+08:00"
    assert article.source == "江城日报"
    assert article.author == "王晓明"
    assert len(article.paragraphs) == 5
    assert article.paragraphs[0].startswith("3月11日晚,市第一人民医院")
    assert "医院工会的三项承诺" in article.paragraphs  # subheading kept
    body = article.body()
    for furniture in ("关注我们", "您的位置", "资料图片", "编辑:陈静", "相关阅读", "社区医生张建华", "春季流感", "版权所有", "ICP", "@"):
        assert furniture not in body
    labels = {ln.number: ln.label for ln in lines}
    assert labels[7] == "meta" and labels[21] == "meta"
    assert labels[30] == "boilerplate"  # the headline repeated in the related list


def test_traditional_dump_with_byline_and_place_list() -> None:
    article, lines = clean_lines(_read("traditional_pinyin.txt"))
    assert article.title == "醫(yī)護也需要“喘口氣”"  # pinyin is removed by the normalize step
    assert article.published_at == "2024-05-20T10:15:00+08:00"
    assert article.source == "江城晚報"
    assert article.author == "陳立華"
    assert len(article.paragraphs) == 5
    assert not any("責(zé)編" in p or "|" in p for p in article.paragraphs)
    labels = {ln.number: ln.label for ln in lines}
    assert labels[1] == "boilerplate" and labels[3] == "subtitle" and labels[22] == "boilerplate"


def test_essay_site_template_and_download_prompts() -> None:
    article = clean_text(_read("essay_site.txt"))
    assert article.title == "护士节演讲稿范文(精选5篇)"
    assert article.author == "青禾"
    assert article.published_at == "2024-05-10T09:12:30+08:00"
    body = article.body()
    assert "小编" not in body and "希望可以帮助大家" not in body
    assert "本文地址" not in body and "下载此文档" not in body and "全文阅读已结束" not in body
    assert article.paragraphs[0] == "护士节演讲稿篇一"
    assert article.paragraphs[-1].startswith("有人说,护士是没有翅膀的天使")


def test_template_sentence_inside_a_middle_paragraph_is_cut() -> None:
    text = "\n".join(
        [
            "基层医生待遇调查",
            "2024-01-05 来源：某某日报",
            "第一段正文，记者走访了五个乡镇卫生院，了解基层医生的收入和工作强度。",
            "第二段正文，受访医生普遍反映加班多、补贴少。下面是小编为大家整理的调查要点，希望可以帮助大家。调查共覆盖三百名医生。",
            "第三段正文，县卫健委表示将提高乡村医生补助标准，并改善住房条件。",
        ]
    )
    article = clean_text(text)
    assert article.paragraphs[1] == "第二段正文，受访医生普遍反映加班多、补贴少。调查共覆盖三百名医生。"
    assert article.published_at == "2024-01-05"
    assert article.source == "某某日报"


def test_nothing_but_furniture_is_rejected() -> None:
    with pytest.raises(InputRejected) as info:
        clean_text("首页 新闻 体育 财经 娱乐\n© 2024 某某网 版权所有\n京ICP备00000000号")
    assert info.value.reason == "no_article"
    with pytest.raises(InputRejected):
        clean_text("   \n\n")


def test_split_sentences_keeps_closing_quotes() -> None:
    assert split_sentences("他说：“好。”然后走了！还有吗？") == ["他说：“好。”", "然后走了！", "还有吗？"]
