"""Label the lines of a flattened page: ``title``, ``subtitle``, ``meta``, ``body``, ``boilerplate``.

The labeller works from features that generalize across sites rather than from any site's strings:

1. per-line features: length, Han count, Chinese punctuation, bullets, link-list shape (many short
   tokens, ``|`` lists), date-only lines, truncated teasers, repetition of an earlier line, and
   cue words of page furniture (:mod:`pipeline.clean.cues`);
2. each line gets a weight: running text counts its Han characters, furniture and link-like lines
   count against, lines that open a related-article block, a footer, a tag list or a download
   prompt (*boundaries*) count heavily against; the first running text under a headline + dated
   meta pair gets a bonus (a large one when the headline repeats the dump's first line, i.e. the
   page ``<title>``);
3. the body is the contiguous run of lines with the largest total weight (maximum subarray),
   trimmed to its sentence-like ends, moved past a headline block (subtitle/title/byline/date) at
   its top, and cut where a second headline + dated meta pair starts another article;
4. the title is the headline-shaped line just above the meta block (or the body), else the first
   line of the dump without its site suffix; meta lines above and just below the body are labelled.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.clean import cues
from pipeline.clean import settings as S
from pipeline.normalize.opencc_convert import convert
from pipeline.normalize.pinyin import remove_pinyin_annotations

LABELS = ("title", "subtitle", "meta", "body", "boilerplate")

_HAN = re.compile(f"[{cues.HAN}]")
_PUNCT = re.compile(f"[{cues.CN_PUNCT}]")
_BULLET = re.compile(r"^[•·●◆◇■□▪►▶\-*]\s*")
_INNER_BULLET = re.compile(r"\s[•·●▪|｜]\s")
_STRIP = " \t\u3000\u00a0\u200b\ufeff"
_DATE_ONLY = re.compile(r"^[\[【(（]?\s*(?:\d{2,4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?|\d{1,2}[-/.月]\d{1,2}日?)(?:\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?\s*[\]】)）]?$")
_DATE_IN = re.compile(r"(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}|\d{1,2}月\d{1,2}日\s*\d{1,2}[:：]\d{2}")
_TEASER_END = re.compile(r"(?:更多|详细|詳細|全文|阅读全文|閱讀全文|\.\.\.|…+|>>)\s*$")
# list items ending in a time stamp (and counters): "某帖标题【作者】08-11 16:06 298字 [4321/87]"
_STAMP_END = re.compile(
    r"(?:\d{2,4}[-/.年])?\d{1,2}[-/.月]\d{1,2}日?\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?(?:[^\u4e00-\u9fff]|[字条篇次人评回复阅读浏览]){0,24}$"
    r"|(?:19|20)\d{2}[-/.]\d{1,2}[-/.]\d{1,2}\s*[)）\]]?\s*$"
)
NAME_LINE = re.compile(f"^[{cues.HAN}]{{2,4}}$")
_TOKENS = re.compile(r"[\s|｜/]+")
#: A link list flattened to one line: ``热门点卡：问道Q币穿越火线征途…`` (label, colon, no sentence).
_NAV_LINE = re.compile(rf"[^，。！？；,;!?：:]{{1,{S.NAV_LABEL_MAX_CHARS}}}[：:][^，。！？；,;!?：:、]+")


@dataclass(slots=True)
class Line:
    """One non-blank input line with its features and label."""

    number: int  # 1-based line number in the input
    text: str  # stripped, bullet removed
    han: int
    punct: int
    bullet: bool
    label: str = "boilerplate"
    hard_bp: bool = False  # furniture by cue or shape
    boundary: bool = False  # ends the article segment
    fieldish: bool = False  # a labelled meta field or a date line
    repeat: bool = False  # repeats (or is a truncated copy of) an earlier line
    first_seen: int = 0  # number of the first line with the same text
    teaser: bool = False

    @property
    def sentence_like(self) -> bool:
        """Running text: enough Han characters and Chinese punctuation."""
        if self.bullet or self.teaser or self.hard_bp:
            return False
        return (self.han >= 10 and self.punct >= 2) or (self.han >= 15 and self.punct >= 1) or self.han >= 40


def _features(number: int, raw: str, seen: dict[str, int], short_seen: list[str]) -> Line | None:
    text = raw.strip(_STRIP)
    if not text:
        return None
    bullet = bool(_BULLET.match(text)) and len(text) > 2
    if bullet:
        text = _BULLET.sub("", text).strip(_STRIP)
    # "栏目 • 标题": a link inside a list of links
    bullet = bullet or bool(_INNER_BULLET.search(text))
    plain = remove_pinyin_annotations(text)[0] if ("(" in text or "（" in text) else text
    han = len(_HAN.findall(plain))
    punct = len(_PUNCT.findall(plain))
    line = Line(number, text, han, punct, bullet)
    key = re.sub(r"\s+", "", plain)
    # repetition of an earlier line, or a truncated copy of one (related-article titles)
    if key in seen:
        line.repeat = True
    elif 6 <= len(key) <= 80 and any(s.startswith(key) or key.startswith(s) for s in short_seen):
        line.repeat = True
    line.first_seen = seen.setdefault(key, number)
    if 6 <= len(key) <= 80:
        short_seen.append(key)
    line.teaser = len(plain) <= 80 and bool(_TEASER_END.search(plain)) and not plain.endswith(("。", "！", "？"))
    stamp = _STAMP_END.search(plain)
    if stamp and 4 <= stamp.start() and len(plain) <= 100 and not _DATE_ONLY.match(plain):
        line.teaser = True
    line.fieldish = _is_fieldish(plain, han, punct)
    line.boundary = bool(
        cues.RELATED_HEADER.match(plain)
        or cues.FOOTER.search(plain)
        or _download_prompt(plain)
        or (cues.TAGS_LABEL.match(plain) and len(plain) <= 60)
    )
    line.hard_bp = line.boundary or _is_furniture(plain, han, punct)
    return line


_DOWNLOAD = re.compile(r"本文地址|全文阅读已结束|全文閱讀已結束|下载此文档|下載此文檔|下载本文|點擊下載|点击下载")


def _download_prompt(text: str) -> bool:
    return bool(_DOWNLOAD.search(text))


def _is_fieldish(text: str, han: int, punct: int) -> bool:
    if len(text) > 80:
        return False
    if cues.EDITOR_NOTE.match(text):
        return True
    field = cues.FIELD.search(text)
    if field and (field.start() == 0 or punct <= 3):
        return True
    return bool(_DATE_IN.search(text)) and len(text) <= 50 and not re.search(r"[。！？]", text)


def _is_furniture(text: str, han: int, punct: int) -> bool:
    if cues.PROMPT.search(text) and (han < 40 or punct < 3):
        return True
    if cues.BREADCRUMB.search(text) and punct < 3:
        return True
    if cues.PICTURE_NOTE.match(text) and len(text) <= 20:
        return True
    # an empty labelled field: "关键词：", "网站编辑:"
    field = cues.FIELD.fullmatch(text.rstrip())
    if field:
        return True
    # link lists: "a| b| c| d", "首页 新闻 体育 财经"
    bars = text.count("|") + text.count("｜")
    tokens = [t for t in _TOKENS.split(text) if t]
    if bars >= 3 and tokens and sum(map(len, tokens)) / len(tokens) <= 8:
        return True
    if len(tokens) >= 4 and punct == 0 and max(map(len, tokens)) <= 6:
        return True
    return False


def featurize(text: str) -> list[Line]:
    """Features of every non-blank line of ``text``."""
    seen: dict[str, int] = {}
    short_seen: list[str] = []
    out = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = _features(number, raw, seen, short_seen)
        if line is not None:
            out.append(line)
    _mark_navigation(out)
    return out


def _nav_shape(line: Line) -> bool:
    return (line.han >= S.NAV_MIN_HAN and bool(_NAV_LINE.fullmatch(line.text))
            and not cues.FIELD.match(line.text))


def _mark_navigation(lines: list[Line]) -> None:
    """Link lists flattened to lines (``热门点卡：问道Q币穿越火线…``) come in blocks: a line of
    that shape next to another is navigation; alone it is a headline with a colon."""
    shaped = [_nav_shape(ln) for ln in lines]
    for i, ln in enumerate(lines):
        if shaped[i] and ((i > 0 and shaped[i - 1]) or (i + 1 < len(lines) and shaped[i + 1])):
            ln.hard_bp = True


def _weight(line: Line) -> float:
    """How much a line argues for being inside the article body (negative: against)."""
    if line.boundary:
        return S.BOUNDARY_WEIGHT
    if line.hard_bp:
        return S.FURNITURE_WEIGHT
    if line.sentence_like:
        if line.repeat:
            return line.han / 2 if line.han >= S.REPEAT_PROSE_MIN_HAN else S.REPEAT_WEIGHT
        return float(line.han)
    if line.fieldish:
        return S.FIELD_WEIGHT
    if line.teaser or line.bullet:
        return S.LIST_ITEM_WEIGHT - line.han
    return S.OTHER_WEIGHT - line.han / 2




def _key(text: str) -> str:
    return re.sub(r"[\s_|｜\-—–]+", "", text)


def _anchor_bonus(lines: list[Line]) -> dict[int, float]:
    """Bonus weights for the first body line after a headline + dated meta pair.

    The first line of a dump is the page's own headline (the ``<title>`` of a flattened page).  If
    it is directly followed by its meta block, that is the anchor; otherwise the first later
    headline contained in it (the on-page ``<h1>``) gets the large bonus, other headlines with a
    dated meta line a small one.  Repeats of the headline further down (related lists) get none.
    """
    first = _key(lines[0].text) if lines else ""
    matched: int | None = None
    generic: int | None = None
    for i, ln in enumerate(lines[:-1]):
        if not (_titleish(ln) or (i == 0 and 5 <= ln.han <= 80)):
            continue
        metas = [j for j in range(i + 1, min(i + 4, len(lines))) if _is_meta(lines[j])]
        if not any(_DATE_IN.search(lines[j].text) for j in metas):
            continue
        last_meta = metas[-1]
        body = next(
            (j for j in range(last_meta + 1, min(last_meta + 6, len(lines)))
             if lines[j].sentence_like and not lines[j].fieldish),
            None,
        )
        if body is None:
            continue
        key = _key(ln.text)
        if i == 0 or (i > 0 and key != first and ln.first_seen == ln.number and len(key) >= 5 and key in first):
            matched = body
            break
        if generic is None and ln.first_seen == ln.number:
            generic = body
    if matched is not None:
        return {matched: S.TITLE_MATCH_BONUS}
    if generic is not None:
        return {generic: S.ANCHOR_BONUS}
    follower = _continues_title(lines)
    return {follower: S.ANCHOR_BONUS} if follower is not None else {}


_HAN_PAIR = re.compile(f"(?=([{cues.HAN}]{{2}}))")


def _continues_title(lines: list[Line]) -> int | None:
    """The first running text sharing much of the dump's first line (the page ``<title>``):
    the article's opening, where a story restates its headline."""
    if not lines:
        return None
    title = set(_HAN_PAIR.findall(_SITE_SUFFIX.sub("", lines[0].text)))
    if len(title) < S.CONTINUITY_MIN_PAIRS:
        return None
    for i, ln in enumerate(lines[1:], start=1):
        shared = len(title & set(_HAN_PAIR.findall(ln.text))) if ln.sentence_like else 0
        if not (ln.fieldish or ln.repeat) and shared >= S.CONTINUITY_SHARE * len(title):
            return i
    return None


