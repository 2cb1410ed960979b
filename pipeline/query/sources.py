"""The outlet an article comes from, as one display name for charts, tables and ``--source``.

In order: the ``source`` the page or record named (a ``来源：`` line, a meta tag, a JSONL field);
an outlet the text opens with (``央视网消息（新闻联播）：``, ``新华社北京1月2日电``); the site of the
article's URL (``www.`` and mobile prefixes dropped); ``[file name]`` of the input; ``(unknown)``.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from pipeline.clean.meta import lead_outlet

UNKNOWN = "(unknown)"

_SOURCE_LABEL = re.compile(r"^\s*(?:来源|來源|出处|出處|稿源)\s*[:：]\s*")
_HOST_PREFIXES = ("www.", "m.", "wap.", "mobile.")


def clean_source(value: str | None) -> str | None:
    """A named source without its label, brackets and surrounding spaces (None when empty)."""
    if not value:
        return None
    text = _SOURCE_LABEL.sub("", value).strip().strip("【】[]《》<>").strip()
    return " ".join(text.split()) or None


def url_site(url: str | None) -> str | None:
    """The host of ``url`` without ``www.``/mobile prefixes (None when there is no host)."""
    if not url:
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    if not host:
        return None
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") > 1:
            host = host[len(prefix):]
            break
    return host


def source_name(source: str | None, url: str | None = None, text: str | None = None,
                source_path: str | None = None) -> str:
    """The display name of an article's outlet (see the module docstring for the order)."""
    name = clean_source(source) or lead_outlet(text) or url_site(url)
    if name:
        return name
    if source_path:
        return f"[{PurePosixPath(str(source_path)).name}]"
    return UNKNOWN
