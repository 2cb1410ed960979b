"""Label the lines of a flattened page: ``title``, ``subtitle``, ``meta``, ``body``, ``boilerplate``.

The labeller works from features that generalize across sites rather than from any site's strings:

1. per-line features: length, Han count, Chinese punctuation, bullets, link-list shape (many short
   tokens, ``|`` lists), date-only lines, truncated teasers, repetition of an earlier line, and
   cue words of page furniture (:mod:`pipeline.clean.cues`);
2. lines that open a related-article block, a footer or a download prompt are *boundaries*; the
   article is the segment between boundaries holding the most running text;
3. inside it, the body runs from the first to the last sentence-like line, after the meta block
   (date/source/author lines) that follows the headline;
4. the title is the headline-shaped line just above that meta block (or the body).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.clean import cues
from pipeline.normalize.pinyin import remove_pinyin_annotations

LABELS = ("title", "subtitle", "meta", "body", "boilerplate")

_HAN = re.compile(f"[{cues.HAN}]")
_PUNCT = re.compile(f"[{cues.CN_PUNCT}]")
_BULLET = re.compile(r"^[•·●◆◇■□▪►▶\-*]\s*")
_STRIP = " \t\u3000\u00a0\u200b\ufeff"
_DATE_ONLY = re.compile(r"^[\[【(（]?\s*(?:\d{2,4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?|\d{1,2}[-/.月]\d{1,2}日?)(?:\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?\s*[\]】)）]?$")
_DATE_IN = re.compile(r"(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}|\d{1,2}月\d{1,2}日\s*\d{1,2}[:：]\d{2}")
_TEASER_END = re.compile(r"(?:更多|详细|詳細|全文|阅读全文|閱讀全文|\.\.\.|…+|>>)\s*$")
_NAME_LINE = re.compile(f"^[{cues.HAN}]{{2,4}}$")
_TOKENS = re.compile(r"[\s|｜/]+")


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
    plain = remove_pinyin_annotations(text)[0] if "(" in text else text
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
    line.fieldish = _is_fieldish(plain, han, punct)
    line.boundary = bool(cues.RELATED_HEADER.match(plain) or cues.FOOTER.search(plain) or _download_prompt(plain))
    line.hard_bp = line.boundary or _is_furniture(plain, han, punct)
    return line


def _download_prompt(text: str) -> bool:
    return bool(re.search(r"本文地址|全文阅读已结束|全文閱讀已結束|下载此文档|下載此文檔|下载本文|點擊下載|点击下载", text))


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
    return out


def _best_segment(lines: list[Line]) -> tuple[int, int]:
    """[lo, hi) indices of the boundary-free segment with the most running text."""
    best = (0, 0, -1)
    lo = 0
    for i in range(len(lines) + 1):
        if i == len(lines) or lines[i].boundary:
            score = sum(ln.han for ln in lines[lo:i] if ln.sentence_like and not ln.repeat)
            if score > best[2]:
                best = (lo, i, score)
            lo = i + 1
    return best[0], best[1]


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
    lo, hi = _best_segment(lines)
    body_idx = [i for i in range(lo, hi) if lines[i].sentence_like and not lines[i].fieldish]
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
    # body: everything between start and end that is not furniture
    for i in range(start, end + 1):
        ln = lines[i]
        if ln.hard_bp or ln.teaser or (not ln.sentence_like and ln.first_seen < lines[start].number):
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


def _label_head(lines: list[Line], lo: int, start: int) -> None:
    """Title, subtitle and meta among the lines above the body."""
    head = list(range(lo, start))
    # meta block nearest the body (bare name lines next to it are bylines)
    metas = [i for i in head if not lines[i].hard_bp and _is_meta(lines[i])]
    for i in metas:
        lines[i].label = "meta"
    for i in head:
        ln = lines[i]
        if _NAME_LINE.match(ln.text) and any(abs(i - m) == 1 for m in metas):
            ln.label = "meta"
            metas.append(i)
    first_meta = None
    if metas:
        # the contiguous meta cluster closest to the body
        cluster = sorted(metas)
        first_meta = cluster[-1]
        while first_meta - 1 in cluster:
            first_meta -= 1
    limit = first_meta if first_meta is not None else start
    title_idx = None
    for i in range(limit - 1, lo - 1, -1):
        ln = lines[i]
        if ln.label == "meta" or ln.hard_bp:
            continue
        if _titleish(ln):
            title_idx = i
            break
        if ln.sentence_like:
            continue
        break
    if title_idx is None and first_meta is None:
        return
    if title_idx is not None:
        ln = lines[title_idx]
        if ln.repeat:
            # prefer the first occurrence of a repeated headline
            key = re.sub(r"\s+", "", ln.text)
            for k in range(lo, title_idx):
                if re.sub(r"\s+", "", lines[k].text) == key:
                    title_idx = k
                    break
        lines[title_idx].label = "title"
        for i in range(max(lo, title_idx - 1), start):
            other = lines[i]
            if other.label == "boilerplate" and not other.hard_bp and not other.repeat and other.han >= 8 and i != title_idx:
                if abs(i - title_idx) <= 2:
                    other.label = "subtitle"
