"""Bytes to text for Chinese pages: BOM, HTTP and meta declarations, then detection.

Order of evidence: a byte-order mark; the HTTP ``Content-Type`` charset; the page's own
``<meta charset>`` / ``http-equiv`` declaration; finally charset-normalizer.  A declared
charset is only trusted when the bytes decode cleanly with it (many pages declare gb2312 and
are UTF-8, or declare nothing).  GB2312 and GBK are decoded as GB18030, their superset, so
characters outside GB2312 that real pages use do not turn into mojibake.  A page that one codec
reads except for a few bad bytes is decoded with them replaced by U+FFFD (counted in
:attr:`Decoded.errors`); it is rejected only when no codec reads it.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from pipeline.errors import InputRejected
from pipeline.ingest.settings import MAX_ENCODING_ERROR_SHARE, MAX_ENCODING_ERRORS, MIXED_MIN_SHARE

#: Quality flag of a document whose input had invalid bytes, read as U+FFFD.
ENCODING_ERRORS_FLAG = "encoding_errors"


@dataclass(frozen=True, slots=True)
class Decoded:
    """Decoded text, the codec that read it and how many invalid byte sequences became U+FFFD."""

    text: str
    codec: str
    errors: int = 0

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?\s*([A-Za-z0-9_\-:.]+)", re.I)

#: Declared names mapped to the codec that really decodes what sites send under that name.
_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "gb_2312-80": "gb18030",
    "cp936": "gb18030",
    "hz-gb-2312": "gb18030",
    "big5": "big5hkscs",
    "big5-hkscs": "big5hkscs",
    "x-big5": "big5hkscs",
    "cp950": "big5hkscs",
    "utf8": "utf-8",
    "unicode": "utf-8",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
}


def canonical_codec(name: str | None) -> str | None:
    """Normalize a declared charset name to a Python codec, or None if unknown."""
    if not name:
        return None
    key = name.strip().strip("\"'").lower()
    key = _ALIASES.get(key, key)
    try:
        return codecs.lookup(key).name
    except LookupError:
        return None


def declared_charset(data: bytes, content_type: str | None = None) -> str | None:
    """The charset a page or its HTTP header declares (header first), as a codec name."""
    if content_type:
        match = _HEADER_CHARSET.search(content_type)
        if match:
            codec = canonical_codec(match.group(1))
            if codec:
                return codec
    declared = _META_CHARSET.search(data[:8192])
    if declared:
        return canonical_codec(declared.group(1).decode("ascii", "ignore"))
    return None


def _clean_decode(data: bytes, codec: str) -> str | None:
    """``data`` decoded strictly; a page cut inside its last character loses that character."""
    try:
        return data.decode(codec)
    except LookupError:
        return None
    except UnicodeDecodeError as exc:
        if exc.start < len(data) - 4:
            return None
        try:
            return data[: exc.start].decode(codec)
        except UnicodeDecodeError:
            return None


_HAN = re.compile("[\u4e00-\u9fff]+")


def _chinese_codec_bias(data: bytes) -> str | None:
    """Among UTF-8, GB18030 and Big5, the one that decodes cleanly and gives the most Han."""
    best: tuple[float, str] | None = None
    for codec in ("utf-8", "gb18030", "big5hkscs"):
        text = _clean_decode(data, codec)
        if text is None:
            continue
        han = len(text) - len(_HAN.sub("", text))
        score = han / max(1, len(text))
        if codec == "utf-8":
            score += 0.05  # a clean UTF-8 decode of non-ASCII bytes is strong evidence
        if best is None or score > best[0]:
            best = (score, codec)
    return best[1] if best else None


#: Shift_JIS hiragana and katakana byte pairs: frequent in Japanese, rare characters in GBK.
_ASCII_BYTES = bytes(range(0x80))
_SJIS_KANA = re.compile(rb"\x82[\x9f-\xf1]|\x83[\x40-\x96]")


def _looks_shift_jis(data: bytes) -> bool:
    """Japanese Shift_JIS bytes, which GB18030 also decodes "cleanly" (into nonsense)."""
    sample = data[:65536]
    high = len(sample.translate(None, _ASCII_BYTES))
    kana = len(_SJIS_KANA.findall(sample))
    return high > 0 and kana * 2 * 5 > high and _clean_decode(data, "cp932") is not None


_ASCII_RUN = re.compile(rb"([\x00-\x7f]+)")


def _utf8_errors(run: bytes) -> int:
    """Invalid sequences in ``run`` read as UTF-8 (real U+FFFD characters not counted)."""
    return run.decode("utf-8", "replace").count("\ufffd") - run.count(b"\xef\xbf\xbd")


def _decode_run(run: bytes) -> tuple[str, str, int]:
    """One run of non-ASCII bytes: ``(text, codec, replaced characters)``."""
    # a valid UTF-8 run of 3+ bytes is almost never GBK or Big5 by chance
    for codec in ("utf-8", "gb18030", "big5hkscs") if len(run) >= 3 else ("gb18030", "big5hkscs"):
        try:
            return run.decode(codec), codec, 0
        except UnicodeDecodeError:
            pass
    return run.decode("utf-8", "replace"), "utf-8", _utf8_errors(run)


@dataclass(frozen=True, slots=True)
class _RunByRun:
    """A page decoded run by run, and how many of its non-ASCII bytes each kind of run held."""

    decoded: Decoded
    utf8_bytes: int  # in runs that are valid UTF-8
    other_bytes: int  # in runs that only GB18030 or Big5 read

    @property
    def mixed(self) -> bool:
        """Substantial parts in UTF-8 and in another codec: a page of two encodings."""
        high = self.utf8_bytes + self.other_bytes
        return min(self.utf8_bytes, self.other_bytes) >= MIXED_MIN_SHARE * high


def _decode_damaged(data: bytes) -> _RunByRun | None:
    """Each run of non-ASCII bytes on its own: UTF-8 when valid, else GB18030 or Big5, else
    UTF-8 with its few bad bytes as U+FFFD.  For pages that mix GBK and UTF-8 (a template and
    an article from different systems) or UTF-8 with a few corrupted bytes.  None when more
    than a few characters would be replaced."""
    parts: list[str] = []
    used: set[str] = set()
    bad = high = utf8 = other = 0
    for index, run in enumerate(_ASCII_RUN.split(data)):
        if index % 2:  # ASCII separators
            parts.append(run.decode("ascii"))
            continue
        if not run:
            continue
        text, codec, errors = _decode_run(run)
        parts.append(text)
        used.add(codec)
        high += len(run)
        bad += errors
        if not errors:
            if codec == "utf-8":
                utf8 += len(run)
            else:
                other += len(run)
    if high == 0 or bad > max(4, high // 200):
        return None
    return _RunByRun(Decoded("".join(parts), "+".join(sorted(used)), bad), utf8, other)


def error_limit(size: int) -> int:
    """Invalid byte sequences tolerated in ``size`` bytes (see the settings)."""
    return max(MAX_ENCODING_ERRORS, int(size * MAX_ENCODING_ERROR_SHARE))


#: Lead bytes of the common characters of the double-byte codecs (GB2312 level 1, Big5's
#: frequent block): text read in step has most of its characters there, text read one byte off
#: (after a damaged byte) a share no larger than the range's.
_COMMON_LEADS = {"gb18030": range(0xB0, 0xD8), "big5hkscs": range(0xA4, 0xC7)}
_RESYNC_WINDOW = 48


def _in_step(data: bytes, start: int, codec: str) -> int:
    """How well ``data[start:]`` reads in ``codec`` from ``start`` on: common characters and
    ASCII in the next few bytes, less for each invalid sequence."""
    text = data[start:start + _RESYNC_WINDOW].decode(codec, "replace")
    leads = _COMMON_LEADS[codec]
    score = 0
    for char in text:
        if char == "\ufffd":
            score -= 4
        elif char < "\x80" or "\u3000" <= char <= "\u303f" or "\uff00" <= char <= "\uffef":
            score += 1
        elif "\u4e00" <= char <= "\u9fff":
            try:
                score += char.encode(codec)[0] in leads
            except UnicodeEncodeError:
                pass
    return score


def _resync(exc: UnicodeError) -> tuple[str, int]:
    """Decode error handler: a U+FFFD, then go on from whichever of the next byte offsets reads
    best (a double-byte codec resumes out of step after a damaged lead byte and reads the rest
    of the line as other, valid characters)."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    codec = codecs.lookup(exc.encoding).name
    if codec not in _COMMON_LEADS:
        return "\ufffd", exc.end
    data = bytes(exc.object)
    options = sorted({exc.start + 1, exc.end, exc.end + 1} - {len(data) + 1})
    return "\ufffd", max(options, key=lambda start: (_in_step(data, start, codec), -start))


