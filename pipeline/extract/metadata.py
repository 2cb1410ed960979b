"""Article metadata: title, publication time and source (authors: :mod:`.authors`).

Structured evidence first (``<meta>``, JSON-LD, ``<time>``, script variables such as
``var ct = "1581478200"``), then the visible dateline strips near the headline
(``成文日期：…`` before ``发布时间：…``), a bare date just above the headline (e-paper edition
dates), then the URL.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from lxml import etree

from pipeline.dates import find_datetime, parse_chinese_datetime, unix_datetime
from pipeline.extract.authors import POST_HEADER_LOOKBACK, cue_authors, find_author, jsonld_values, title_index
from pipeline.extract.blocks import Block, normalize_space, text_content
from pipeline.extract.boilerplate import both_scripts
from pipeline.normalize.pinyin import remove_pinyin_annotations

__all__ = ["HeadInfo", "read_head", "clean_title", "pick_title", "find_published",
           "find_author", "find_source", "title_index"]

_DATE_KEYS = (
    "article:published_time", "og:article:published_time", "og:published_time", "datepublished",
    "pubdate", "publishdate", "publish_date", "publish-date", "publishtime", "publish_time",
    "og:release_date", "release_date", "releasedate", "dc.date.issued", "dc.date", "dcterms.issued",
    "dcterms.created", "sailthru.date", "weibo:article:create_at", "article:published",
    "firstpublishedtime", "date", "created", "og:time",
)
_TITLE_KEYS = ("og:title", "twitter:title", "headline", "title", "articletitle")
_SOURCE_KEYS = ("source", "article:source", "og:source", "contentsource", "mediaid")
_SITE_WORDS = re.compile(
    r"网|报|新闻|频道|中心|在线|官网|门户|资讯|电视|广播|卫视|社区|论坛|博客|首页|平台|政府|之声|"
    r"新浪|搜狐|网易|腾讯|凤凰|\.com|\.cn|\.net|\.org|www\.|sina|sohu|netease|tencent|ifeng|yahoo|msn",
    re.I,
)
_TITLE_SEP = re.compile(r"\s*(?:_+|\|+|｜|－|—+|–|\s-+\s|-{2,}|::|：：|»|·)\s*|(?<=\S)-(?=\S)")
_URL_DATE = re.compile(
    r"(?<!\d)((?:19|20)\d\d)[-/_]?(0[1-9]|1[0-2])[-/_]?(0[1-9]|[12]\d|3[01])(?!\d)"
)
_LABELLED_DATE = re.compile(both_scripts(
    r"(?:(?:发布|发表|发稿|更新|发帖|上传|出版|写)(?:时间|日期|于)?|时间|日期|"
    r"publish(?:ed)?|posted(?:\s+(?:on|at))?|date)\s*[:：@]?\s*(?=\d|[〇一二])"),
    re.I,
)
#: The date a document was signed (government notices): preferred over its web release date.
_DOCUMENT_DATE = re.compile(both_scripts(r"(?:成文|印发|签发)日期\s*[:：]?\s*(?=\d|[〇一二])"))
#: Publication time left in script variables (``var ct = "1581478200"``, ``publish_time = "…"``).
_SCRIPT_KEYS = ("ct", "create_time", "publish_time", "publishTime", "pubtime", "pubTime", "pubdate",
                "pubDate", "publishdate", "publishDate", "publish_date", "datePublished", "ptime")
_SCRIPT_VALUE = re.compile(r"""["']?\s*[:=]\s*["']([^"'\n]{8,40})["']""")


def _script_dates(code: str) -> list[str]:
    """Values assigned to date-like variables in ``code`` (plain ``str.find``, then a match)."""
    found: list[str] = []
    for key in _SCRIPT_KEYS:
        at = code.find(key)
        while at >= 0 and len(found) < 4:
            before = code[at - 1] if at else " "
            if not (before.isalnum() or before in "_$"):
                match = _SCRIPT_VALUE.match(code, at + len(key))
                if match:
                    found.append(match.group(1))
            at = code.find(key, at + len(key))
    return found


_SOURCE_PATTERN = re.compile(both_scripts(
    r"(?:来源|来自|稿源|出处|source)\s*[:：]\s*([^\s|｜:：，。;；()（）【】\[\]]{2,30})"), re.I
)
_SOURCE_STOP = re.compile(both_scripts(
    r"(?:作者|记者|编辑|责编|时间|日期|发布|点击|浏览|参与|跟贴|跟帖|评论|分享|收藏|举报|\d{4}).*$"))


class HeadInfo:
    """What the page states about itself before the body: meta tags, JSON-LD, title."""

    __slots__ = ("meta", "jsonld", "title", "headings", "times", "script_dates", "cue_authors")

    def __init__(self) -> None:
        self.meta: dict[str, str] = {}
        self.jsonld: list[Any] = []
        self.title: str | None = None
        self.headings: list[str] = []
        self.times: list[str] = []
        self.script_dates: list[str] = []
        self.cue_authors: list[tuple[str, bool]] = []


def read_head(root: etree._Element) -> HeadInfo:
    """Collect metadata from the raw tree (before cleaning removes ``<head>`` and scripts)."""
    info = HeadInfo()
    for meta in root.iter("meta"):
        key = meta.get("property") or meta.get("name") or meta.get("itemprop") or meta.get("http-equiv")
        content = meta.get("content")
        if key and content and content.strip():
            info.meta.setdefault(key.strip().lower(), content.strip())
    for script in root.iter("script"):
        if not script.text:
            continue
        if (script.get("type") or "").lower() == "application/ld+json":
            try:
                info.jsonld.append(json.loads(script.text))
            except ValueError:
                continue
        elif len(info.script_dates) < 4:
            info.script_dates += _script_dates(script.text)
    title = root.find(".//title")
    if title is not None:
        info.title = normalize_space(text_content(title)) or None
    for tag in ("h1", "h2"):
        for el in root.iter(tag):
            text = normalize_space(text_content(el))
            if 2 <= len(text) <= 120:
                info.headings.append(text)
    info.cue_authors = cue_authors(root)
    for el in root.iter("time"):
        value = el.get("datetime") or el.get("pubdate") or text_content(el)
        if value:
            info.times.append(value)
    return info


