"""Input guards and parsing: bytes or text to an lxml tree, or a precise reject reason."""

from __future__ import annotations

import functools
import re
import threading
from dataclasses import dataclass

from lxml import etree

from pipeline.errors import InputRejected
from pipeline.ingest.decode import ENCODING_ERRORS_FLAG, declared_charset, decode_text

__all__ = ["Limits", "decode_page", "parse_tree"]

_MAGIC = (
    (b"%PDF", "PDF"),
    (b"\x89PNG", "PNG image"),
    (b"GIF8", "GIF image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"PK\x03\x04", "ZIP archive"),
    (b"\x1f\x8b", "gzip stream"),
    (b"BM", None),  # too short to be sure alone; checked with NUL bytes below
    (b"\x7fELF", "ELF binary"),
    (b"RIFF", "RIFF media"),
    (b"OggS", "Ogg media"),
    (b"\xd0\xcf\x11\xe0", "OLE document"),
    (b"Rar!", "RAR archive"),
    (b"7z\xbc\xaf", "7z archive"),
)
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27))
_TAG = re.compile(r"<(?:[A-Za-z][\w:-]*)(?:\s[^<>]*)?/?>")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")  # U+FFFD is mojibake, judged by normalize


@dataclass(frozen=True, slots=True)
class Limits:
    """Resource limits for one page; exceeding one gives a reject, never a crash."""

    max_bytes: int = 10 * 1024 * 1024
    max_depth: int = 200
    max_nodes: int = 200_000

    def __post_init__(self) -> None:
        if self.max_bytes <= 0 or self.max_depth <= 0 or self.max_nodes <= 0:
            raise ValueError("limits must be positive")


def _check_binary(data: bytes) -> None:
    head = data[:16]
    for magic, kind in _MAGIC:
        if kind and head.startswith(magic):
            raise InputRejected("binary_input", f"{kind} signature, not an HTML page")
    sample = data[:4096]
    if sample.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")):
        return  # UTF-16 and UTF-32 text has NUL bytes
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if controls > max(16, len(sample) // 20):
        raise InputRejected("binary_input", f"{controls} control bytes in the first 4 KiB: not a text page")


def decode_page(data: bytes | str, content_type: str | None,
                limits: Limits) -> tuple[str, str | None, int, list[str]]:
    """Check size and kind of ``data`` and return ``(text, codec, encoding_errors, flags)``.

    ``codec`` is None when the caller already passed text.  ``flags`` holds
    ``charset_mismatch`` when the page declared a charset that does not decode it, and
    ``encoding_errors`` when some invalid bytes were read as U+FFFD (``encoding_errors`` of them).
    """
    flags: list[str] = []
    errors = 0
    if isinstance(data, str):
        if len(data) > limits.max_bytes:
            raise InputRejected("too_large", f"{len(data)} characters > max_bytes={limits.max_bytes}")
        text, codec = data, None
    else:
        if len(data) > limits.max_bytes:
            raise InputRejected("too_large", f"{len(data)} bytes > max_bytes={limits.max_bytes}")
        if not data or data.isspace():  # ``not data.strip()`` without copying the page
            raise InputRejected("empty_input", "no bytes besides whitespace")
        _check_binary(data)
        decoded = decode_text(data, content_type)
        text, codec, errors = decoded.text, decoded.codec, decoded.errors
        declared = declared_charset(data, content_type)
        if declared and codec and declared != codec and not codec.startswith("utf-16"):
            flags.append("charset_mismatch")
        if errors:
            flags.append(ENCODING_ERRORS_FLAG)
    if not text or text.isspace():
        raise InputRejected("empty_input", "no text besides whitespace")
    sample = text[:65536]
    if len(_CONTROL.findall(sample)) > max(16, len(sample) // 100):
        raise InputRejected("binary_input", "control characters throughout: not a text page")
    if not _TAG.search(text):
        raise InputRejected("not_html", "no HTML tag found")
    return text, codec, errors, flags


_local = threading.local()


def _parser() -> etree.HTMLParser:
    parser = getattr(_local, "parser", None)
    if parser is None:
        parser = etree.HTMLParser(
            encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True,
            collect_ids=False, default_doctype=False,
        )
        _local.parser = parser
    return parser


_COUNT_ELEMENTS = etree.XPath("count(//*)")


@functools.lru_cache(maxsize=8)
def _deeper_than(depth: int) -> etree.XPath:
    """Compiled test: does any element sit deeper than ``depth``."""
    return etree.XPath("boolean(/" + "*/" * depth + "*)")


def parse_tree(text: str, limits: Limits) -> etree._Element:
    """Parse decoded HTML; reject on excessive depth or node count, or an empty tree."""
    parser = _parser()
    try:
        root = etree.fromstring(text.encode("utf-8", "replace"), parser)
    except etree.ParserError as exc:
        raise InputRejected("not_html", f"HTML parser found no document: {exc}") from exc
    for entry in parser.error_log:
        if "Excessive depth" in entry.message:
            raise InputRejected("too_deep", f"DOM deeper than the parser's limit ({entry.message})")
    if root is None:
        raise InputRejected("no_article", "the page parses to an empty tree")
    # Counted by XPath in C: the node total, and whether any element sits deeper than allowed.
    if _COUNT_ELEMENTS(root) > limits.max_nodes:
        raise InputRejected("too_many_nodes", f"more than max_nodes={limits.max_nodes} elements")
    if _deeper_than(limits.max_depth)(root):
        raise InputRejected("too_deep", f"DOM depth > max_depth={limits.max_depth}")
    return root
