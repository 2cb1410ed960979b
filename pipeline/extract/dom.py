"""Tree cleaning before scoring: drop non-content elements, hidden nodes and boilerplate boxes."""

from __future__ import annotations

import re

from lxml import etree

from pipeline.extract import settings as S
from pipeline.extract.blocks import text_content
from pipeline.extract.boilerplate import cue_kind

__all__ = ["clean_tree", "strip_noise", "drop_boilerplate", "drop_keep_tail", "cue_text"]

#: Elements that never hold article text.
DROP_TAGS = (
    "script", "style", "noscript", "iframe", "frame", "frameset", "object", "embed", "applet",
    "svg", "canvas", "template", "select", "option", "button", "input", "textarea", "map",
    "link", "meta", "head", "audio", "video", "source", "track", "param", "base", "marquee",
)
#: HTML5 landmarks that hold site furniture.
FURNITURE_TAGS = frozenset({"nav", "footer", "aside", "menu"})
_DISPLAY_NONE = re.compile(r"display\s*:\s*none", re.I)
_VISIBILITY_HIDDEN = re.compile(r"visibility\s*:\s*hidden", re.I)
_SENTENCE = re.compile(r"[，。！？；]")
#: A comment or reply record: a timestamp and a reaction or reply control.
_STAMP = re.compile(r"\d{1,2}[-/月]\d{1,2}日?\s*\d{1,2}:\d\d|\d+\s*(?:分钟|小时|天)前")
_REACTION = re.compile(r"回复|回覆|赞|顶|踩|举报|舉報|引用|盖楼|蓋樓|支持\s*[(（]|反对\s*[(（]")


def drop_keep_tail(el: etree._Element) -> None:
    """Remove ``el`` and its subtree but keep the text that follows it."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def cue_text(el: etree._Element) -> str:
    """The class and id of ``el`` joined, for cue matching."""
    return f"{el.get('class') or ''} {el.get('id') or ''}".strip()


def _sentences(el: etree._Element) -> int:
    return len(_SENTENCE.findall(text_content(el)))


#: Text nodes under an element that are not just whitespace (``text`` and ``tail`` strings
#: that know their element; indentation between tags is most of the rest).
_TEXT_NODES = etree.XPath(".//text()[normalize-space()]")
#: Position of an element in document order (elements that start before it).
_DOC_POSITION = etree.XPath("count(ancestor::*) + count(preceding::*)")


def _own_sentence_counts(scope: etree._Element) -> dict[etree._Element, int]:
    """Sentence marks in each element's own text (its ``text`` and its children's tails)."""
    counts: dict[etree._Element, int] = {}
    findall = _SENTENCE.findall
    for node in _TEXT_NODES(scope):
        n = len(findall(node))
        if n:
            el = node.getparent()
            if node.is_tail:
                el = el.getparent()
            if el is not None:
                counts[el] = counts.get(el, 0) + n
    return counts


def _prose_ancestors(scope: etree._Element, top: int = 2) -> set[etree._Element]:
    """Ancestors of the elements whose own text has the most sentence punctuation.

    A wrapper with a misleading class (``twosidebarL`` around the article) must not be
    removed when it holds the page's densest prose.  Elements with fewer than three marks
    never count; ties go to the element that comes first in the document.
    """
    counts = [(n, el) for el, n in _own_sentence_counts(scope).items() if n >= 3]
    counts.sort(key=lambda item: item[0], reverse=True)
    if len(counts) > top and counts[top][0] == counts[top - 1][0]:
        # a tie at the cut: order the tied elements by document position
        cut = counts[top - 1][0]
        counts = [item for item in counts if item[0] >= cut]
        counts.sort(key=lambda item: (-item[0], _DOC_POSITION(item[1])))
    protected: set[etree._Element] = set()
    for _, el in counts[:top]:
        anc: etree._Element | None = el
        while anc is not None and anc not in protected:
            protected.add(anc)
            anc = anc.getparent()
    return protected


def clean_tree(root: etree._Element) -> None:
    """Both cleaning phases: :func:`strip_noise` then :func:`drop_boilerplate`."""
    strip_noise(root)
    drop_boilerplate(root)


def _hidden(el: etree._Element) -> bool:
    if el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return True
    style = el.get("style") or ""
    if _DISPLAY_NONE.search(style):
        return True
    # Pages that fade their article in keep it ``visibility:hidden`` until a script runs.
    return bool(_VISIBILITY_HIDDEN.search(style)) and _sentences(el) < S.REVEALED_PROSE


_MAYBE_HIDDEN = etree.XPath("//*[@style or @hidden or @aria-hidden]")


def strip_noise(root: etree._Element) -> None:
    """Remove scripts, styles, form controls, embedded media and hidden nodes in place.

    A ``visibility:hidden`` node holding several sentences is kept: it is the article that
    a script reveals on load, as on WeChat pages.
    """
    etree.strip_elements(root, *DROP_TAGS, with_tail=False)
    for el in _MAYBE_HIDDEN(root):
        if _hidden(el):
            drop_keep_tail(el)


def _is_comment_list(el: etree._Element) -> bool:
    """At least three same-looking children, most of them stamped and with reply/like controls."""
    groups: dict[tuple[str, str], list[etree._Element]] = {}
    for child in el:
        if isinstance(child.tag, str):
            groups.setdefault((child.tag, child.get("class") or ""), []).append(child)
    items = max(groups.values(), key=len, default=[])
    if len(items) < S.COMMENT_LIST_MIN_ITEMS:
        return False
    needed = max(S.COMMENT_LIST_MIN_ITEMS, int(S.COMMENT_LIST_STAMPED_SHARE * len(items)))
    hits = misses = 0
    for item in items:
        text = text_content(item)
        if len(text) <= S.COMMENT_MAX_CHARS and _STAMP.search(text) and _REACTION.search(text):
            hits += 1
            if hits >= needed:
                return True
        else:
            misses += 1
            if misses > len(items) - needed:
                return False
    return False


#: ``scope`` and its descendants with at least three child nodes besides text (``len(el) >= 3``).
_LIST_CANDIDATES = etree.XPath("descendant-or-self::*[count(*|comment()|processing-instruction()) >= 3]")


def drop_comment_lists(scope: etree._Element, changed: set[etree._Element] | None = None) -> None:
    """Remove lists of reader comments, unless they are all the prose the page has
    (a forum thread whose posts are the article).  Ancestors of removed lists go to ``changed``."""
    text = text_content(scope)
    # an item of a comment list holds a time stamp and a reaction word: so does the whole text
    if not (_STAMP.search(text) and _REACTION.search(text)):
        return
    total = len(_SENTENCE.findall(text))
    lists = [el for el in _LIST_CANDIDATES(scope) if _is_comment_list(el)]
    for el in lists:
        if el.getparent() is None:
            continue
        inside = _sentences(el)
        if total - inside >= S.PROSE_LEFT_MIN_SENTENCES:
            _remove(el, changed if changed is not None else set())
            total -= inside


def _remove(el: etree._Element, changed: set[etree._Element]) -> None:
    """:func:`drop_keep_tail`, noting ``el``'s ancestors (their subtrees change) in ``changed``."""
    anc = el.getparent()
    while anc is not None and anc not in changed:
        changed.add(anc)
        anc = anc.getparent()
    drop_keep_tail(el)


