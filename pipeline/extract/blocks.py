"""Flatten a cleaned tree into text blocks: one per paragraph, ``<br>`` run or table row."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

__all__ = ["Block", "BLOCK_TAGS", "iter_blocks", "normalize_space", "text_content"]

BLOCK_TAGS = frozenset(
    "p div td th tr table tbody thead tfoot caption li ul ol dl dt dd h1 h2 h3 h4 h5 h6 section "
    "article header footer main blockquote pre center form fieldset legend figure figcaption "
    "address nav aside body html hr details summary".split()
)
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_CJK = r"\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"
_WRAP = re.compile(rf"(?<=[{_CJK}])[ \t]*[\r\n][\s]*(?=[{_CJK}])")
_SPACE = re.compile(r"[\s\u200b\u200c\u200d\ufeff]+")


_STRING_VALUE = etree.XPath("string()", smart_strings=False)


def text_content(el: etree._Element) -> str:
    """All text inside ``el`` (XPath ``string()``, compiled once: ``el.xpath`` compiles per call)."""
    return _STRING_VALUE(el)


def normalize_space(text: str) -> str:
    """Join source-code line wraps between Chinese characters and collapse other whitespace."""
    if text.isspace():  # most text between tags: ``\s`` and ``str.isspace`` agree
        return ""
    if "\n" in text or "\r" in text:
        text = _WRAP.sub("", text)
    return _SPACE.sub(" ", text).strip()


@dataclass(slots=True)
class Block:
    """A run of text the page shows as one paragraph."""

    text: str
    chars: int  # non-space characters
    link_chars: int  # of which inside <a>
    owner: etree._Element  # nearest block-level element
    heading: bool

    @property
    def link_density(self) -> float:
        return self.link_chars / self.chars if self.chars else 0.0


def _is_data_row(tr: etree._Element) -> bool:
    cells = [c for c in tr if isinstance(c.tag, str)]
    if len(cells) < 2 or any(c.tag not in ("td", "th") for c in cells):
        return False
    for cell in cells:
        for sub in cell.iter():
            if sub is not cell and isinstance(sub.tag, str) and sub.tag in BLOCK_TAGS:
                return False
    return len(text_content(tr)) <= 300


def _is_real_link(a: etree._Element) -> bool:
    """An ``<a href>`` that is a link, not an unclosed tag swallowing the rest of the page."""
    if a.get("href") is None:
        return False
    if len(a) == 0:
        return True
    return len(text_content(a)) <= 200


#: Per block element of a walk: (inside a link, first block, end block) of the blocks it made.
Spans = dict[etree._Element, tuple[bool, int, int]]


class _Walker:
    def __init__(self, record: Spans | None = None,
                 reuse: tuple[list[Block], Spans, set[etree._Element]] | None = None) -> None:
        self.blocks: list[Block] = []
        self.parts: list[str] = []
        self.link_chars = 0
        self.record = record
        self.reuse = reuse

    def add(self, text: str, in_link: bool) -> None:
        self.parts.append(text)
        if in_link:
            self.link_chars += len(text) - text.count(" ") - text.count("\n") - text.count("\t")

    def flush(self, owner: etree._Element) -> None:
        parts = self.parts
        if not parts:
            return
        text = "".join(parts) if len(parts) > 1 else parts[0]
        parts.clear()
        links, self.link_chars = self.link_chars, 0
        if not text or text.isspace():
            return
        text = normalize_space(text)
        if not text:
            return
        chars = len(text) - text.count(" ")
        heading = owner.tag in HEADINGS
        self.blocks.append(Block(text, chars, min(links, chars), owner, heading))

    def walk(self, el: etree._Element, owner: etree._Element, in_link: bool) -> None:
        tag = el.tag
        parts = self.parts
        if tag == "br":
            if parts:
                self.flush(owner)
            return
        if tag == "tr" and _is_data_row(el):
            self.flush(owner)
            cells = [normalize_space(text_content(c)) for c in el if isinstance(c.tag, str)]
            links = sum(len(text_content(a).replace(" ", "")) for a in el.iter("a"))
            self.add(" ".join(c for c in cells if c), False)
            self.link_chars = links
            self.flush(el)
            return
        is_block = tag in BLOCK_TAGS
        if is_block:
            if parts:
                self.flush(owner)
            if self.reuse is not None and self._reused(el, in_link):
                return
            owner = el
            first = len(self.blocks)
        elif tag == "a" and not in_link:
            in_link = _is_real_link(el)
        # add() inlined: this loop runs for every element of every page
        text = el.text
        if text:
            parts.append(text)
            if in_link:
                self.link_chars += _link_len(text)
        walk = self.walk
        for child in el:
            if type(child.tag) is str:  # comments and PIs have a function as tag
                walk(child, owner, in_link)
            tail = child.tail
            if tail:
                parts.append(tail)
                if in_link:
                    self.link_chars += _link_len(tail)
        if is_block:
            if parts:
                self.flush(owner)
            if self.record is not None:
                self.record[el] = (in_link, first, len(self.blocks))

    def _reused(self, el: etree._Element, in_link: bool) -> bool:
        """Copy the blocks an earlier walk made inside ``el`` when its subtree is unchanged.

        A block element starts and ends with a flush, so its blocks depend on its subtree
        (and on whether it sits in a link) only.
        """
        blocks, spans, changed = self.reuse  # type: ignore[misc]
        span = spans.get(el)
        if span is None or span[0] != in_link or el in changed:
            return False
        self.blocks.extend(blocks[span[1]:span[2]])
        return True


def _link_len(text: str) -> int:
    return len(text) - text.count(" ") - text.count("\n") - text.count("\t")


def iter_blocks(root: etree._Element, record: Spans | None = None,
                reuse: tuple[list[Block], Spans, set[etree._Element]] | None = None) -> list[Block]:
    """All text blocks under ``root`` in document order.

    ``record`` collects, per block element, the span of blocks it made.  ``reuse`` is
    ``(blocks, spans, changed)`` of an earlier walk of the same tree (``record`` filled then)
    and the elements whose subtree changed since: block elements outside ``changed`` take
    their blocks from that walk instead of being walked again.
    """
    walker = _Walker(record, reuse)
    walker.walk(root, root, False)
    walker.flush(root)
    return walker.blocks
