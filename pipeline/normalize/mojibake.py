"""Detect (never repair) mojibake spans: text decoded with the wrong codec or byte alignment.

Three kinds are found, each confirmed by re-decoding the span's bytes and checking that the
re-decoded text reads better than what is on the page:

* GBK bytes decoded one byte off (``凹词咕嚯`` for ``即使距離``): a stretch of Han characters in
  which no adjacent pair starts a dictionary word; its GBK bytes shifted by one byte decode to
  markedly more frequent characters that do form dictionary words;
* UTF-8 bytes decoded as GBK (``鍗充娇璺濋洟``): the stretch's GBK bytes are valid UTF-8 Han text;
* UTF-8 bytes decoded as Latin-1/cp1252 (``æ–°é—»``) and U+FFFD / ``锟斤拷`` replacement runs.

Character frequencies and word prefixes come from jieba's dictionary, prebuilt into a packaged
table (:mod:`pipeline.normalize.tables`); Traditional text is looked up through OpenCC t2s.  :func:`mojibake_score` is the share of Han/Latin-1 characters inside spans.
"""

from __future__ import annotations

import functools
import re

from pipeline.normalize.opencc_convert import convert
from pipeline.normalize.script import char_class
from pipeline.normalize.settings import (
    MOJIBAKE_FLOOR_LOGF,
    MOJIBAKE_MAX_ORIG_LOGF,
    MOJIBAKE_MIN_GAIN,
    MOJIBAKE_RARE_LOGF,
)

_HAN_RUN = re.compile(r"[\u4e00-\u9fff]{3,}")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_LATIN1_RUN = re.compile(r"(?:[\u00c2-\u00ef][\u0080-\u00bf\u0152-\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]{1,2}){2,}")
#: The character every ``_LATIN1_RUN`` match starts with (a cheap scan first).
_LATIN1_LEAD = re.compile(r"[\u00c2-\u00ef]")
_LETTER = re.compile(r"[\u4e00-\u9fff\u00c0-\u00ff\ufffd]")
_REPLACEMENT = re.compile(r"(?:\ufffd|锟斤拷|烫烫烫|屯屯屯)+")

_MIN_GAIN = MOJIBAKE_MIN_GAIN
_MAX_ORIG_LOGF = MOJIBAKE_MAX_ORIG_LOGF
_FLOOR = MOJIBAKE_FLOOR_LOGF
_RARE_LOGF = MOJIBAKE_RARE_LOGF


#: Name of the packaged table (``pipeline/resources/mojibake_tables.json``).
TABLE_NAME = "mojibake_tables"


@functools.lru_cache(maxsize=1)
def _rare_chars() -> re.Pattern[str]:
    """A character class of the rare Han characters (in their Simplified form)."""
    logf, _ = _tables()
    return char_class([chr(cp) for cp in range(0x4E00, 0xA000) if logf.get(chr(cp), _FLOOR) < _RARE_LOGF])


def build_tables() -> dict[str, object]:
    """Character log-frequencies and the two-character word prefixes of the segmenter's
    dictionary (the process-wide jieba tokenizer, domain dictionary included)."""
    import numpy as np

    from pipeline.segment.tokenizer import get_tokenizer

    freq = get_tokenizer().FREQ
    words = [w for w, n in freq.items() if n]
    # every character of every word, weighted by the word's count (one bincount, not ~1M dict updates)
    codes = np.frombuffer("".join(words).encode("utf-32-le"), dtype=np.uint32)
    weights = np.repeat(np.fromiter((freq[w] for w in words), dtype=np.float64, count=len(words)),
                        np.fromiter(map(len, words), dtype=np.int64, count=len(words)))
    counts = np.bincount(codes, weights=weights) if len(codes) else np.zeros(0)
    present = np.flatnonzero(counts)
    logf = dict(zip(map(chr, present.tolist()), np.log10(counts[present] / counts.sum()).tolist()))
    # the scorer only asks whether two characters begin a word (jieba's table holds every
    # prefix): per first character, the characters that can follow it
    seconds: dict[str, set[str]] = {}
    for w in freq:
        if len(w) >= 2:
            seconds.setdefault(w[0], set()).add(w[1])
    return {"logf": logf, "pairs": {a: "".join(sorted(b)) for a, b in sorted(seconds.items())}}


