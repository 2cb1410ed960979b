"""Published date, source and author from the meta lines of a flattened page."""

from __future__ import annotations

import re

from pipeline.clean import cues
from pipeline.extract.dates import find_datetime

_SOURCE_LABELS = ("来源", "來源", "出处", "出處", "稿源")
_AUTHOR_LABELS = ("作者", "記者", "记者", "文", "撰文", "小编", "小編")
_VALUE_END = re.compile(r"[\s|｜，,;；)）】\]]")
_DATE_TEXT = re.compile(
    r"(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(?:\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?"
)
_NAME = re.compile(f"^[{cues.HAN}]{{2,4}}$")


def _fields(line: str) -> list[tuple[str, str]]:
    """``(label, value)`` pairs of a meta line; a value stops at the next label or separator."""
    matches = list(cues.FIELD.finditer(line))
    out = []
    for k, m in enumerate(matches):
        stop = matches[k + 1].start() if k + 1 < len(matches) else len(line)
        value = line[m.end() : stop].strip(" \u3000")
        cut = _VALUE_END.search(value)
        if cut:
            value = value[: cut.start()]
        out.append((m.group("label"), value.strip("《》<>“”\"'「」 ")))
    return out


def _label_is(label: str, names: tuple[str, ...]) -> bool:
    return any(label.endswith(n) for n in names) and not label.startswith(("收集", "整理"))


def parse_meta(lines: list[str], byline_names: list[str] | None = None) -> tuple[str | None, str | None, str | None]:
    """``(published_at, source, author)`` from meta lines, earliest line first."""
    published = source = author = None
    for line in lines:
        if published is None:
            published = find_datetime(line)
        fields = _fields(line)
        for label, value in fields:
            if not value or len(value) > 30:
                continue
            if source is None and _label_is(label, _SOURCE_LABELS):
                source = value
            elif author is None and _label_is(label, _AUTHOR_LABELS) and label not in ("文",) or (
                author is None and label == "文" and _NAME.match(value)
            ):
                author = value
        if source is None and not fields:
            # "2023/08/21 20:01某某时报 某某集团": the name right after the date
            m = _DATE_TEXT.search(line)
            if m:
                rest = line[m.end() :].strip()
                token = re.split(r"\s+", rest)[0] if rest else ""
                if 2 <= len(token) <= 12 and not re.search(r"\d", token):
                    source = token.strip("《》")
    if author is None:
        for name in byline_names or []:
            author = name
            break
    return published, source, author
