"""Text dumps of flattened pages (no HTML left): navigation lines flattened from link lists,
and an article found by its continuity with the page title when no dated byline anchors it."""

from __future__ import annotations

from pipeline.clean import clean_text
from pipeline.clean.lines import label_lines

# A 2011-style portal page flattened one block per line: <title>, menus, a picture caption,
# the article (no byline or date line), then an advertising box of link lists whose lines
# hold a label, a colon and link texts run together.
PORTAL_DUMP = """县医院为夜班护士发放营养补贴(图)_新闻中心_某某网
首页 新闻 体育 财经 娱乐 科技
县医院为夜班护士发放营养补贴(图)
县医院护士长为夜班护士送上营养补贴。图
本报讯 为夜班护士发放营养补贴，是县医院今年推出的一项新举措。从本月起，每名护士每上一个夜班可领取二十元营养补贴，全院一百二十名护士受益。
医院负责人介绍，夜班护士工作强度大、作息不规律，营养补贴虽然不多，但体现了医院对一线护理人员的关心。
交通工具：车险自驾险飞机险地铁公交险火车票机票
旅游度假：国内游出境游签证办理境外求学游学
防范意外：综合意外险保障自选防癌险重疾保险少儿保险
热门点卡：问道点卡穿越火线征途点卡龙之谷天龙八部
热门公司：腾讯巨人盛大金山完美搜狐网易九城
游戏直充：三分钟内到账，最低七折起，多种支付方式
热门功效：补肾养生维生素类增强免疫营养保健钙铁锌硒
关于我们 | 广告服务 | 联系我们 | 网站地图
"""


def test_flattened_link_lists_are_navigation_not_body() -> None:
    art = clean_text(PORTAL_DUMP)
    assert any(p.startswith("本报讯 为夜班护士发放营养补贴") for p in art.paragraphs)
    assert art.paragraphs[-1].startswith("医院负责人介绍")
    body = art.body()
    for leak in ("车险自驾险", "穿越火线", "游戏直充", "补肾养生"):
        assert leak not in body


def test_navigation_shape_spares_labelled_meta_lines() -> None:
    dump = "护士节表彰大会举行\n来源：滨江日报社新闻中心编辑部\n" + "全市一百名优秀护士受到表彰，大会号召医护人员向她们学习。\n" * 3
    labels = {ln.text: ln.label for ln in label_lines(dump)}
    assert labels["来源：滨江日报社新闻中心编辑部"] == "meta"
    assert clean_text(dump).source == "滨江日报社新闻中心编辑部"


def test_title_continuity_picks_the_article_over_a_longer_story_list() -> None:
    """No dated byline: the running text that restates the title outweighs a longer list of
    other stories below the article (each the same length as the article's lines)."""
    other = [f"{place}举办社区义诊活动，{n}名医生为居民免费测量血压、血糖，发放健康手册，现场咨询的居民络绎不绝。"
             for place, n in (("城东街道", "二十"), ("城西街道", "十五"), ("河口镇", "十二"), ("新区", "三十"))]
    dump = "\n".join([
        "乡镇卫生院护士缺口三成 县里定向培养百名护理人员_地方频道",
        "乡镇卫生院护士缺口三成 县里定向培养百名护理人员",
        "全县乡镇卫生院护士缺口达三成，县里决定与卫生学校合作定向培养一百名护理人员，毕业后回乡镇卫生院工作。",
        "定向培养的学生在校期间免交学费，毕业后须在乡镇卫生院服务满五年。",
        "相关阅读",
        *other,
    ])
    art = clean_text(dump)
    assert art.paragraphs[0].startswith("全县乡镇卫生院护士缺口达三成")
    assert not any("义诊" in p for p in art.paragraphs)


def test_a_headline_with_a_colon_is_not_navigation() -> None:
    """Navigation lines come in blocks; one line of that shape alone is a headline."""
    dump = ("院长谈改革：今年新招护士一百二十人 夜班补贴翻番\n2022-03-01 来源:某某日报\n"
            "医院院长在接受采访时表示，今年将新招护士一百二十人，夜班补贴由每晚四十元提高到八十元。\n")
    art = clean_text(dump)
    assert art.title == "院长谈改革：今年新招护士一百二十人 夜班补贴翻番"
    assert art.published_at is not None and art.published_at.startswith("2022-03-01")