class WordStarts:
    """``pair in starts``: whether the two characters ``pair`` begin a dictionary word.

    Held as first character -> string of possible second characters: loads in a millisecond,
    where a set of the 180,000 pairs takes tens.
    """

    __slots__ = ("_seconds",)

    def __init__(self, seconds: dict[str, str]) -> None:
        self._seconds = seconds

    def __contains__(self, pair: object) -> bool:
        return isinstance(pair, str) and len(pair) == 2 and pair[1] in self._seconds.get(pair[0], "")


@functools.lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, float], WordStarts]:
    """(char -> log10 relative frequency, two-character prefixes of dictionary words).

    Read from the prebuilt table (:mod:`pipeline.normalize.tables`): building it from jieba's
    dictionary costs a second, which a one-page ``zhnews extract`` should not pay.
    """
    from pipeline.normalize.tables import jieba_key, load_table

    table = load_table(TABLE_NAME, jieba_key(), build_tables)
    return table["logf"], WordStarts(table["pairs"])


def warm_up_tables() -> None:
    """Load the frequency tables and build the rare-character class now (once per process)."""
    _rare_chars()


def _mean_logf(simplified: str, logf: dict[str, float]) -> float:
    han = _HAN.findall(simplified)
    if not han:
        return _FLOOR
    return sum(logf.get(ch, _FLOOR) for ch in han) / len(han)


def _pairs_ok(simplified: str, words: WordStarts) -> int:
    return sum(1 for i in range(len(simplified) - 1) if simplified[i : i + 2] in words)


def _redecodings(span: str) -> list[str]:
    """What ``span`` would read as if its bytes had been decoded correctly."""
    try:
        raw = span.encode("gbk")
    except UnicodeEncodeError:
        return []
    out = [raw[1:].decode("gbk", errors="ignore"), (b"\xa1" + raw).decode("gbk", errors="ignore")]
    for start in range(3):
        out.append(raw[start:].decode("utf-8", errors="ignore"))
    return out