def _best_span(lines: list[Line]) -> tuple[int, int]:
    """[lo, hi) of the contiguous run of lines with the largest total weight (Kadane)."""
    best, best_lo, best_hi = float("-inf"), 0, 0
    total, lo = 0.0, 0
    bonus = _anchor_bonus(lines)
    for i, line in enumerate(lines):
        if total <= 0:
            total, lo = 0.0, i
        total += _weight(line) + bonus.get(i, 0.0)
        if total > best:
            best, best_lo, best_hi = total, lo, i + 1
    return best_lo, best_hi


def _is_meta(line: Line) -> bool:
    return line.fieldish or bool(_DATE_ONLY.match(line.text))


def _titleish(line: Line) -> bool:
    t = line.text
    return (
        5 <= line.han <= 60
        and not line.hard_bp
        and not line.bullet
        and not _is_meta(line)
        and not t.endswith(("。", "：", ":"))
        and line.punct <= 4
    )


def label_lines(text: str) -> list[Line]:
    """Every non-blank line of ``text`` with its label."""
    lines = featurize(text)
    if not lines:
        return lines
    for ln in lines:
        ln.label = "boilerplate"
    span_lo, span_hi = _best_span(lines)
    # the article segment: the span widened to the nearest boundaries (head and tail meta live there)
    lo = max((i + 1 for i in range(span_lo) if lines[i].boundary), default=0)
    hi = next((i for i in range(span_hi, len(lines)) if lines[i].boundary), len(lines))
    body_idx = [i for i in range(span_lo, span_hi) if lines[i].sentence_like and not lines[i].fieldish]
    if not body_idx:
        return lines
    start, end = body_idx[0], body_idx[-1]
    # a headline block (subtitle, title, byline) can precede the date/source line: skip past it
    for j in range(start + 1, min(start + 5, end + 1)):
        if _is_meta(lines[j]) and sum(lines[k].han for k in range(start, j)) < 200:
            nxt = [i for i in body_idx if i > j]
            if nxt:
                start = nxt[0]
            break
    # a second headline + dated meta pair after some body starts another article (blogs, lists)
    for j in range(start + 2, end + 1):
        if _is_meta(lines[j]) and _DATE_IN.search(lines[j].text) and _titleish(lines[j - 1]):
            before = [i for i in body_idx if start <= i < j - 1]
            if before:
                end = before[-1]
            break
    # body: everything between start and end that is not furniture
    for i in range(start, end + 1):
        ln = lines[i]
        echo = ln.repeat and i > start and ln.first_seen == lines[i - 1].number  # doubled line
        if ln.hard_bp or ln.teaser or echo or (not ln.sentence_like and ln.first_seen < lines[start].number):
            ln.label = "boilerplate"
        elif ln.fieldish and not ln.sentence_like and (cues.FIELD.match(ln.text) or cues.EDITOR_NOTE.match(ln.text)):
            ln.label = "meta"
        else:
            ln.label = "body"
    # tail: meta lines right after the body, up to the segment end
    for i in range(end + 1, hi):
        ln = lines[i]
        if not ln.hard_bp and (ln.fieldish or cues.EDITOR_NOTE.match(ln.text)):
            ln.label = "meta"
    _label_head(lines, lo, start)
    return lines


