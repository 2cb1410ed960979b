"""Finding article URLs: sitemaps (and indexes, gzipped or not), RSS/Atom feeds, page links.

XML is parsed without entity expansion, DTD loading or network access (no billion-laughs,
no XXE), and gzip is inflated only up to a size limit (no zip bombs).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from urllib.parse import urljoin

import lxml.html
from lxml import etree

from pipeline.crawl.urls import normalize_url
from pipeline.errors import InputRejected

GZIP_MAGIC = b"\x1f\x8b"


def gunzip_limited(data: bytes, max_bytes: int) -> bytes:
    """Inflate gzip ``data``; raises ``InputRejected('too_large')`` past ``max_bytes``."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, max_bytes + 1)
    except zlib.error as exc:
        raise InputRejected("bad_gzip", str(exc)) from exc
    if len(out) > max_bytes or inflater.unconsumed_tail:
        raise InputRejected("too_large", f"gzip inflates past {max_bytes} bytes")
    return out


def _safe_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
        recover=True, remove_comments=True, remove_pis=True,
    )


def parse_xml(data: bytes, max_bytes: int) -> etree._Element:
    """A safely parsed XML root, gunzipping first when the bytes are gzip."""
    if data[:2] == GZIP_MAGIC:
        data = gunzip_limited(data, max_bytes)
    elif len(data) > max_bytes:
        raise InputRejected("too_large", f"XML over {max_bytes} bytes")
    try:
        root = etree.fromstring(data.lstrip(), _safe_parser())
    except etree.XMLSyntaxError as exc:
        raise InputRejected("bad_xml", str(exc)) from exc
    if root is None:
        raise InputRejected("bad_xml", "empty document")
    return root


def _local(tag: object) -> str:
    return etree.QName(tag).localname.lower() if isinstance(tag, str) else ""


def _text(element: etree._Element) -> str:
    return "".join(element.itertext()).strip()


@dataclass(slots=True)
class Discovered:
    """URLs found in one discovery document: pages to fetch and further sitemaps."""

    pages: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)


def _add(urls: list[str], raw: str, base: str) -> None:
    url = normalize_url(urljoin(base, raw.strip())) if raw and raw.strip() else None
    if url and url not in urls:
        urls.append(url)


def parse_sitemap(data: bytes, base_url: str, max_bytes: int) -> Discovered:
    """Pages of a ``<urlset>``, child sitemaps of a ``<sitemapindex>``, or a plain-text list."""
    found = Discovered()
    stripped = (gunzip_limited(data, max_bytes) if data[:2] == GZIP_MAGIC else data).lstrip()
    if not stripped.startswith(b"<"):
        for line in stripped.decode("utf-8", "replace").splitlines():
            if line.strip().startswith(("http://", "https://")):
                _add(found.pages, line, base_url)
        return found
    root = parse_xml(stripped, max_bytes)
    kind = _local(root.tag)
    for element in root.iter():
        if _local(element.tag) != "loc":
            continue
        parent = _local(element.getparent().tag) if element.getparent() is not None else ""
        if kind == "sitemapindex" or parent == "sitemap":
            _add(found.sitemaps, _text(element), base_url)
        elif parent == "url":
            _add(found.pages, _text(element), base_url)
    return found


def parse_feed(data: bytes, base_url: str, max_bytes: int) -> Discovered:
    """Item links of an RSS 0.9x/1.0/2.0 or Atom feed."""
    found = Discovered()
    root = parse_xml(data, max_bytes)
    for item in root.iter():
        name = _local(item.tag)
        if name not in ("item", "entry"):
            continue
        link = None
        for child in item:
            cname = _local(child.tag)
            if cname == "link":
                href = child.get("href")
                if href and child.get("rel", "alternate") == "alternate":
                    link = href
                    break
                if not href and _text(child):
                    link = _text(child)
                    break
            elif cname == "guid" and child.get("isPermaLink", "true") == "true" and link is None:
                text = _text(child)
                if text.startswith(("http://", "https://")):
                    link = text
        if link:
            _add(found.pages, link, base_url)
    return found


def extract_links(body: bytes, base_url: str) -> list[str]:
    """Normalized absolute http(s) links of an HTML page, in page order, without ``nofollow``."""
    if not body.strip():
        return []
    try:
        doc = lxml.html.document_fromstring(body)
    except (etree.ParserError, ValueError):
        return []
    base = base_url
    for element in doc.iter("base"):
        if element.get("href"):
            base = urljoin(base_url, element.get("href"))
            break
    links: list[str] = []
    for anchor in doc.iter("a", "area"):
        href = anchor.get("href")
        if not href or "nofollow" in (anchor.get("rel") or "").lower():
            continue
        if href.strip().lower().startswith(("javascript:", "mailto:", "tel:", "#")):
            continue
        _add(links, href, base)
    return links