def _confirm(orig: str, simplified: str, logf: dict[str, float], words: WordStarts) -> bool:
    """True when a re-decoding of ``orig`` reads markedly better than ``simplified`` (its t2s form)."""
    base = _mean_logf(simplified, logf)
    if base > _MAX_ORIG_LOGF:
        return False
    for alt in _redecodings(orig):
        alt_han = _HAN.findall(alt)
        han = len(alt_han)
        # a decoder that re-synchronised reads the page's own characters again: not evidence
        fresh = sum(1 for ch in alt_han if ch not in orig)
        if han < 2 or fresh * 3 < han * 2:
            continue
        alt_s = convert(alt, "t2s")
        gain = _mean_logf(alt_s, logf) - base
        if gain >= _MIN_GAIN and _pairs_ok(alt_s, words) >= max(1, han // 3):
            return True
    return False


def find_mojibake_spans(text: str, simplified: str | None = None) -> list[tuple[int, int]]:
    """``(start, end)`` offsets of mojibake spans in ``text``, in order.

    ``simplified``, when given, must be ``convert(text, "t2s")`` (saves converting twice).
    """
    if not text:
        return []
    # every replacement run holds one of these characters: most texts skip the regex scan
    has_replacement = "\ufffd" in text or "锟" in text or "烫" in text or "屯" in text
    spans = [m.span() for m in _REPLACEMENT.finditer(text)] if has_replacement else []
    latin1 = _LATIN1_RUN.finditer(text) if _LATIN1_LEAD.search(text) else ()
    for m in latin1:
        try:
            m.group(0).encode("cp1252").decode("utf-8")
        except UnicodeError:
            try:
                m.group(0).encode("latin-1").decode("utf-8")
            except UnicodeError:
                continue
        spans.append(m.span())
    if _HAN_RUN.search(text):
        spans.extend(_han_spans(text, simplified))
    return _merge(spans)


def _stretches(simp: str, rare: re.Pattern[str], words: WordStarts) -> list[tuple[int, int]]:
    """Stretches of ``simp`` (3+ characters, at least one rare) in which no adjacent pair begins a
    dictionary word: the maximal pieces left when ``simp`` is cut after every pair that does.

    Only the neighbourhood of rare characters is examined, so common text costs no Python loop.
    """
    out: list[tuple[int, int]] = []
    n = len(simp)
    covered = 0
    for m in rare.finditer(simp):
        p = m.start()
        if p < covered:
            continue
        s = p
        while s > 0 and simp[s - 1 : s + 1] not in words:
            s -= 1
        e = p  # the stretch ends at the first position whose pair is a word prefix (or the end)
        while e + 1 < n and simp[e : e + 2] not in words:
            e += 1
        covered = e + 1
        if e + 1 - s >= 3:
            out.append((s, e + 1))
    return out


_HAN_TAIL = re.compile(r"[\u4e00-\u9fff]*")


def _rare_runs(text: str, simplified: str, rare: re.Pattern[str]) -> list[tuple[int, int]]:
    """The ``_HAN_RUN`` spans of ``text`` holding a rare character of ``simplified`` (its t2s
    form, of equal length), in order: found from the rare characters, not by visiting every run."""
    out: list[tuple[int, int]] = []
    n = len(text)
    pos = 0
    while pos < n:
        m = rare.search(simplified, pos)
        if m is None:
            break
        p = m.start()
        pos = p + 1
        if not "\u4e00" <= text[p] <= "\u9fff":
            continue
        s = p
        while s > 0 and "\u4e00" <= text[s - 1] <= "\u9fff":
            s -= 1
        e = _HAN_TAIL.match(text, p).end()  # type: ignore[union-attr]
        pos = e
        if e - s >= 3:
            out.append((s, e))
    return out


def _han_spans(text: str, simplified: str | None = None) -> list[tuple[int, int]]:
    logf, words = _tables()
    if simplified is None:
        simplified = convert(text, "t2s")
    aligned = len(simplified) == len(text)
    spans: list[tuple[int, int]] = []
    rare = _rare_chars()
    if aligned and not rare.search(simplified):
        return spans
    runs = _rare_runs(text, simplified, rare) if aligned else (m.span() for m in _HAN_RUN.finditer(text))
    for start, end in runs:
        simp = simplified[start:end] if aligned else convert(text[start:end], "t2s")
        # mojibake stretches always hold rare characters: skip runs of common ones
        if len(simp) != end - start or not rare.search(simp):
            continue
        found = False
        for s, e in _stretches(simp, rare, words):
            a, b = start + s, start + e
            # one character of context on each side completes split byte pairs
            if _confirm(text[a : min(b + 1, len(text))], simp[s:e], logf, words):
                spans.append((a, b))
                found = True
        if found:
            spans.extend(_scan_run(text, simp, start, logf, words))
    return _merge(spans)


def _scan_run(text: str, simp: str, start: int, logf: dict[str, float], words: WordStarts) -> list[tuple[int, int]]:
    """Windows of a run already known to hold mojibake, to cover the whole garbled stretch."""
    out = []
    width = 6
    for k in range(0, max(len(simp) - width + 1, 1), 2):
        a, b = start + k, start + min(k + width, len(simp))
        if _confirm(text[a : min(b + 1, len(text))], simp[k : k + width], logf, words):
            out.append((a, b))
    return out


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def mojibake_score(text: str, simplified: str | None = None) -> float:
    """Share of the text's Han and Latin-1 letters that lie inside mojibake spans (0.0 to 1.0).

    ``simplified``, when given, must be ``convert(text, "t2s")``.
    """
    spans = find_mojibake_spans(text, simplified)
    if not spans:
        return 0.0
    letters = len(text) - len(_LETTER.sub("", text))
    inside = sum(end - start for start, end in spans)
    return min(1.0, inside / max(letters, 1))
