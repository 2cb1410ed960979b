"""Chinese and ISO date-time strings to ISO-8601, shared by HTML extraction, text cleaning and
the readers of records (JSONL ``date`` fields).

Understands the forms Chinese news pages and text dumps use::

    2023年11月03日08:38      2023年11月3日 下午3:05     二〇二三年十一月三日
    发布时间：2023-08-03 19:05:57    2023/08/21 20:01    2023.08.21
    2023-08-21T20:01:00Z     2023-08-21T20:01:00+0800   Mon, 21 Aug 2023 20:01:00 +0800

Output is ``YYYY-MM-DDTHH:MM:SS+08:00`` when a time is known (Beijing time is assumed when the
text gives no zone), ``YYYY-MM-DD`` when only the day is known, and, from
:func:`parse_chinese_datetime` only, ``YYYY-MM`` when the whole text is a year and month.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, timedelta, timezone

__all__ = ["BEIJING", "find_datetime", "is_date_fragment", "parse_chinese_datetime", "unix_datetime", "utc_instant", "MIN_YEAR", "MAX_YEAR"]

MIN_YEAR = 1980
MAX_YEAR = 2099
_BEIJING = timezone(timedelta(hours=8))
#: The zone assumed for a Chinese page's time that names none (China has one time zone).
BEIJING = _BEIJING

_CN_DIGITS = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "O": 0, "一": 1, "二": 2, "两": 2, "三": 3,
              "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}

# Time of day: 08:38, 8:38:05, 08时38分(05秒), 08点38分, optionally after 上午/下午/晚上.
_TIME = (
    r"(?:\s*|T|[日号]\s*)"
    r"(?P<ampm>上午|下午|中午|晚上|凌晨|早上|傍晚|AM|PM|am|pm)?\s*"
    r"(?P<H>[01]?\d|2[0-3])\s*(?:[:：]|[时點点])\s*(?P<M>[0-5]\d)(?:\s*分)?"
    r"(?:\s*[:：]\s*(?P<S>[0-5]\d)(?:\.\d+)?|\s*(?P<S2>[0-5]\d)\s*秒)?"
    r"(?:\s*(?P<tz>Z|[+-](?:0\d|1[0-4]):?[0-5]\d|(?:GMT|UTC)\s*[+-]\s*\d{1,2}(?::?\d\d)?))?"
)
_YMD_NUM = (
    r"(?P<y>(?:19|20)\d\d)\s*(?P<sep>[-/.年])\s*(?P<m>1[0-2]|0?[1-9])\s*(?:(?P=sep)|月)\s*"
    r"(?P<d>3[01]|[12]\d|0?[1-9])(?!\d)\s*[日号]?"
)
_CN_NUM = r"[〇零○一二三四五六七八九十]"
_YMD_CN = (
    rf"(?P<cy>[〇零○一二三四五六七八九]{{4}})\s*年\s*(?P<cm>{_CN_NUM}{{1,2}})\s*月\s*"
    rf"(?P<cd>{_CN_NUM}{{1,3}})\s*[日号]"
)
_DATE_TIME = re.compile(
    rf"(?<!\d)(?:{_YMD_NUM}|{_YMD_CN})(?:{_TIME})?(?!\d)"
)
_COMPACT = re.compile(r"(?<!\d)((?:19|20)\d\d)(1[0-2]|0[1-9])(3[01]|[12]\d|0[1-9])(?:\s*(\d\d):?(\d\d)(?::?(\d\d))?)?(?!\d)")
_YEAR_MONTH = re.compile(r"^\s*((?:19|20)\d\d)\s*[-/.年]\s*(1[0-2]|0?[1-9])\s*月?\s*$")
# ``7/5/2005 9:23:57 PM``: month first, the en-US default of ASP/.NET and other servers.
_US_AMPM = re.compile(
    r"(?<![\d/])(1[0-2]|0?[1-9])/(3[01]|[12]\d|0?[1-9])/((?:19|20)\d\d)\s+"
    r"(1[0-2]|0?\d):([0-5]\d)(?::([0-5]\d))?\s*([AaPp][Mm])\b"
)
_RFC2822 = re.compile(r"[A-Za-z]{3},?\s+\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d\d:\d\d(?::\d\d)?\s*(?:[+-]\d{4}|GMT|UTC)?")


def _cn_number(text: str) -> int | None:
    """Chinese numerals up to 31 (十, 十一, 二十三, 三十一) or digit-by-digit years (二〇二三)."""
    if "十" not in text:
        value = 0
        for ch in text:
            if ch not in _CN_DIGITS:
                return None
            value = value * 10 + _CN_DIGITS[ch]
        return value
    tens_text, _, ones_text = text.partition("十")
    tens = _CN_DIGITS.get(tens_text, None) if tens_text else 1
    ones = _CN_DIGITS.get(ones_text, None) if ones_text else 0
    if tens is None or ones is None:
        return None
    return tens * 10 + ones


def _zone(tz: str | None) -> timezone:
    if not tz:
        return _BEIJING
    tz = tz.replace(" ", "").upper()
    if tz == "Z":
        return UTC
    for prefix in ("GMT", "UTC"):
        if tz.startswith(prefix):
            tz = tz[len(prefix):]
    sign = -1 if tz[0] == "-" else 1
    digits = tz[1:].replace(":", "")
    hours = int(digits[:-2] if len(digits) > 2 else digits)
    minutes = int(digits[-2:]) if len(digits) > 2 else 0
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _format(day: date, hms: tuple[int, int, int] | None, tz: timezone | None) -> str:
    if hms is None:
        return day.isoformat()
    stamp = datetime(day.year, day.month, day.day, *hms, tzinfo=tz or _BEIJING)
    return stamp.isoformat()


def _from_match(match: re.Match[str]) -> str | None:
    groups = match.groupdict()
    if groups["y"]:
        year, month, day_ = int(groups["y"]), int(groups["m"]), int(groups["d"])
    else:
        cy, cm, cd = (_cn_number(groups["cy"]), _cn_number(groups["cm"]), _cn_number(groups["cd"]))
        if cy is None or cm is None or cd is None:
            return None
        year, month, day_ = cy, cm, cd
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        day = date(year, month, day_)
    except ValueError:
        return None
    if groups.get("H") is None:
        return _format(day, None, None)
    hour, minute = int(groups["H"]), int(groups["M"])
    second = int(groups["S"] or groups["S2"] or 0)
    ampm = (groups.get("ampm") or "").lower()
    if ampm in ("下午", "晚上", "傍晚", "pm") and hour < 12:
        hour += 12
    elif ampm in ("凌晨", "am") and hour == 12:
        hour = 0
    return _format(day, (hour, minute, second), _zone(groups.get("tz")))


def _prepare(text: str) -> str:
    # Full-width digits and punctuation (２０２３－０８－２１) become ASCII.
    return unicodedata.normalize("NFKC", text)


def find_datetime(text: str) -> str | None:
    """The first plausible date (with its time, if any) inside ``text``, as ISO-8601.

    Searches a longer line such as ``来源：新华网 发布时间：2023-08-03 19:05:57 编辑：王某``.
    Returns ``None`` when no full date (year, month and day) is present.
    """
    if not text:
        return None
    text = _prepare(text)
    for found in _DATE_TIME.finditer(text):
        result = _from_match(found)
        if result:
            return result
    match = _US_AMPM.search(text)
    if match:
        month, day_, year, hour, minute = (int(g) for g in match.groups()[:5])
        hour = hour % 12 + (12 if match.group(7).lower() == "pm" else 0)
        try:
            day = date(year, month, day_)
        except ValueError:
            day = None
        if day and MIN_YEAR <= year <= MAX_YEAR:
            return _format(day, (hour, minute, int(match.group(6) or 0)), None)
    match = _RFC2822.search(text)
    if match:
        from email.utils import parsedate_to_datetime  # rare: not worth its import at start-up

        try:
            stamp = parsedate_to_datetime(match.group(0))
        except (TypeError, ValueError):
            stamp = None
        if stamp is not None and MIN_YEAR <= stamp.year <= MAX_YEAR:
            return (stamp if stamp.tzinfo else stamp.replace(tzinfo=_BEIJING)).isoformat()
    return None


def unix_datetime(text: str) -> str | None:
    """A Unix timestamp in seconds (10 digits) or milliseconds (13) as Beijing time, or None."""
    text = text.strip()
    if not re.fullmatch(r"\d{10}(?:\d{3})?", text):
        return None
    seconds = int(text[:10])
    stamp = datetime.fromtimestamp(seconds, _BEIJING)
    if not MIN_YEAR <= stamp.year <= MAX_YEAR:
        return None
    return stamp.isoformat()


def parse_chinese_datetime(text: str) -> str | None:
    """Parse a string that *is* a date-time (meta content, JSON-LD value, a date line).

    Accepts everything :func:`find_datetime` finds, plus compact ``20230821`` /
    ``20230821 2001`` and year-month ``2023-08`` / ``2023年8月`` (returned as ``YYYY-MM``).
    """
    if not text:
        return None
    text = _prepare(text).strip()
    found = find_datetime(text)
    if found:
        return found
    match = _COMPACT.fullmatch(text)
    if match:
        year, month, day_ = int(match.group(1)), int(match.group(2)), int(match.group(3))
        try:
            day = date(year, month, day_)
        except ValueError:
            return None
        if match.group(4) is None:
            return _format(day, None, None)
        hour, minute, second = int(match.group(4)), int(match.group(5)), int(match.group(6) or 0)
        if hour > 23 or minute > 59 or second > 59:
            return None
        return _format(day, (hour, minute, second), None)
    match = _YEAR_MONTH.match(text)
    if match:
        year, month = int(match.group(1)), int(match.group(2))
        if MIN_YEAR <= year <= MAX_YEAR:
            return f"{year:04d}-{month:02d}"
    return None


def utc_instant(text: str | None, naive_zone: timezone = _BEIJING) -> datetime | None:
    """The instant an ISO-8601 time (or day) names, in UTC; None when ``text`` is not one.

    A time without a zone is read in ``naive_zone``; a bare day (``2020-02-03``) is its start
    in ``naive_zone``.  Coarser values (``2020-02``) name no instant and give None.
    """
    if not text or len(text) < 10:
        return None
    try:
        stamp = datetime.fromisoformat(text.strip().replace("z", "Z"))
    except ValueError:
        return None
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=naive_zone)
    # Parquet keeps milliseconds: drop the rest here rather than fail on a lossy cast
    return stamp.astimezone(UTC).replace(microsecond=stamp.microsecond // 1000 * 1000)


#: A weekday (星期二, 周三, 礼拜天, Tue), a date or a time, and the separators between them.
_FRAGMENT = re.compile(
    r"(?:(?:星期|礼拜|禮拜|周|週)[一二三四五六日天]|(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|mon|tue|wed|thu|fri|sat|sun)\.?(?![a-z])"
    r"|[0-9〇零○一二三四五六七八九十]+\s*[年月日号號时時分秒点點]|\d+|[上下]午|[\s,，、|｜/\-.:：()（）\[\]【】])+",
    re.I,
)


def is_date_fragment(text: str) -> bool:
    """Whether ``text`` is only a weekday, date or time (a piece of a date line, never a name)."""
    text = unicodedata.normalize("NFKC", text).strip()
    return bool(text) and _FRAGMENT.fullmatch(text) is not None
