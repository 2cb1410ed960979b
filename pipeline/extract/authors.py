"""Who wrote the article: bylines, reporter credits, post headers, profile boxes, meta tags.

Evidence by decreasing trust: labelled bylines near the headline (``作者：``, ``记者 张三 李四``,
``〔記者林怡君／臺北報導〕``, ``文/张三``, ``[ 黄宇 ]`` in a dateline), blog and forum post
headers (``张三 发表于 2005-09-15``, ``… by duscha``), issuing agencies of government documents
(``发文机关：``), ``<meta name="author">`` and JSON-LD, elements whose class/id says author
or user name (outside comment lists), a line holding only names under the headline or in
brackets at the end of the article, and finally the blog owner named in the page title
(``海姑娘 | blog.example.com``).
Editors (``责任编辑：``) are not authors and are never returned.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Any, Literal

from lxml import etree

from pipeline.extract.blocks import Block, normalize_space, text_content
from pipeline.extract.boilerplate import TO_TRADITIONAL as _TO_TRADITIONAL
from pipeline.extract.boilerplate import both_scripts
from pipeline.normalize.pinyin import remove_pinyin_annotations

__all__ = ["find_author", "cue_authors", "title_index"]

_HAN = r"\u4e00-\u9fff"
# Case-insensitive matching is scoped to the Latin words ((?i:...)): under a global re.I the
# regex compiler case-folds every character of the Han ranges one by one (~10 ms a pattern).
# A two- or three-character name typeset with spaces between the characters (赵  培).
_SPACED = rf"[{_HAN}](?:[ \u3000]{{1,3}}[{_HAN}]){{1,2}}(?![{_HAN}])"
_NAME = rf"[{_HAN}A-Za-z·•][{_HAN}A-Za-z0-9·•_.\-]{{0,15}}"
_MORE_NAME = rf"(?:[{_HAN}·]{{2,4}}(?![{_HAN}])|[A-Za-z][A-Za-z.\-]{{1,20}})"
_NAMES = rf"(?:{_SPACED}|{_NAME}(?:(?:\s+|[、，,]\s*){_MORE_NAME})*)"
_HAN_NAMES = rf"[{_HAN}·]{{2,4}}(?![{_HAN}])(?:(?:\s+|、)[{_HAN}·]{{2,4}}(?![{_HAN}]))*"
_DATE_LIKE = re.compile(r"(?:19|20)\d\d\s*[-/.年]\s*\d{1,2}|\d{1,2}/\d{1,2}/(?:19|20)\d\d")
_FULL_DATE = re.compile(
    r"(?:19|20)\d\d\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}(?!\d)|\d{1,2}/\d{1,2}/(?:19|20)\d\d")
_OPEN = "(（〔［【\\["
_CLOSE = ")）〕］】\\]"


def _p(pattern: str, flags: int = 0) -> re.Pattern[str]:
    return re.compile(both_scripts(pattern), flags)


#: Where a pattern is looked for: the headline area and the page end ("head"), also the
#: metadata table above the headline ("wide"), or every block from the headline on ("after":
#: post headers and signatures, the first one belonging to the opening post).
_Scope = Literal["head", "wide", "after"]
#: (pattern, longest line it may be searched in, line must hold a full date, scope), by trust.
_PATTERNS: tuple[tuple[re.Pattern[str], int, bool, _Scope], ...] = (
    (_p(rf"(?:作者|作\s+者|撰文|撰稿|发布者|发帖人|楼主|博主|发表者|(?i:author|(?<![a-z] )by))\s*[:：|｜]\s*({_NAMES})"),
     200, False, "head"),
    (_p(rf"(?:作者|撰文|撰稿人?)\s+({_NAMES})"), 200, False, "head"),
    (_p(rf"[{_OPEN}][^{_OPEN}{_CLOSE}]{{0,16}}?记者\s*[:：]?\s*({_NAMES})\s*(?:[/／][^{_CLOSE}]{{1,12}})?[{_CLOSE}]"),
     2000, False, "head"),
    (_p(rf"(?<!小)(?:特约|实习|首席|本报|本刊)?记者\s*[:：]?\s*({_HAN_NAMES})"), 50, False, "head"),
    (_p(rf"(?:^|[\s{_OPEN}])文\s*(?:/|／|[:：]|\s*图\s*[/／])\s*({_NAMES})"), 200, False, "head"),
    (_p(r"(?:发文机关|发文单位|发布机构|发文机构)\s*[:：]\s*([^\s:：]{2,30})"), 200, False, "wide"),
    (_p(rf"(?:^|\s)({_NAME})\s*(?:发表于|发布于|写于|(?i:posted\s+(?:on|at|@)))"), 200, True, "after"),
    (re.compile(rf"(?i:(?<!powered )(?<!designed )(?<!rewrited )(?<!rewritten )(?<!supported )(?<!driven )"
                rf"(?<!hosted )(?<!built )(?<!made )\bby\s+)({_NAME})"), 160, True, "after"),
    (re.compile(rf"[\[【［]\s*({_HAN_NAMES})\s*[\]】］]"), 160, True, "head"),
    (_p(rf"(?:^|[\s{_OPEN}])(?:通讯员)\s*[:：]?\s*({_NAMES})"), 60, False, "head"),
    (_p(rf"(?:^|[\s{_OPEN}])({_HAN_NAMES})\s*[/／]\s*摄"), 80, False, "head"),
)
#: Patterns whose value is an organisation, not a person: no outlet filter.
_AGENCY = re.compile(both_scripts("发文机关|发文单位|发布机构|发文机构"))
_NAME_STOP = re.compile(both_scripts(
    r"(?:来源|稿源|出处|时间|日期|发布|发表|责任|编辑|责编|点击|浏览|阅读|访问|字号|通讯员|报道|摄影?|综合|整理|"
    r"本报|电$|讯$|分享|转发|打印|收藏|评论|我来说|\d{4}|"
    # a forum poster's profile card under the name: 帖子 36 积分 120
    r"帖子\s*\d|积分\s*\d|精华\s*\d|威望\s*\d|金钱\s*\d|经验\s*\d|UID\s*\d).*$")
)
#: A thread's floor number standing where a poster's name would be (5楼, #12).
_FLOOR = re.compile(r"#?\d+\s*[楼樓#]?")
_BAD_AUTHOR = re.compile(both_scripts(
    r"网|报社|新闻|频道|中心|自媒体|综合|\.com|\.cn|www|http|admin|佚名|未知|unknown|匿名|游客|guest"), re.I)
#: Short bracketed or standalone words that are not names (【打印】, （完）, 编者按 ...).
_WORDS = (
    "打印 关闭 推荐 收藏 纠错 字体 大 中 小 返回 顶部 分享 评论 完 待续 未完 全文完 续 图 摄 注 编者按 "
    "按语 导读 摘要 前言 引言 正文 附件 附录 简介 提要 概要 背景 链接 原文 视频 图片 组图 专题 更多 "
    "详情 相关 新闻 首页 全文 目录 上一页 下一页 作者 记者 来源 简讯 快讯 本报讯 资料图 责编 编辑 公告 "
    "通知 搜索 登录 注册 责任 管理员 版主 楼主 自媒体 沙发 板凳 地板 地下室 楼上 楼下"
).split()
_NOT_NAMES = frozenset(_WORDS) | frozenset(w.translate(_TO_TRADITIONAL) for w in _WORDS)
#: Characters found in organisations and in ordinary words, hardly ever in personal names.
_NOT_PERSON = re.compile(both_scripts(
    "[社报台站网局委院部厅会司处科室所我你他她它的了是在要有和与及或把被这那们么吗呢吧啊请点击看]"))
_AUTHOR_CUE = re.compile(
    r"(?:^|[\s_\-])(?:author|authors|username|user-name|user_name|uname|poster|writer|byline|"
    r"nickname|nick|postauthor|post-author|rich_media_meta_text)(?:$|[\s_\-\d])",
    re.I,
)
_EDITOR_WORD = re.compile(both_scripts("编辑|责编|编者|公告|通知"))
_COMMENT_CUE = re.compile(r"comment|cmt|reply|replies|pinglun|liuyan|gentie|discuss", re.I)
_CUE_LABEL = re.compile(both_scripts(r"^(?:作者|发表者|发布者|楼主|博主|用户名?|author|by|posted by)\s*[:：]?\s*"), re.I)
_BLOG_TITLE = (
    # the owner's name is one part of a title such as 文章标题_某某的博客_网易博客
    re.compile(r"(?:^|[\s_|｜—-])([^\s_|｜—-]{1,16})的(?:博客|(?i:blog)|空间|日志|部落格)"),
    re.compile(rf"^\s*({_NAME})\s*(?:\||｜|_|-{{1,2}}|—)\s*(?:(?i:blog)\.\S+|\S{{0,12}}博客\S{{0,8}})\s*$"),
)
_ATTRIBUTE_LEAK = re.compile(r"\s*=")
#: Longest text of an author slot read as a name (longer slots hold a profile card).
CUE_NAME_MAX_CHARS = 12
#: Blocks above the headline searched for a post header (``楼主 发表于 …``, the title line
#: of a forum post comes after it).
POST_HEADER_LOOKBACK = 3


def _squash(text: str) -> str:
    return "".join(text.split())


def title_index(blocks: Sequence[Block], title: str | None, before: int | None = None) -> int:
    """Index of the headline block: the last occurrence of the title before the body starts
    (the first one is often a breadcrumb or a list of the day's stories)."""
    if title:
        key = _squash(title)[:12]
        hits = [i for i, block in enumerate(blocks)
                if key and key in _squash(block.text) and len(block.text) <= len(title) + 40]
        if hits:
            if before is not None:
                earlier = [i for i in hits if i <= before]
                if earlier:
                    return earlier[-1]
            return hits[0]
    for i, block in enumerate(blocks):
        if block.owner.tag == "h1":
            return i
    return 0


def _clean_name(raw: str, strict: bool = True) -> str | None:
    name = _NAME_STOP.sub("", raw).strip(" 　、，,·•_-.:：")
    name = re.sub(r"\s+", " ", name)
    if re.fullmatch(_SPACED, name):
        name = name.replace(" ", "").replace("\u3000", "")
    if not name or len(name) > 30 or name in _NOT_NAMES or _FLOOR.fullmatch(name):
        return None
    if strict and _BAD_AUTHOR.search(name):
        return None
    return name


def _in_comments(el: etree._Element) -> bool:
    """Whether ``el`` sits in a comment or reply list (commenters are not authors)."""
    anc = el.getparent()
    while anc is not None:
        if _COMMENT_CUE.search(f"{anc.get('class') or ''} {anc.get('id') or ''}"):
            return True
        anc = anc.getparent()
    return False


@lru_cache(maxsize=8192)
def _author_cue(cues: str) -> bool:
    """Whether a class/id string marks an author slot (memoised: class names recur)."""
    return bool(_AUTHOR_CUE.search(cues))


def cue_authors(root: etree._Element) -> list[tuple[str, bool]]:
    """Short texts of elements whose class/id marks an author or user name (raw tree), each
    with whether outlet-like names must be refused."""
    found: list[tuple[str, bool]] = []
    for el in root.iter(etree.Element):
        cls, ident = el.get("class"), el.get("id")
        if not (cls or ident) or el.tag in ("script", "style", "meta", "link", "img", "input"):
            continue
        cues = f"{cls or ''} {ident or ''}"
        if not _author_cue(cues) or _in_comments(el):
            continue
        text = _CUE_LABEL.sub("", normalize_space(text_content(el)))
        link = next(el.iter("a"), None)
        if len(text) > CUE_NAME_MAX_CHARS and link is not None:
            # a poster's card (name, then post counts and ranks): its first link is the name
            text = normalize_space(text_content(link))
        if 2 <= len(text) <= 20 and not _DATE_LIKE.search(text) and not _EDITOR_WORD.search(text):
            # WeChat's author slot may name an organisation; other slots must name a person
            found.append((text, "rich_media_meta_text" not in cues))
        if len(found) >= 5:
            break
    return found


def jsonld_values(data: Any, key: str) -> Iterator[Any]:
    """Every value stored under ``key`` anywhere in parsed JSON-LD (dicts and lists walked)."""
    if isinstance(data, dict):
        for k, v in data.items():
            if k == key:
                yield v
            else:
                yield from jsonld_values(v, key)
    elif isinstance(data, list):
        for item in data:
            yield from jsonld_values(item, key)


def _from_patterns(scopes: dict[str, Sequence[str]]) -> str | None:
    dated: dict[str, bool] = {}  # several patterns need a full date in the same lines
    for pattern, longest, needs_date, scope in _PATTERNS:
        strict = not _AGENCY.search(pattern.pattern)
        for text in scopes[scope]:
            if len(text) > longest:
                continue
            if needs_date:
                has_date = dated.get(text)
                if has_date is None:
                    has_date = dated[text] = bool(_FULL_DATE.search(text))
                if not has_date:
                    continue
            for match in pattern.finditer(text):
                if _ATTRIBUTE_LEAK.match(text, match.end(1)):
                    continue  # ``作者： size="20"``: markup shown as text
                name = _clean_name(match.group(1), strict)
                if name:
                    return name
    return None


def _is_prose(text: str) -> bool:
    return len(text) >= 20 and bool(re.search("[，。！？；]", text))


def _name_line(texts: Sequence[str], bracketed_only: bool = False) -> str | None:
    """A line that holds only one to three personal names (``胡平``, ``赵延东、风笑天``,
    or ``（袁源）`` at the end of an article when ``bracketed_only``)."""
    for text in texts:
        inner = text.strip(" 　")
        bracketed = inner[:1] in "(（〔" and inner[-1:] in ")）〕"
        if bracketed:
            inner = inner[1:-1].strip()
        elif bracketed_only:
            continue
        if re.fullmatch(rf"{_SPACED}|[{_HAN}·]{{2,4}}(?:(?:\s+|、|，)[{_HAN}·]{{2,4}}){{0,2}}", inner):
            name = _clean_name(inner)
            if name and name == re.sub(r"\s+", " ", inner) and not _NOT_PERSON.search(name):
                return name
    return None


def find_author(info: Any, blocks: Sequence[Block], headline: int,
                content_start: int | None = None, paragraphs: Sequence[str] = ()) -> str | None:
    """Author, reporter or poster names (``记者 张三 李四`` gives ``张三 李四``), or None.

    ``info`` is the page's :class:`~pipeline.extract.metadata.HeadInfo`, ``headline`` the
    index of the headline block (:func:`title_index`), ``content_start`` that of the body's
    first paragraph; ``paragraphs`` the extracted body (its last lines may credit the author
    in brackets).
    """
    start = headline
    end = min(len(blocks), max(start + 25, (content_start or 0) + 5))
    # without pinyin annotations, whose brackets would end a name inside it: "吳(wú)鐸思"
    texts = [remove_pinyin_annotations(b.text)[0] for b in blocks]
    head = texts[start:end]
    tail = texts[max(end, len(blocks) - 40):]
    scopes: dict[str, Sequence[str]] = {
        "head": head + tail,
        "wide": texts[max(0, start - 12):start] + head,
        # a thread's opening post header can sit just above the headline the post repeats
        "after": texts[max(0, start - POST_HEADER_LOOKBACK):],
    }
    name = _from_patterns(scopes)
    if name:
        return name
    for key in ("article:author", "author", "dc.creator", "byl", "sailthru.author", "og:author",
                "citation_author", "citation_authors"):
        value = info.meta.get(key)
        if value:
            name = _clean_name(value.split(";")[0])
            if name:
                return name
    for data in info.jsonld:
        for value in jsonld_values(data, "author"):
            items = value if isinstance(value, list) else [value]
            for item in items:
                raw = item.get("name") if isinstance(item, dict) else item
                if isinstance(raw, str):
                    name = _clean_name(raw)
                    if name:
                        return name
    for raw, strict in info.cue_authors:
        name = _clean_name(raw, strict) if len(raw) <= CUE_NAME_MAX_CHARS and "@" not in raw else None
        if name and not _ATTRIBUTE_LEAK.search(raw):
            return name
    # a names-only line just before the first paragraph of prose
    first = content_start if content_start is not None else start
    lines = [blocks[i].text for i in range(max(start + 1, first - 1), min(len(blocks) - 1, first + 4))
             if any(_is_prose(b.text) for b in blocks[i + 1:i + 4])]
    name = _name_line(lines) or _name_line(list(paragraphs[-3:])[::-1], bracketed_only=True)
    if name:
        return name
    for text in (info.title or "",):
        for pattern in _BLOG_TITLE:
            match = pattern.search(text)
            if match:
                name = _clean_name(match.group(1))
                if name:
                    return name
    return None
