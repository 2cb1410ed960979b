"""Main-content detection: score containers by the paragraphs they hold, then filter leaks.

Each text block scores ``1 + Chinese punctuation + min(chars / 50, 4)``, scaled down by its
link density; the score flows to the block's container and, decaying, to three more
ancestors.  A container's final score is scaled by its own link density and shifted by
class/id cues (``zhengwen``, ``content`` vs ``footer``, ``xgyd``).  Blocks that are mostly
link, and the title + summary pairs of story lists, vote for no container.  The best container
and its high-scoring siblings form the article; on a blog archive, a forum thread or a page
whose comments outweigh the article, the first post (the article) is taken instead.  Inside
the article, link lists, box headings with the short lines that follow them, teasers,
credits, disclaimers and dateline strips are dropped.  Tuning values: :mod:`.settings`.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable

from lxml import etree

from pipeline.extract import settings as S
from pipeline.extract.blocks import Block, text_content
from pipeline.extract.boilerplate import (
    cue_kind,
    is_boilerplate_line,
    is_box_heading,
    is_meta_line,
)
from pipeline.extract.dom import cue_text

__all__ = ["article_paragraphs", "block_score", "filter_blocks", "select_content", "teaser_blocks"]

_PUNCT = re.compile(r"[，。！？；、：“”「」『』,;!?]")
_SENTENCE_END = re.compile(r"[。！？!?…」”』）)]\s*$")
_FULL_STOP = re.compile(r"[。；]")
#: A post or comment header: a day and a time of day (``2011-12-9 21:14``, ``08-11 16:58``).
_STAMP = re.compile(r"\d{1,2}[-/.月]\d{1,2}日?\s*\d{1,2}[:：]\d\d")
_PARAGRAPH_LIKE = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "pre",
                             "blockquote", "figcaption", "caption", "tr", "th"})


def block_score(block: Block) -> float:
    """How much a block looks like running prose."""
    if block.chars < S.BLOCK_MIN_CHARS:
        return 0.0
    score = 1.0 + len(_PUNCT.findall(block.text)) + min(block.chars / S.LENGTH_UNIT, S.LENGTH_CAP)
    return score * (1.0 - block.link_density) ** 2


def _title_link(block: Block) -> bool:
    """A link line of headline length: a story title in a list."""
    return (block.link_density > S.DROP_LINK_DENSITY
            and S.TITLE_LINK_MIN_CHARS <= block.chars <= S.TITLE_LINK_MAX_CHARS
            and not _FULL_STOP.search(block.text))


def _summary(block: Block) -> bool:
    """A short piece of prose that can summarise a story under its title."""
    return (S.TEASER_MIN_CHARS <= block.chars <= S.TEASER_MAX_CHARS
            and block.link_density <= S.DROP_LINK_DENSITY and block_score(block) >= S.FALLBACK_MIN_SCORE)


def _common_ancestor(a: etree._Element, b: etree._Element) -> etree._Element | None:
    seen = set(a.iterancestors())
    seen.add(a)
    for el in [b, *b.iterancestors()]:
        if el in seen:
            return el
    return None


def _stamp_line(block: Block) -> bool:
    """A post or comment header: a name and a time stamp, no sentence."""
    return (block.chars <= S.STAMP_LINE_MAX_CHARS and bool(_STAMP.search(block.text))
            and not _FULL_STOP.search(block.text))


def teaser_blocks(blocks: list[Block]) -> set[int]:
    """Indices of the items of story lists and flat comment lists (header + short text).

    A short text right after a title link (a story's summary) or after a name-and-time line
    (a comment) is an item when at least ``TEASER_MIN_PAIRS`` such pairs follow each other
    with at most ``TEASER_MAX_GAP`` blocks (a date, a source) between them: a related-story
    box, a "more news" stream, the comments under an article.  Their texts read like prose
    but belong to other stories or other writers.  When comments are all the prose a page
    has (a thread of short posts), the first one is the opening post and stays.
    """
    out: set[int] = set()
    for header in (_title_link, _stamp_line):
        pairs = [i for i in range(1, len(blocks)) if header(blocks[i - 1]) and _summary(blocks[i])]
        run: list[int] = []
        for i in [*pairs, None]:
            # blocks strictly between the previous item's text and this header
            if i is None or (run and i - run[-1] - 2 > S.TEASER_MAX_GAP):
                if len(run) >= S.TEASER_MIN_PAIRS:
                    if header is _stamp_line and not _prose_before(blocks, run[0] - 1):
                        run = run[1:]
                    out.update(j for k in run for j in (k - 1, k))
                run = []
            if i is not None:
                run.append(i)
    return out


def _prose_before(blocks: list[Block], index: int) -> bool:
    return any(b.chars >= S.BOX_PROSE_MIN_CHARS and block_score(b) >= S.FALLBACK_MIN_SCORE
               for b in blocks[:index])


def _cue_factor(el: etree._Element) -> float:
    cues = cue_text(el)
    if not cues:
        return 1.0
    factor = 1.0
    negative, positive = cue_kind(cues)
    if positive:
        factor *= S.POSITIVE_CUE_FACTOR
    if negative:
        factor *= S.NEGATIVE_CUE_FACTOR
    return factor


class _Scores:
    """Per container: final score, characters, link characters, first block index."""

    def __init__(self, blocks: list[Block], void: set[int]) -> None:
        raw: dict[etree._Element, float] = defaultdict(float)
        self.chars: dict[etree._Element, int] = defaultdict(int)
        self.links: dict[etree._Element, int] = defaultdict(int)
        self.first: dict[etree._Element, int] = {}
        for index, block in enumerate(blocks):
            s = 0.0 if index in void else block_score(block)
            owner = block.owner
            el: etree._Element | None = owner if owner.tag not in _PARAGRAPH_LIKE else owner.getparent()
            for weight in S.ANCESTOR_WEIGHTS:
                if el is None:
                    break
                raw[el] += s * weight
                el = el.getparent()
            el = owner
            while el is not None:
                self.chars[el] += block.chars
                self.links[el] += block.link_chars
                self.first.setdefault(el, index)
                el = el.getparent()
        self.final: dict[etree._Element, float] = {}
        for el, s in raw.items():
            self.final[el] = s * (1.0 - self.density(el)) * _cue_factor(el) + S.TAG_BONUS.get(el.tag, 0.0)

    def density(self, el: etree._Element) -> float:
        chars = self.chars[el]
        return self.links[el] / chars if chars else 1.0


def _stamped(el: etree._Element) -> bool:
    """Whether ``el`` opens with a post header: a time stamp among its first characters."""
    return bool(_STAMP.search(text_content(el).lstrip()[: S.STAMP_WINDOW]))


def _post_list(top: etree._Element, sc: _Scores) -> tuple[etree._Element, list[etree._Element]] | None:
    """The list of stamped posts or comments that ``top`` is one of (or is), with its items.

    Items are same-tag, same-class children of one parent, each opening with a time stamp and
    holding prose of its own (a dateline strip beside an article is not a post).
    """
    def items_of(parent: etree._Element, tag: str, cls: str | None) -> list[etree._Element]:
        return [c for c in parent if c.tag == tag and c.get("class") == cls
                and sc.chars.get(c, 0) and _stamped(c) and _prose_inside(c, sc)]

    groups = Counter((c.tag, c.get("class")) for c in top if isinstance(c.tag, str))
    for (tag, cls), count in groups.most_common(1):
        if count >= 2:
            items = items_of(top, tag, cls)
            if len(items) >= 2:
                return top, items
    el = top
    for parent in top.iterancestors():
        items = items_of(parent, el.tag, el.get("class"))
        if len(items) >= 2 and el in items:
            return parent, items
        el = parent
    return None


def _prose_inside(el: etree._Element, sc: _Scores) -> bool:
    return any(sc.final.get(d, 0.0) >= S.FIRST_POST_MIN_SCORE for d in el.iter(etree.Element))


def _precedes(a: etree._Element, b: etree._Element, sc: _Scores) -> bool:
    """``a`` starts before ``b`` and neither holds the other."""
    if a is b or _common_ancestor(a, b) in (a, b):
        return False
    return sc.first.get(a, 0) < sc.first.get(b, 0)


def _first_post(top: etree._Element, sc: _Scores) -> etree._Element:
    """The article when ``top`` is one post among several.

    * A blog archive lists posts in same-classed containers that are not siblings: the
      article is the first post, whatever the length of the others.
    * ``top`` is (or sits in) a list of stamped posts or comments: the article is the best
      container before the list (a blog entry above its comments), else the list's first
      item (a forum thread's opening post).
    """
    final = sc.final
    cls = top.get("class")
    if cls:
        parent = top.getparent()
        for el, score in final.items():  # dict order is document order of the blocks
            if el is top:
                break
            if (el.tag == top.tag and el.get("class") == cls and el.getparent() is not parent
                    and score >= S.FIRST_POST_MIN_SCORE):
                return el
    found = _post_list(top, sc)
    if found is None:
        return top
    holder, items = found
    before = [el for el, score in final.items()
              if score >= S.FIRST_POST_MIN_SCORE and _precedes(el, holder, sc)]
    if before:
        return max(before, key=final.__getitem__)
    first = items[0]
    if first is top or _common_ancestor(first, top) is first:
        return top
    inner = [el for el in first.iter(etree.Element) if final.get(el, 0.0) >= S.FIRST_POST_MIN_SCORE]
    return max(inner, key=final.__getitem__) if inner else first


def _prose_paragraph(sib: etree._Element, sc: _Scores) -> bool:
    """A sibling ``<p>`` that reads as a paragraph of the article."""
    chars = sc.chars.get(sib, 0)
    if sib.tag != "p" or not chars:
        return False
    density = sc.density(sib)
    if chars > S.PROSE_SIBLING_CHARS and density < S.PROSE_SIBLING_LINK_DENSITY:
        return True
    return density == 0 and chars > S.SHORT_SIBLING_CHARS and bool(_SENTENCE_END.search(text_content(sib).strip()))


def _squash(text: str) -> str:
    return "".join(text.split())


def _lead(chosen: set[etree._Element], parent: etree._Element, sc: _Scores) -> etree._Element | None:
    """The element right before the article's first part when it is one link-free sentence
    or paragraph: a lead or summary set apart from the body (it continues the headline)."""
    first = next((c for c in parent if c in chosen), None)
    if first is None:
        return None
    for sib in first.itersiblings(preceding=True):
        if not isinstance(sib.tag, str) or not sc.chars.get(sib, 0):
            continue
        chars = sc.chars[sib]
        text = text_content(sib).strip()
        # a picture's caption reads like a lead: a lead holds no picture
        if (sc.links[sib] == 0 and S.SHORT_SIBLING_CHARS < chars <= S.LEAD_MAX_CHARS
                and next(sib.iter("img", "figure"), None) is None
                and _SENTENCE_END.search(text) and len(_PUNCT.findall(text)) >= S.LEAD_MIN_PUNCT
                and not is_meta_line(text) and not is_boilerplate_line(text)
                and _squash(text) not in _squash(text_content(first))):  # a summary repeating the opening
            return sib
        return None
    return None


_HAN_PAIR = re.compile(r"(?=([\u4e00-\u9fff]{2}))")


def _pairs(text: str) -> set[str]:
    return set(_HAN_PAIR.findall(text))


def _continuity(el: etree._Element, headline: str, pairs: set[str]) -> float:
    """Share of the headline's character pairs found in the opening of ``el`` (the headline
    itself removed: a container holding the ``<h1>`` repeats it)."""
    text = _squash(text_content(el)).replace(_squash(headline), "")[: S.CONTINUITY_CHARS]
    return len(pairs & _pairs(text)) / len(pairs)


def _continues_headline(top: etree._Element, sc: _Scores, headline: str | None) -> etree._Element:
    """``top``, or a strong container whose text continues the headline when ``top``'s does
    not: another story (a featured piece in a side column) must not replace the article."""
    if not headline:
        return top
    pairs = _pairs(_squash(headline))
    if len(pairs) < S.CONTINUITY_MIN_PAIRS or _continuity(top, headline, pairs) >= S.CONTINUITY_LOW:
        return top
    floor = sc.final[top] * S.CONTINUITY_SCORE_SHARE
    best, best_score = top, 0.0
    for el, score in sc.final.items():
        if score < floor or score <= best_score or _common_ancestor(el, top) in (el, top):
            continue
        if _continuity(el, headline, pairs) >= S.CONTINUITY_HIGH:
            best, best_score = el, score
    return best


def select_content(blocks: list[Block], teasers: set[int] | None = None,
                   headline: str | None = None) -> set[etree._Element]:
    """The elements that hold the article (the best container and kindred siblings)."""
    void = {i for i, b in enumerate(blocks) if b.link_density > S.VOID_LINK_DENSITY}
    sc = _Scores(blocks, void | (teasers or set()))
    final = sc.final
    if not final:
        return set()
    top = max(final, key=final.__getitem__)
    if final[top] <= 0:
        return set()
    top = _continues_headline(top, sc, headline)
    top = _first_post(top, sc)
    top_score = final[top]
    chosen = {top}
    parent = top.getparent()
    if parent is None:
        return chosen
    threshold = max(S.SIBLING_MIN_SCORE, top_score * S.SIBLING_SHARE)
    top_class = top.get("class")
    # a post's siblings are the other posts (comments, replies): they never join it
    in_list = _post_list(top, sc) is not None or _stamped(top)
    for sib in parent:
        if sib is top or not isinstance(sib.tag, str):
            continue
        if in_list and _stamped(sib):
            continue
        bonus = top_score * S.SAME_CLASS_BONUS if top_class and sib.get("class") == top_class else 0.0
        if final.get(sib, 0.0) + bonus >= threshold or _prose_paragraph(sib, sc):
            chosen.add(sib)
    lead = _lead(chosen, parent, sc)
    if lead is not None:
        chosen.add(lead)
    return chosen


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
        prose = (block.chars >= S.BOX_PROSE_MIN_CHARS and block.link_density < S.BOX_PROSE_MAX_LINK_DENSITY
                 and bool(_PUNCT.search(text)))
        if in_box:
            if not prose:
                continue
            in_box = False
        if block.link_density > S.DROP_LINK_DENSITY:
            continue
        if is_boilerplate_line(text) or is_meta_line(text):
            continue
        out.append(text)
    return out


def article_paragraphs(blocks: list[Block], headline: str | None = None) -> list[str]:
    """The article's paragraphs, or an empty list when no container stands out.

    ``headline``, the page's title, tells the article from another story when both are long.
    """
    teasers = teaser_blocks(blocks)
    chosen = select_content(blocks, teasers, headline)
    if chosen:
        paragraphs = filter_blocks(b for i, b in enumerate(blocks)
                                   if i not in teasers and _inside(b.owner, chosen))
        if paragraphs and sum(map(len, paragraphs)) >= S.MIN_ARTICLE_CHARS:
            return paragraphs
    # Fallback: every prose-like block on the page.
    return filter_blocks(b for b in blocks
                         if block_score(b) >= S.FALLBACK_MIN_SCORE and b.link_density < S.FALLBACK_MAX_LINK_DENSITY)
