"""Publisher (``source``) and author normalized like the text, so that grouping by them works.

Both go through what the text goes through: pinyin annotations removed (``職(zhí)`` -> ``職``),
Unicode clean-up and OpenCC conversion (``工人日報`` -> ``工人日报``).  Then an outlet name
loses the marks around it (``《工人日报》`` -> ``工人日报``, ``【新华社】`` -> ``新华社``; marks inside
a name stay) and its runs of spaces become one.  A value that is only a weekday, date or time
(``星期二``, ``2023年8月21日 08:38``), a breadcrumb (``首页 > 新闻``, ``当前位置：...``), or has no
letter or Han character names no one: it becomes None.
"""

from __future__ import annotations

import re

from pipeline.dates import is_date_fragment
from pipeline.normalize.opencc_convert import convert
from pipeline.normalize.pinyin import remove_pinyin_annotations
from pipeline.normalize.unicode_text import normalize_unicode

__all__ = ["is_name_fragment", "normalize_name"]

#: Opening and closing marks that wrap a whole name: title marks, brackets, quotes.
_WRAPPERS = {"《": "》", "〈": "〉", "【": "】", "[": "]", "「": "」", "『": "』", "“": "”", "\"": "\"", "'": "'",
             "（": "）", "(": ")", "<": ">"}
#: Path separators of breadcrumbs and the labels that open them.
_BREADCRUMB = re.compile(r"[>＞»›→]|^(?:首页|首頁|当前位置|當前位置|您的位置|您现在的位置|您現在的位置|位置)\s*[:：>]?")
_HAS_NAME_CHAR = re.compile(r"[^\W\d_]")
_SPACES = re.compile(r"\s+")


def is_name_fragment(value: str) -> bool:
    """Whether ``value`` is a piece of a date line or a breadcrumb rather than a name."""
    return is_date_fragment(value) or bool(_BREADCRUMB.search(value)) or not _HAS_NAME_CHAR.search(value)


def _unwrap(value: str) -> str:
    """``value`` without marks wrapping all of it (repeatedly: ``【《人民日报》】``)."""
    while len(value) > 2 and _WRAPPERS.get(value[0]) == value[-1] and _WRAPPERS[value[0]] not in value[1:-1]:
        value = value[1:-1].strip()
    return value


def normalize_name(value: str | None, opencc_config: str = "t2s") -> str | None:
    """An outlet or author name normalized as the module docstring says, or None when ``value``
    names no one."""
    if not value:
        return None
    text = convert(normalize_unicode(remove_pinyin_annotations(value)[0]), opencc_config)
    text = _unwrap(_SPACES.sub(" ", text).strip())
    if not text or is_name_fragment(text):
        return None
    return text
