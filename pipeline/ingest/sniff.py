"""Is a text dump really HTML? Saved pages are sometimes named ``.txt``; cleaning their markup
as prose would publish tags as the article, so they go to extraction instead."""

from __future__ import annotations

import re

#: How much of the start of a text is looked at: markup shows itself in the first few KB.
SNIFF_CHARS = 4096
#: Distinct HTML element names in that window that make a text markup rather than prose that
#: mentions a tag or two.
MIN_HTML_ELEMENTS = 3

_DOCUMENT_START = re.compile(r"\A(?:\ufeff)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>])", re.I | re.S)
_ELEMENT = re.compile(
    r"<(html|head|body|meta|title|div|span|p|a|br|table|tr|td|ul|li|script|style|link|img|h[1-6])[\s>/]", re.I
)


def looks_like_html(text: str) -> bool:
    """True when ``text`` starts as an HTML document or its start holds several HTML elements."""
    head = text[:SNIFF_CHARS]
    if _DOCUMENT_START.match(head):
        return True
    return len({m.group(1).lower() for m in _ELEMENT.finditer(head)}) >= MIN_HTML_ELEMENTS
