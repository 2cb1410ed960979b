"""What boilerplate looks like on Chinese pages: class/id cues and text patterns.

Cues cover English and pinyin names (``xgyd`` 相关阅读, ``paihang`` 排行, ``banquan`` 版权 ...).
Text patterns recognise leak lines that survive inside the content area: editor lines,
disclaimers, copyright/ICP footers, share bars, newsroom contact lines, and the headings of
related-article and ranking boxes.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = [
    "both_scripts", "cue_kind", "TO_TRADITIONAL", "NEGATIVE_CUES", "POSITIVE_CUES", "is_boilerplate_line", "is_box_heading", "is_meta_line",
]

# Substrings distinctive enough to match anywhere in a class/id value.
_NEG_SUB = (
    "breadcrumb", "crumb", "footer", "copyright", "banquan", "sidebar", "related", "relate",
    "recommend", "tuijian", "paihang", "ranking", "comment", "pinglun", "share", "fenxiang",
    "social", "advert", "guanggao", "sponsor", "xgyd", "xgxw", "xgwz", "xgtj", "remen", "hotnews",
    "hotlist", "navbar", "navigation", "subnav", "topnav", "mainnav", "menu", "login", "denglu",
    "search", "sousuo", "toolbar", "gotop", "backtop", "disclaimer", "mianze", "shengming",
    "jubao", "erweima", "qrcode", "subscribe", "dingyue", "pagination", "fenye", "keyword",
    "sitemap", "friendlink", "youqing", "weibo", "weixin", "wechat", "popup", "modal", "cookie",
    "dibu", "daohang", "lanmu", "bianji", "zebian", "tags", "byline-tools", "print",
    "cmt", "reply", "replies", "liuyan", "gentie", "discuss",
)
# Short tokens matched only as whole words of a class/id (``nav``, ``ad``, ``gg``...).
_NEG_TOKENS = (
    "nav", "ad", "ads", "gg", "hot", "rank", "tag", "side", "aside", "foot", "top", "bottom",
    "links", "link", "more", "tool", "tools", "bar", "sns", "dh", "bq", "pl",
    "xg", "ph", "rm", "tj", "footnav", "copy", "banner", "logo", "extra", "widget", "hide",
)
NEGATIVE_CUES = re.compile(
    "|".join(_NEG_SUB) + r"|(?:^|[\s_\-.])(?:" + "|".join(_NEG_TOKENS) + r")(?:$|[\s_\-.\d])",
    re.I,
)
POSITIVE_CUES = re.compile(
    r"article|artical|artibody|content|zhengwen|neirong|wenzhang|maintext|main-text|mainbody|"
    r"post[_-]?(?:body|text|content)|entry|story|detail|xiangqing|endtext|trs_editor|"
    r"(?:^|[\s_\-])(?:text|txt|con|cont|cnt|ctn|body|main|news|zw|nr|wz|read)(?:$|[\s_\-\d])",
    re.I,
)

# Simplified characters of the patterns below and their Traditional forms: every pattern is
# widened to match both scripts (相关阅读 / 相關閱讀), since Traditional pages keep their script.
_S2T = dict(zip(
    "编辑责来关阅读闻热门点击评论转载声权发时间记图网页报荐链欢资讯专题浏览顶扫码维号复举电话传邮联线审实习对录许违务证备经谢绝请长识别参与闭窗"
    "样条张级统监筹终处据费购猜类热贴帖发广告节视频讯头条须优说该气众爱虑这种为开设脸书专则广员楼综摄享"
    "仅储构议户观场机单签写访问删续导简详组台厅会",
    "編輯責來關閱讀聞熱門點擊評論轉載聲權發時間記圖網頁報薦鏈歡資訊專題瀏覽頂掃碼維號複舉電話傳郵聯線審實習對錄許違務證備經謝絕請長識別參與閉窗"
    "樣條張級統監籌終處據費購猜類熱貼帖發廣告節視頻訊頭條須優說該氣眾愛慮這種為開設臉書專則廣員樓綜攝享"
    "僅儲構議戶觀場機單簽寫訪問刪續導簡詳組臺廳會",
))


#: ``str.translate`` table from the Simplified characters above to their Traditional forms.
TO_TRADITIONAL = str.maketrans(_S2T)


@lru_cache(maxsize=8192)
def cue_kind(cues: str) -> tuple[bool, bool]:
    """Whether a class/id string carries a furniture cue and a content cue (memoised: the
    same class names recur on every element of a list and on every page of a site)."""
    return bool(NEGATIVE_CUES.search(cues)), bool(POSITIVE_CUES.search(cues))


def both_scripts(pattern: str) -> str:
    """``pattern`` with each Simplified character replaced by a class of both forms."""
    out = []
    in_class = escaped = False
    for ch in pattern:
        trad = _S2T.get(ch)
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == "[":
            in_class = True
        elif ch == "]":
            in_class = False
        elif trad and trad != ch:
            out.append(ch + trad if in_class else f"[{ch}{trad}]")
            continue
        out.append(ch)
    return "".join(out)


_LINE_PATTERNS = re.compile(
    both_scripts(
    r"^[\s(（【\[]*(?:责任编辑|责编|编辑|实习编辑|值班编辑|审核|审校|校对|终审|编审|统筹|监制|制作|排版)\s*[:：]"
    r"|^[\s(（【\[]*(?:来源|来源于|稿源|出处)\s*[:：][^，。！？]{0,30}[)）】\]]?\s*$"
    r"|版权所有|版权归.{0,12}所有|保留所有权利|all rights reserved|copyright|©|\(c\)\s*\d{4}"
    r"|icp\s*[备证]|公网安备|网安备|增值电信业务|新闻信息服务许可|视听节目许可|违法和不良信息举报"
    r"|互联网新闻信息|举报电话|举报邮箱"
    r"|转载请注明|未经.{0,12}(?:授权|许可).{0,12}(?:不得|禁止|严禁)|禁止转载|谢绝转载"
    r"|(?:分享|转发|推荐)到\s*[:：]?|收藏本文|打印本页|打印此文|关闭窗口|【\s*(?:打印|关闭|收藏|纠错)\s*】"
    r"|字号\s*[:：]?\s*[大中小tT]|返回顶部|回到顶部|返回首页|上一篇\s*[:：]|下一篇\s*[:：]"
    r"|扫描二维码|扫码(?:关注|下载|阅读)|长按(?:识别)?二维码|关注(?:我们|官方微信|微信公众号)"
    r"|发表评论|网友评论|我要评论|查看评论|评论\s*\(\s*\d+\s*\)|已有\s*\d+\s*人(?:参与|评论)"
    r"|新闻热线|报料(?:热线|电话|邮箱)|投稿(?:邮箱|热线|电话)|联系电话\s*[:：]|联系我们"
    r"|^\s*(?:电话|传真|邮箱|电子邮箱|e-?mail)\s*[:：]|一经采用"
    r"|(?:facebook|脸书|微博|微信|whatsapp|telegram|line).{0,24}(?:专页|公众号|账号|帐号|频道)"
    r"|(?:点击|阅读|浏览)(?:次数|数|量)?\s*[:：]\s*\d+|(?:点击|阅读|浏览)\s*[:：]?\s*\d+\s*次"
    ),
    re.I,
)
_DISCLAIMER = re.compile(
    both_scripts(
    r"免责声明|凡注明.{0,20}(?:来源|稿件|作品)|凡本网注明|本(?:网|站|文)(?:转载|刊登|所载|发布).{0,40}"
    r"(?:不代表|仅代表|并不意味着)|(?:不代表|仅代表).{0,10}(?:本网|本站|作者本人).{0,6}(?:观点|立场)"
    r"|如(?:涉及|有)?.{0,10}(?:版权|作品内容).{0,20}(?:联系|删除)"
    r"|(?:特别|重要)?声明\s*[:：].{0,80}(?:仅代表|不代表|用户上传|仅提供信息存储|不构成.{0,6}建议)"
    r"|用户上传并发布|仅提供信息存储(?:空间)?服务|不代表本(?:网|站|平台)(?:的)?(?:观点|立场)"
    ),
)
_BOX_HEADING = re.compile(
    both_scripts(
    r"^[\s【\[(（>»·]*(?:相关(?:阅读|新闻|文章|链接|报道|推荐|专题|资讯|内容)|延伸阅读|推荐阅读|猜你喜欢|你可能(?:还)?"
    r"(?:喜欢|感兴趣)|热门(?:文章|新闻|推荐|评论|标签|阅读)|热点(?:推荐|新闻|排行)|精彩推荐|编辑推荐|今日推荐|"
    r"更多(?:精彩|新闻|阅读|相关)|(?:\d+|二十四|四十八)?小时(?:点击|热门)?排行|点击排行|阅读排行|排行榜|"
    r"最新(?:文章|新闻|评论|资讯)|图片新闻|往期回顾|网友评论|相关评论|热门评论|精彩评论|"
    r"新闻排行|本周排行|今日排行|(?:24|48|72)\s*小时.{0,4}排行|声明|更多关于.{0,12}的?(?:新闻|文章)?|"
    r"(?:网友|读者|最新|热门|全部)?(?:留言|跟帖|回复|评论)(?:区|列表)?\s*(?:[(（]\s*共?\s*\d+\s*条?\s*[)）])?)"
    r"[\s】\]）)：:>»更多]*$"
    ),
)
_META_WORDS = re.compile(
    both_scripts(
    r"来源|作者|记者|编辑|责编|发布|发表|时间|日期|字号|点击|浏览|阅读|打印|分享|评论|收藏|通讯员|供稿|稿源|"
    r"[Ss]ource|[Aa]uthor|[Pp]osted|[Pp]ublished"
    ),
)
_DATE_LIKE = re.compile(r"(?:19|20)\d\d\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}")


def is_boilerplate_line(text: str) -> bool:
    """A short line that is navigation, credits, legal footer, share bar or contact info."""
    size = len(text)
    if size <= 120 and _LINE_PATTERNS.search(text):
        return True
    return size <= 300 and bool(_DISCLAIMER.search(text))


def is_box_heading(text: str) -> bool:
    """The heading of a related-article, ranking or comment box (相关阅读, 48小时点击排行 ...)."""
    return len(text) <= 24 and bool(_BOX_HEADING.match(text))


def is_meta_line(text: str) -> bool:
    """A dateline/byline strip: a date together with 来源/作者/点击... words, and short."""
    if len(text) > 120 or not _DATE_LIKE.search(text):
        return False
    if _META_WORDS.search(text):
        return True
    # a bare date (and time) line
    stripped = _DATE_LIKE.sub("", text)
    return len(re.sub(r"[\d\s:：日号时分秒星期一二三四五六天()（）\[\]【】|/-]", "", stripped)) <= 2