def clean_title(title: str) -> str:
    """Remove site names that pages append or prepend: ``标题_新浪新闻``, ``标题-人民网``."""
    parts = [p for p in _TITLE_SEP.split(title) if p and p.strip()]
    if len(parts) <= 1:
        return title.strip()

    def site_like(part: str) -> bool:
        return len(part) <= 24 and bool(_SITE_WORDS.search(part)) or len(part) <= 4

    while len(parts) > 1 and site_like(parts[-1]):
        parts.pop()
    while len(parts) > 1 and site_like(parts[0]) and len(parts[0]) < len(parts[1]):
        parts.pop(0)
    if len(parts) == 1:
        return parts[0].strip()
    # Several long parts left: the longest one is the headline (others are channel names).
    return max(parts, key=len).strip()


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pick_title(info: HeadInfo) -> str | None:
    """The headline: a heading that the ``<title>``/``og:title`` confirms, else the cleaned title."""
    refs = [info.title or ""] + [info.meta.get(k, "") for k in _TITLE_KEYS]
    refs_squashed = [_squash(r) for r in refs if r]
    # the heading that is the <title> without its site names comes first (a blog's own
    # name in an <h1> is in the <title> too, after the post's title)
    cleaned = {_squash(clean_title(r)) for r in refs if r}
    for heading in info.headings:
        if _squash(heading) in cleaned:
            return heading
    for heading in info.headings:
        h = _squash(heading)
        if len(h) >= 4 and any(h in r for r in refs_squashed):
            return heading
    for key in _TITLE_KEYS[:3]:
        if info.meta.get(key):
            return clean_title(info.meta[key])
    if info.title:
        return clean_title(info.title)
    return info.headings[0] if info.headings else None


def find_published(info: HeadInfo, blocks: Sequence[Block], headline: int,
                   url: str | None, content_start: int | None = None) -> str | None:
    """Publication time as ISO-8601 (``+08:00`` assumed), or None.

    ``headline`` is the index of the headline block (:func:`~.authors.title_index`),
    ``content_start`` that of the body's first paragraph.
    """
    start = headline
    end = min(len(blocks), max(start + 25, (content_start or 0) + 5))
    # A government document's signing date (成文日期) is its date, whatever the page's
    # release date in meta tags; its metadata table sits above the headline.
    for block in blocks[max(0, start - 12):end]:  # metadata tables sit above the headline
        match = _DOCUMENT_DATE.search(block.text)
        if match:
            found = find_datetime(block.text[match.end():])
            if found:
                return found
    for key in _DATE_KEYS:
        if key in info.meta:
            found = parse_chinese_datetime(info.meta[key])
            if found and len(found) >= 10:
                return found
    for data in info.jsonld:
        for key in ("datePublished", "dateCreated", "uploadDate"):
            for value in jsonld_values(data, key):
                found = parse_chinese_datetime(str(value))
                if found and len(found) >= 10:
                    return found
    for value in info.times:
        found = parse_chinese_datetime(value)
        if found and len(found) >= 10:
            return found
    for value in info.script_dates:
        found = unix_datetime(value) or parse_chinese_datetime(value)
        if found and len(found) >= 10:
            return found
    window = list(blocks[start:end])
    # labelled dates: between headline and body first, then just above the headline (a
    # forum post's header, 发表于 …, precedes the title line), then in and after the body
    first = content_start if content_start is not None and start <= content_start <= end else start
    zones = (blocks[start:first], blocks[max(0, start - POST_HEADER_LOOKBACK):start][::-1], blocks[first:end])
    for zone in zones:
        for block in zone:
            match = _LABELLED_DATE.search(block.text)
            if match:
                found = find_datetime(block.text[match.start():])
                if found:
                    return found
    for block in window:
        if len(block.text) <= 200:
            found = find_datetime(block.text)
            if found:
                return found
    if url:
        match = _URL_DATE.search(url)
        if match:
            return parse_chinese_datetime("-".join(match.groups()))
    # An e-paper edition date or a blog day header just above the headline.
    for block in reversed(blocks[max(0, start - 5):start]):
        if len(block.text) <= 40:
            found = find_datetime(block.text)
            if found:
                return found
    for block in blocks:
        match = _LABELLED_DATE.search(block.text)
        if match and len(block.text) <= 200:
            found = find_datetime(block.text[match.start():])
            if found:
                return found
    return None


def find_source(info: HeadInfo, blocks: Sequence[Block], headline: int,
                content_start: int | None = None) -> str | None:
    """The originating outlet named in a ``来源：`` line or meta tag, or None."""
    start = headline
    end = min(len(blocks), max(start + 25, (content_start or 0) + 5))
    for block in list(blocks[start:end]) + list(blocks[-30:]):
        if len(block.text) > 200:
            continue
        # an annotation's brackets would end the value inside the name: "来源：職(zhí)工時報"
        match = _SOURCE_PATTERN.search(remove_pinyin_annotations(block.text)[0])
        if match:
            value = _SOURCE_STOP.sub("", match.group(1)).strip()
            if len(value) >= 2:
                return value
    for key in _SOURCE_KEYS:
        if info.meta.get(key):
            return info.meta[key][:60]
    return None