codecs.register_error("zhnews-resync", _resync)


def _replaced(data: bytes, codec: str) -> Decoded | None:
    """``data`` decoded with invalid sequences as U+FFFD (the page's own U+FFFD not counted)."""
    try:
        text = data.decode(codec, "zhnews-resync")
        own = data.count("\ufffd".encode(codec))
    except LookupError:
        return None
    except UnicodeEncodeError:  # the codec cannot hold U+FFFD itself
        own = 0
    return Decoded(text, codec, text.count("\ufffd") - own)


def _han_share(text: str) -> float:
    return (len(text) - len(_HAN.sub("", text))) / max(1, len(text))


def _decode_nearly(data: bytes, declared: str | None) -> Decoded | None:
    """The codec that reads all but a few bytes of ``data`` (at most :func:`error_limit`):
    the declared one when it does, else the one with the fewest bad bytes, then the most Han."""
    limit = error_limit(len(data))
    fits = [d for codec in dict.fromkeys(c for c in (declared, "utf-8", "gb18030", "big5hkscs") if c)
            if (d := _replaced(data, codec)) is not None and d.errors <= limit]
    if not fits:
        return None
    if declared and fits[0].codec == declared:
        return fits[0]
    return min(fits, key=lambda d: (d.errors, -_han_share(d.text)))


