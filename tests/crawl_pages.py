"""Hand-written Chinese news pages for crawler tests, with the defects real pages have.

Navigation bars, share widgets, related-article lists, unclosed tags, comments, inline
scripts, and bodies in GBK or Big5 with no charset declared anywhere.
"""

from __future__ import annotations

from collections.abc import Sequence

_SIMPLIFIED = [
    "市卫生健康委员会今天发布通知，要求各级医疗机构落实医务人员带薪休假制度。",
    "通知指出，连续工作满一年的医护人员应当按规定安排年休假，不得以科室人手紧张为由拒绝。",
    "记者在市第一人民医院急诊科看到，夜班护士的排班表已经调整为四班三倒。",
    "护士长王丽说，过去一个月最多要上十二个夜班，现在减少到八个，大家的精神状态明显好转。",
    "据统计，全市共有基层医疗卫生机构一千二百余家，乡村医生补助标准今年将再次提高。",
    "专家建议，应当建立医务人员心理健康支持机制，定期开展职业倦怠评估。",
    "部分民营医院仍存在拖欠绩效工资的问题，劳动监察部门表示将开展专项检查。",
    "今年以来，该市新招聘住院医师三百多名，规范化培训期间的待遇与在编人员同工同酬。",
]
_TRADITIONAL = [
    "醫院管理局今日公布，前線醫護人員的超時工作津貼將由下月起調高百分之十。",
    "公立醫院護士人手長期短缺，部分病房的護士與病人比例高達一比十二。",
    "工會代表表示，希望當局檢討晉升制度，讓資深護士留在前線。",
    "衛生署發言人稱，新措施涵蓋約三萬名醫生、護士及專職醫療人員。",
    "有醫生指出，連續當值三十小時的情況仍然普遍，容易影響病人安全。",
]


_SIMP_WORDS = ["相关新闻", "新闻中心", "首页", "新闻", "健康", "正文开始", "来源：本网记者", "编辑：张三",
               "分享到：微信 微博 QQ空间", "相关阅读", "版权所有 未经授权禁止转载 ICP备12345678号"]
_TRAD_WORDS = ["相關新聞", "新聞中心", "首頁", "新聞", "健康", "正文開始", "來源：本網記者", "編輯：張三",
               "分享到：微信 微博", "相關閱讀", "版權所有 未經授權禁止轉載"]


def article_text(n: int, traditional: bool = False, paragraphs: int = 4) -> list[str]:
    """``paragraphs`` paragraphs picked deterministically for page ``n``."""
    pool = _TRADITIONAL if traditional else _SIMPLIFIED
    return [pool[(n + i * 3) % len(pool)] + f"（第{n}號稿）" * (i == 0) for i in range(paragraphs)]


def news_page(n: int, links: Sequence[str] = (), traditional: bool = False, charset: str | None = "utf-8") -> str:
    """A whole news page as text; ``charset`` None leaves out every declaration."""
    title = ("醫護人員待遇新措施" if traditional else "医务人员待遇新政策") + f" 之{n}"
    meta = f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">' if charset else ""
    paras = "".join(f"<p>{p}" + ("</p>" if i % 2 == 0 else "") for i, p in enumerate(article_text(n, traditional)))
    words = _TRAD_WORDS if traditional else _SIMP_WORDS
    related = "".join(f'<li><a href="{u}">{words[0]} {i}</a>' for i, u in enumerate(links))
    page = f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN">
<html><head>{meta}<title>{title}_新闻中心</title>
<script>var _hmt = _hmt || []; document.write('<div class="ad">');</script>
</head><body>
<div id="nav"><a href="/">首页</a> | <a href="/news/">新闻</a> | <a href="/health/">健康</a></div>
<!-- 正文开始 -->
<div class="article"><h1>{title}</h1>
<div class="info">2023-0{1 + n % 9}-1{n % 10} 08:3{n % 10}　来源：本网记者　编辑：张三</div>
<div id="content">{paras}</div>
<div class="share">分享到：微信 微博 QQ空间</div>
</div>
<div class="related"><h3>相关阅读</h3><ul>{related}</ul></div>
<div id="footer">Copyright &copy; 2023 版权所有 未经授权禁止转载 ICP备12345678号</div>
</body></html>"""
    if traditional:
        for simp, trad in zip(_SIMP_WORDS, _TRAD_WORDS):
            page = page.replace(simp, trad)
    return page


def section_page(title: str, links: list[str]) -> str:
    items = "".join(f'<li><a href="{u}">{title}第{i}条</a><span>2023-05-0{i % 9 + 1}</span></li>'
                    for i, u in enumerate(links))
    return (f"<html><head><meta charset='utf-8'><title>{title}</title></head><body>"
            f"<div class=nav><a href='/'>首页</a></div><ul class=list>{items}</ul>"
            "<div class=page><a href='javascript:void(0)'>下一页</a></div></body></html>")