def drop_boilerplate(root: etree._Element) -> set[etree._Element]:
    """Remove elements whose class/id or landmark tag marks site furniture, and comment
    lists (:func:`drop_comment_lists`), in place; returns the elements whose subtree changed
    (the ancestors of removed elements).

    An element whose class/id says navigation, footer, comments, related articles ... is
    removed unless it also carries a content cue or holds the page's densest prose (a
    wrapper named ``twosidebarL`` must not take the article with it).
    """
    body = root.find("body")
    scope = body if body is not None else root
    total = max(1, _sentences(scope))
    protected = _prose_ancestors(scope)
    marked: list[etree._Element] = []
    elements = scope.iter(etree.Element)
    next(elements)  # scope itself
    for el in elements:
        if el.tag not in FURNITURE_TAGS:
            cls, ident = el.get("class"), el.get("id")
            if not (cls or ident):
                continue
            cues = f"{cls or ''} {ident or ''}".strip()  # cue_text(el)
            if not cues:
                continue
            negative, positive = cue_kind(cues)
            if not negative or positive:
                continue
        marked.append(el)
    # Document order: outer elements first; descendants of a removed one are already gone.
    removed: set[etree._Element] = set()
    changed: set[etree._Element] = set()
    for el in marked:
        anc = el.getparent()
        while anc is not None and anc not in removed:
            anc = anc.getparent()
        if anc is not None:
            continue
        if el in protected:
            continue
        count = _sentences(el)
        if count >= S.PROSE_LEFT_MIN_SENTENCES and count > S.DENSE_PROSE_SHARE * total:
            continue
        removed.add(el)
        _remove(el, changed)
    drop_comment_lists(scope, changed)
    return changed