def decode_bytes(data: bytes, content_type: str | None = None) -> tuple[str, str]:
    """``(text, codec_used)`` of :func:`decode_text`."""
    decoded = decode_text(data, content_type)
    return decoded.text, decoded.codec


def decode_text(data: bytes, content_type: str | None = None) -> Decoded:
    """Decode ``data``; NUL characters are dropped.

    Raises :class:`InputRejected` (``binary_input``) when the bytes are not text in any
    encoding we can trust, ``undecodable`` when no encoding reads them.
    """
    decoded = _decode(data, content_type)
    if "\x00" in decoded.text:
        decoded = Decoded(decoded.text.replace("\x00", ""), decoded.codec, decoded.errors)
    return decoded


def _decode(data: bytes, content_type: str | None) -> Decoded:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            text = _clean_decode(data, codec)
            if text is not None:
                return Decoded(text, codec)
    if b"\x00" in data[:4096] and data[:4096].count(b"\x00") > 16:
        raise InputRejected("binary_input", "NUL bytes in the first 4 KiB: not a text page")
    declared = declared_charset(data, content_type)
    if declared:
        text = _clean_decode(data, declared)
        if text is not None:
            return Decoded(text, declared)
    if all(b < 0x80 for b in data[:65536]) and _clean_decode(data, "ascii") is not None:
        return Decoded(data.decode("ascii"), "ascii")
    guess = _chinese_codec_bias(data)
    if guess == "gb18030" and _looks_shift_jis(data):
        guess = "cp932"
    text = _clean_decode(data, guess) if guess else None
    if guess and text is not None:
        return Decoded(text, guess)
    # no codec reads every byte: a page of two encodings is read run by run, a page with a few
    # damaged bytes with the one codec that reads the rest
    damaged = _decode_damaged(data)
    if damaged is not None and damaged.mixed:
        return damaged.decoded
    nearly = _decode_nearly(data, declared)
    if nearly is not None:
        return nearly
    if damaged is not None:
        return damaged.decoded
    from charset_normalizer import from_bytes

    match = from_bytes(data).best()
    if match is None:
        raise InputRejected("undecodable", "no encoding decodes these bytes as text")
    codec = canonical_codec(match.encoding) or match.encoding
    return Decoded(str(match), codec)
