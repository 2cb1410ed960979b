"""Main-content detection: score containers by the paragraphs they hold, then filter leaks.

Each text block scores ``1 + Chinese punctuation + min(chars / 50, 4)``, scaled down by its
link density; the score flows to the block's container and, decaying, to three more
ancestors.  A container's final score is scaled by its own link density and shifted by
class/id cues (``zhengwen``, ``content`` vs ``footer``, ``xgyd``).  The best container and
its high-scoring siblings form the article; inside it, link lists, box headings with the
short lines that follow them, credits, disclaimers and dateline strips are dropped.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from lxml import etree

from pipeline.extract.blocks import Block, text_content
from pipeline.extract.boilerplate import (
    cue_kind,
    is_boilerplate_line,
    is_box_heading,
    is_meta_line,
)
from pipeline.extract.dom import cue_text

__all__ = ["article_paragraphs", "block_score", "filter_blocks", "select_content"]

_PUNCT = re.compile(r"[，。！？；、：“”「」『』,;!?]")
_SENTENCE_END = re.compile(r"[。！？!?…」”』）)]\s*$")
_PARAGRAPH_LIKE = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "pre",
                             "blockquote", "figcaption", "caption", "tr", "th"})
_TAG_BONUS = {"div": 5.0, "article": 15.0, "main": 10.0, "section": 3.0, "td": 3.0, "pre": 3.0,
              "blockquote": 3.0, "form": -3.0, "ul": -3.0, "ol": -3.0, "dl": -3.0, "li": -3.0,
              "body": -5.0, "html": -10.0, "tbody": -1.0, "table": -1.0}
_ANCESTOR_WEIGHTS = (1.0, 0.5, 0.25, 0.125)


def block_score(block: Block) -> float:
    """How much a block looks like running prose."""
    if block.chars < 6:
        return 0.0
    score = 1.0 + len(_PUNCT.findall(block.text)) + min(block.chars / 50.0, 4.0)
    return score * (1.0 - block.link_density) ** 2


def _cue_factor(el: etree._Element) -> float:
    cues = cue_text(el)
    if not cues:
        return 1.0
    factor = 1.0
    negative, positive = cue_kind(cues)
    if positive:
        factor *= 1.5
    if negative:
        factor *= 0.5
    return factor


def select_content(blocks: list[Block]) -> set[etree._Element]:
    """The elements that hold the article (the best container and kindred siblings)."""
    scores: dict[etree._Element, float] = defaultdict(float)
    chars: dict[etree._Element, int] = defaultdict(int)
    links: dict[etree._Element, int] = defaultdict(int)
    for block in blocks:
        s = block_score(block)
        owner = block.owner
        el: etree._Element | None = owner if owner.tag not in _PARAGRAPH_LIKE else owner.getparent()
        for weight in _ANCESTOR_WEIGHTS:
            if el is None:
                break
            scores[el] += s * weight
            el = el.getparent()
        el = owner
        while el is not None:
            chars[el] += block.chars
            links[el] += block.link_chars
            el = el.getparent()
    if not scores:
        return set()
    final: dict[etree._Element, float] = {}
    for el, s in scores.items():
        density = links[el] / chars[el] if chars[el] else 1.0
        final[el] = s * (1.0 - density) * _cue_factor(el) + _TAG_BONUS.get(el.tag, 0.0)
    top = max(final, key=final.__getitem__)
    top_score = final[top]
    if top_score <= 0:
        return set()
    top = _first_post(top, final)
    top_score = final[top]
    chosen = {top}
    parent = top.getparent()
    if parent is not None:
        threshold = max(10.0, top_score * 0.2)
        top_class = top.get("class")
        for sib in parent:
            if sib is top or not isinstance(sib.tag, str):
                continue
            bonus = top_score * 0.2 if top_class and sib.get("class") == top_class else 0.0
            if final.get(sib, 0.0) + bonus >= threshold:
                chosen.add(sib)
                continue
            if sib.tag == "p" and chars[sib]:
                density = links[sib] / chars[sib]
                text = text_content(sib).strip()
                if (chars[sib] > 80 and density < 0.25) or (
                    density == 0 and chars[sib] > 20 and _SENTENCE_END.search(text)
                ):
                    chosen.add(sib)
    return chosen


def _first_post(top: etree._Element, final: dict[etree._Element, float]) -> etree._Element:
    """On a page listing several posts in same-classed, non-sibling containers (a blog
    archive), the article is the first post, not the longest one."""
    cls = top.get("class")
    if not cls:
        return top
    parent = top.getparent()
    for el, score in final.items():  # dict order is document order of the blocks
        if el is top:
            break
        if (el.tag == top.tag and el.get("class") == cls and el.getparent() is not parent
                and score >= max(10.0, 0.1 * final[top])):
            return el
    return top


def _inside(el: etree._Element, chosen: set[etree._Element]) -> bool:
    while el is not None:
        if el in chosen:
            return True
        el = el.getparent()
    return False


def filter_blocks(blocks: Iterable[Block]) -> list[str]:
    """Paragraph texts of ``blocks`` with link lists, boxes, credits and leak lines removed."""
    out: list[str] = []
    in_box = False
    for block in blocks:
        text = block.text
        if is_box_heading(text):
            in_box = True
            continue
        prose = block.chars >= 40 and block.link_density < 0.3 and bool(_PUNCT.search(text))
        if in_box:
            if not prose:
                continue
            in_box = False
        if block.link_density > 0.5:
            continue
        if is_boilerplate_line(text) or is_meta_line(text):
            continue
        out.append(text)
    return out


def article_paragraphs(blocks: list[Block]) -> list[str]:
    """The article's paragraphs, or an empty list when no container stands out."""
    chosen = select_content(blocks)
    if chosen:
        paragraphs = filter_blocks(b for b in blocks if _inside(b.owner, chosen))
        if paragraphs and sum(map(len, paragraphs)) >= 10:
            return paragraphs
    # Fallback: every prose-like block on the page.
    return filter_blocks(b for b in blocks if block_score(b) >= 3 and b.link_density < 0.3)
