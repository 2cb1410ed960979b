"""Published date, source and author from the meta lines of a flattened page, and the outlet a
body's opening dateline names."""

from __future__ import annotations

import re

from pipeline.clean import cues
from pipeline.dates import find_datetime, is_date_fragment
from pipeline.normalize.pinyin import remove_pinyin_annotations

_SOURCE_LABELS = ("来源", "來源", "出处", "出處", "稿源")
_AUTHOR_LABELS = ("作者", "記者", "记者", "撰文", "小编", "小編")
_VALUE_END = re.compile(r"[\s|｜，,;；)）】\]]")
_DATE_TEXT = re.compile(
    r"(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(?:\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?"
)
_EDITOR_LABELS = ("编辑", "編輯", "责编", "責編", "责任编辑", "責任編輯")
_NAME = re.compile(f"^[{cues.HAN}]{{2,4}}$")
#: Several names: "宋怡 杨志华", "刘琼、皮博".
_NAMES = re.compile(f"^[{cues.HAN}]{{2,4}}(?:[\\s、,，/]+[{cues.HAN}]{{2,4}})*")
#: Forum and blog bylines: "某某 发表于 2005-9-15", "由某某张贴 @ 2005-03-21".
#: "文/某某", "记者｜某某" bylines, also found inside an author field's value.
_SLASH_BYLINE = re.compile(rf"^(?:文|撰文|记者|記者|作者)\s*[/／|｜]\s*([{cues.HAN}]{{2,4}}(?:[\s、,，]+[{cues.HAN}]{{2,4}})*)")
_POSTED_BY = re.compile(r"^(?:由|楼主[:：]?)?\s*([^\s@:：]{2,20}?)\s*(?:发表于|發表於|发布于|發佈於|张贴|張貼)")

#: Characters of a text's start searched for an outlet dateline (``新华社北京1月2日电``): datelines come first.
OUTLET_LEAD_CHARS = 40
_HAN_NAME = r"[\u3400-\u9fff]{1,8}?"
#: How outlet names end (网, 台, 社, 报, 新闻, 频道, 日报 ...): "传来好消息：" names none.
_OUTLET_END = r"(?:网|網|台|臺|社|报|報|新闻|新聞|频道|頻道)"
#: An outlet line opening the text: "X消息（…）：" / "X消息：" / "X讯" / "X社<place><date>电".
_LEAD_OUTLET = re.compile(
    rf"^\s*[【\[]?(?:据|據)?(?P<a>{_HAN_NAME}{_OUTLET_END})消息\s*[（(：:]"
    rf"|^\s*(?:据|據)?(?P<b>{_HAN_NAME}{_OUTLET_END})[\u3400-\u9fff]{{0,6}}\s*\d{{1,2}}月\d{{1,2}}日\s*(?:电|讯)"
)
#: Words that open a dateline but name no outlet ("本报讯": this paper).
_SELF_NAMES = frozenset({"本报", "本報", "本台", "本臺", "本网", "本網", "本刊", "记者", "記者"})


def lead_outlet(text: str | None) -> str | None:
    """The outlet named by the dateline the text opens with, or None."""
    if not text:
        return None
    match = _LEAD_OUTLET.match(text[:OUTLET_LEAD_CHARS])
    if not match:
        return None
    name = match.group("a") or match.group("b")
    return None if name in _SELF_NAMES else name


def _fields(line: str) -> list[tuple[str, str]]:
    """``(label, value)`` pairs of a meta line; a value stops at the next label or separator."""
    matches = list(cues.FIELD.finditer(line))
    out = []
    for k, m in enumerate(matches):
        stop = matches[k + 1].start() if k + 1 < len(matches) else len(line)
        label = m.group("label")
        value = line[m.end() : stop].strip(" \u3000\u2002")
        slash = _SLASH_BYLINE.match(value)
        if slash:
            value = value[slash.start(1) :]
        names = _NAMES.match(value) if label in _AUTHOR_LABELS + _EDITOR_LABELS else None
        cut = _VALUE_END.search(value)
        if names and (cut is None or names.end() >= cut.start()):
            value = names.group(0).rstrip("、,，/ ")
        elif cut:
            value = value[: cut.start()]
        out.append((label, value.strip("《》<>“”\"'「」 ")))
    return out


def _label_is(label: str, names: tuple[str, ...]) -> bool:
    """``label`` is one of ``names`` (a prefix such as 文字/图片/收集 makes it another field)."""
    return label in names


def parse_meta(lines: list[str], byline_names: list[str] | None = None) -> tuple[str | None, str | None, str | None]:
    """``(published_at, source, author)`` from meta lines, earliest line first.

    The author is a labelled author/reporter, else a forum-style byline, else a bare name line
    next to the meta block (``byline_names``), else the labelled editor.
    """
    published = source = author = editor = None
    for line in lines:
        # "來源:《職(zhí)工時報》": an annotation's brackets would end the value inside the name
        line = remove_pinyin_annotations(line)[0]
        if published is None:
            published = find_datetime(line)
        fields = _fields(line)
        for label, value in fields:
            if not value or len(value) > 30:
                continue
            if source is None and _label_is(label, _SOURCE_LABELS):
                source = value
            elif author is None and (_label_is(label, _AUTHOR_LABELS) or (label == "文" and _NAME.match(value))):
                author = value
            elif editor is None and _label_is(label, _EDITOR_LABELS):
                editor = value
        posted = _POSTED_BY.match(line) or _SLASH_BYLINE.match(line)
        if author is None and posted:
            author = posted.group(1)
        if source is None and not fields:
            # "2023/08/21 20:01某某时报 某某集团": the name right after the date (and its weekday)
            m = _DATE_TEXT.search(line)
            if m:
                tokens = [t for t in line[m.end() :].split() if not is_date_fragment(t)]
                token = tokens[0] if tokens else ""
                if 2 <= len(token) <= 12 and not re.search(r"\d", token):
                    source = token.strip("《》")
    if author is None and byline_names:
        author = byline_names[0]
    # pages that name no author credit their editor
    return published, source, author or editor