_SITE_SUFFIX = re.compile(r"\s*(?:[_|｜]|\s[-—–]\s).*$")


def is_name(line: Line) -> bool:
    """A line that is just a person's name (2-4 Han characters starting with a common surname)."""
    if line.hard_bp or not NAME_LINE.match(line.text):
        return False
    return convert(line.text[0], "t2s") in cues.COMMON_SURNAMES


def _label_head(lines: list[Line], lo: int, start: int) -> None:
    """Title, subtitle and meta among the lines above the body."""
    head = range(lo, start)
    metas = {i for i in head if not lines[i].hard_bp and _is_meta(lines[i])}
    # a bare name right next to a meta line is a byline
    metas |= {i for i in head if is_name(lines[i]) and (i - 1 in metas or i + 1 in metas)}
    for i in metas:
        lines[i].label = "meta"
    # the title sits just above the meta block nearest the body (or just above the body)
    limit = start
    if metas:
        limit = max(metas)
        while limit - 1 in metas:
            limit -= 1
    title_idx = None
    for i in range(limit - 1, lo - 1, -1):
        ln = lines[i]
        if ln.label == "meta" or ln.hard_bp:
            continue
        if _titleish(ln):
            title_idx = i
            break
        if not ln.sentence_like:
            break
    if title_idx is None:
        _title_from_first_line(lines, start)
        return
    if lines[title_idx].repeat:
        # a repeated headline: label its first occurrence
        key = _key(lines[title_idx].text)
        title_idx = next((k for k in range(lo, title_idx) if _key(lines[k].text) == key), title_idx)
    lines[title_idx].label = "title"
    for i in range(max(lo, title_idx - 2), min(start, title_idx + 3)):
        other = lines[i]
        if i != title_idx and other.label == "boilerplate" and not (other.hard_bp or other.repeat) and other.han >= 8:
            other.label = "subtitle"


def _title_from_first_line(lines: list[Line], start: int) -> None:
    """Fallback: the dump's first line (a page ``<title>``), its site suffix cut off."""
    first = lines[0]
    if start == 0 or first.hard_bp or first.label != "boilerplate" or first.sentence_like and first.punct > 2:
        return
    text = _SITE_SUFFIX.sub("", first.text)
    if 5 <= len(_HAN.findall(text)) <= 60:
        first.text = text
        first.label = "title"
