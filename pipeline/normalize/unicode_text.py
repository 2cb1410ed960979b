"""Unicode clean-up for Chinese text that keeps Chinese full-width punctuation.

* zero-width, bidi and control characters are removed (newlines and tabs are kept as whitespace);
* full-width Latin letters and digits become half-width, CJK compatibility ideographs become their
  unified forms, no-break and ideographic spaces become plain spaces;
* half-width ``, : ; ! ?`` right after a Han character (and before Han text, a digit, an opening
  quote or the end of a line) become ``，：；！？``; ASCII parentheses around Han text become ``（）``.

Numbers (``1,000``, ``12:30``), URLs and Latin text are left alone.  The function is idempotent.
"""

from __future__ import annotations

import functools
import re
import unicodedata

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CLOSE = "”’」』）》〉】"
_OPEN = "“‘「『（《〈【"

_DROP = "\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb"
_CONTROL = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_WIDE_ALNUM = "\uff10-\uff19\uff21-\uff3a\uff41-\uff5a"
_SPACES = "\u00a0\u2000-\u200a\u202f\u205f\u3000"
_COMPAT = "\uf900-\ufaff"

_SPECIAL = re.compile(f"[{_DROP}{_CONTROL}{_WIDE_ALNUM}{_SPACES}{_COMPAT}\r]")
# the punctuation mark first (fast scan), then a look back at the character before it
_PUNCT = re.compile(f"[,:;!?](?<=[{_HAN}{_CLOSE}][,:;!?])(?=[{_HAN}{_OPEN}0-9]|[ \\t]*(?:\\n|$))")
_PARENS = re.compile(f"\\(([^()（）\\n]*[{_HAN}][^()（）\\n]*)\\)")
_HALF_TO_FULL = {",": "，", ":": "：", ";": "；", "!": "！", "?": "？"}


def _full_width(match: re.Match[str]) -> str:
    return _HALF_TO_FULL[match.group(0)]


@functools.lru_cache(maxsize=4096)
def _replacement(ch: str) -> str:
    """What one special character becomes (``\r`` is handled before)."""
    if ch in _DROP_SET or ord(ch) < 0xA0 and ch != "\r":
        return ""
    if ch in _SPACES_SET:
        return " "
    return unicodedata.normalize("NFKC", ch)


def _replace_match(match: re.Match[str]) -> str:
    return _replacement(match.group(0))


def _expand(ranges: str) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(ranges):
        if i + 2 < len(ranges) and ranges[i + 1] == "-":
            out.extend(chr(c) for c in range(ord(ranges[i]), ord(ranges[i + 2]) + 1))
            i += 3
        else:
            out.append(ranges[i])
            i += 1
    return out


_DROP_SET = frozenset(_expand(_DROP))
_SPACES_SET = frozenset(_expand(_SPACES))


def normalize_unicode(text: str) -> str:
    """``text`` with the clean-ups described in the module docstring (no script conversion)."""
    if not text:
        return text
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _SPECIAL.sub(_replace_match, text)
    if "(" in text:
        text = _PARENS.sub(r"（\1）", text)
    text = _PUNCT.sub(_full_width, text)
    return text
