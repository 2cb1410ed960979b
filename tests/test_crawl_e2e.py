"""A few hundred pages with every fault kind, crawled from a real local server.

Pages: copies of the real pages in ``shared/data/extraction`` (read at test time, never
stored) plus hand-written GBK/Big5/UTF-8 pages without charset, reached from section pages
(link following), a gzipped sitemap behind a sitemap index, and an RSS feed.
"""

from __future__ import annotations

import gzip
import json
import statistics
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from crawl_pages import news_page, section_page
from crawl_server import Route, TestSite

from pipeline.crawl.config import CrawlConfig
from pipeline.crawl.crawler import Crawler, CrawlSummary
from pipeline.crawl.warc import iter_responses

pytestmark = pytest.mark.slow  # crawls a local site end to end

DELAY = 0.02
PER_HOST = 2

#: path -> expected (status, reason) for the fault pages; all reachable from the feed.
FAULTS = {
    "/f/flaky.html": ("done", None),  # 500 once
    "/f/busy.html": ("done", None),  # 429 + Retry-After: 1 once
    "/f/slow-once.html": ("done", None),
    "/f/cut-once.html": ("done", None),
    "/f/dead.html": ("failed", "http_500"),
    "/f/slow.html": ("failed", "timeout"),
    "/f/cut.html": ("failed", "truncated"),
    "/f/loop.html": ("failed", "redirect_loop"),
    "/f/huge.html": ("failed", "too_large"),
    "/f/photo.jpg.html": ("failed", "content_type"),
    "/f/gone.html": ("failed", "http_404"),
    "/private/a.html": ("skipped", "robots"),
    "/private/b.html": ("skipped", "robots"),
}
#: redirects to a page the sitemap lists too: whichever comes first is archived, the other skipped
MOVED = "/f/moved.html"


@dataclass
class Crawled:
    site: TestSite
    out: Path
    summary: CrawlSummary
    originals: dict[str, tuple[bytes, str]]  # path -> (bytes, content type) of fetchable pages
    archived: dict[str, tuple[dict[str, str], bytes]]  # URL -> (headers, body)
    archived_count: Counter[str]
    log: list[dict]


def _build(site: TestSite, shared_data: Path) -> dict[str, tuple[bytes, str]]:
    originals: dict[str, tuple[bytes, str]] = {}

    def page(path: str, body: bytes, ctype: str = "text/html", **kw: object) -> None:
        site.add(path, Route(body, content_type=ctype, **kw))  # type: ignore[arg-type]
        originals[path] = (body, ctype)

    site.add("/robots.txt", Route(b"User-agent: *\nDisallow: /private/\n\nUser-agent: BadBot\nDisallow: /\n",
                                  content_type="text/plain"))
    # real pages, reached through section pages (list pages) two levels deep
    real = sorted((shared_data / "extraction").glob("*/*.html"))
    assert len(real) > 200
    by_section: dict[str, list[str]] = {}
    for i, src in enumerate(real):
        path = f"/news/{src.parent.name}/{i}.html"
        page(path, src.read_bytes())
        by_section.setdefault(src.parent.name, []).append(path)
    sections = []
    for name, paths in by_section.items():
        section = f"/section/{name}.html"
        site.add(section, Route(section_page(name, paths + ["/private/a.html"]).encode()))
        originals[section] = (site.routes[section].body, "text/html")
        sections.append(section)
    # the navigation bar of the hand-written pages links to these
    for nav in ("/", "/news/", "/health/"):
        page(nav, section_page("首页", [f"/local/{i}.html" for i in range(5)]).encode(), "text/html; charset=utf-8")
    # hand-written pages without any charset declaration, from a gzipped sitemap
    own = []
    for i in range(20):
        trad = i % 2 == 1
        body = news_page(i, traditional=trad, charset=None).encode("big5" if trad else "gbk")
        page(f"/local/{i}.html", body)
        own.append(f"/local/{i}.html")
    for i in range(20, 30):
        page(f"/local/{i}.html", news_page(i).encode("utf-8"), "text/html; charset=utf-8")
        own.append(f"/local/{i}.html")
    urlset = "".join(f"<url><loc>{site.url(p)}</loc></url>" for p in own + ["/private/b.html"])
    sitemap = f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urlset}</urlset>'
    site.add("/sitemaps/local.xml.gz", Route(gzip.compress(sitemap.encode()), content_type="application/x-gzip"))
    site.add("/sitemap_index.xml", Route(
        b'<sitemapindex><sitemap><loc>/sitemaps/local.xml.gz</loc></sitemap></sitemapindex>',
        content_type="application/xml"))
    # fault pages, from an RSS feed
    body = news_page(99).encode()
    page("/f/flaky.html", body, fault="error", fail_times=1)
    page("/f/busy.html", body, fault="retry_after", retry_after="1", fail_times=1)
    page("/f/slow-once.html", body, fault="slow", delay=1.0, fail_times=1)
    page("/f/cut-once.html", body, fault="truncate", fail_times=1)
    site.add("/f/dead.html", Route(body, fault="error"))
    site.add("/f/slow.html", Route(body, fault="slow", delay=1.0))
    site.add("/f/cut.html", Route(body, fault="truncate"))
    site.add("/f/loop.html", Route(fault="redirect", location="/f/loop2.html"))
    site.add("/f/loop2.html", Route(fault="redirect", location="/f/loop.html"))
    site.add("/f/huge.html", Route(b"<html><body>" + b"<p>x</p>" * 400_000))
    site.add("/f/photo.jpg.html", Route(b"\xff\xd8\xff\xe0\x00\x10JFIF", content_type="image/jpeg"))
    site.add("/f/moved.html", Route(fault="redirect", status=301, location="/local/3.html"))
    site.add("/private/a.html", Route(body))
    site.add("/private/b.html", Route(body))
    items = "".join(f"<item><title>t</title><link>{site.url(p)}</link></item>" for p in [*FAULTS, MOVED])
    site.add("/rss.xml", Route(f'<?xml version="1.0"?><rss><channel>{items}</channel></rss>'.encode(),
                               content_type="application/rss+xml"))
    return originals


@pytest.fixture(scope="module")
def crawled(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Crawled:
    out = tmp_path_factory.mktemp("crawl")
    with TestSite() as site:
        originals = _build(site, shared_data)
        config = CrawlConfig(delay=DELAY, concurrency=4, per_host_concurrency=PER_HOST, timeout=0.5,
                             backoff=0.02, max_retries=2, max_depth=1, max_bytes=2_000_000,
                             allow_private=True, warc_max_bytes=2_000_000)
        crawler = Crawler(config, out)
        crawler.add_seeds([site.url(p) for p in site.routes if p.startswith("/section/")])
        crawler.add_seeds([site.url("/sitemap_index.xml")], "sitemap")
        crawler.add_seeds([site.url("/rss.xml")], "feed")
        summary = crawler.run()
        crawler.close()
    archived: dict[str, tuple[dict[str, str], bytes]] = {}
    count: Counter[str] = Counter()
    for path in sorted((out / "warc").glob("*.warc.gz")):
        for url, headers, body in iter_responses(path):
            archived[url] = (headers, body)
            count[url] += 1
    log = [json.loads(line) for line in (out / "crawl_log.jsonl").read_text(encoding="utf-8").splitlines()]
    return Crawled(site, out, summary, originals, archived, count, log)


def test_every_fetchable_page_is_archived_exactly_once(crawled: Crawled) -> None:
    site = crawled.site
    expected = {site.url(p) for p in crawled.originals}
    assert len(expected) > 300
    assert set(crawled.archived) == expected
    assert max(crawled.archived_count.values()) == 1
    assert crawled.summary.archived == len(expected)
    assert len(crawled.summary.warc_files) > 1  # rotated by size
    for path, (body, ctype) in crawled.originals.items():
        headers, stored = crawled.archived[site.url(path)]
        assert stored == body, path  # raw bytes, original encoding
        assert headers["Content-Type"] == ctype


def test_every_failure_is_recorded_with_its_reason(crawled: Crawled) -> None:
    final = {row["url"]: row for row in crawled.log}
    for path, (status, reason) in FAULTS.items():
        row = final[crawled.site.url(path)]
        assert (row["status"], row["reason"]) == (status, reason), path
    assert crawled.summary.failed == Counter(
        {r: n for r, n in Counter(r for s, r in FAULTS.values() if s == "failed").items()})
    assert crawled.summary.skipped["robots"] == 2
    retried = final[crawled.site.url("/f/busy.html")]
    assert retried["attempts"] == 2
    moved, target = final[crawled.site.url(MOVED)], final[crawled.site.url("/local/3.html")]
    assert sorted([(moved["status"], moved["reason"]), (target["status"], target["reason"])]) == [
        ("done", None), ("skipped", "duplicate")]
    assert crawled.site.url("/local/3.html") in (moved["final_url"], target["final_url"])
    assert {row["status"] for row in crawled.log} <= {"done", "failed", "skipped"}


def test_robots_txt_is_honoured(crawled: Crawled) -> None:
    paths = crawled.site.paths()
    assert paths["/robots.txt"] == 1
    assert not [p for p in paths if p.startswith("/private/")]


def test_per_host_delay_and_concurrency(crawled: Crawled) -> None:
    times = sorted(h.time for h in crawled.site.hits)
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert len(gaps) > 300
    # request starts are spaced by the delay; arrival jitter on a busy machine shrinks a few
    assert statistics.median(gaps) >= DELAY * 0.95
    assert sum(g < DELAY / 2 for g in gaps) <= len(gaps) * 0.02
    assert max(crawled.site.max_active.values()) <= PER_HOST


def test_retry_after_pauses_the_whole_host(crawled: Crawled) -> None:
    site = crawled.site
    first, retry = (h.time for h in site.requests_for("/f/busy.html"))
    assert retry - first >= 0.95
    # after the 429 nobody asks this host anything until Retry-After has passed
    # (requests already on the wire when it arrived may land just after it)
    quiet = [h for h in site.hits if first + 0.2 < h.time < first + 0.95]
    assert quiet == []


def test_each_url_fetched_once_except_retries(crawled: Crawled) -> None:
    counts = crawled.site.paths()
    retried = {"/f/flaky.html", "/f/busy.html", "/f/slow-once.html", "/f/cut-once.html",
               "/f/dead.html", "/f/slow.html", "/f/cut.html"}
    # /local/3.html is also the target of /f/moved.html's redirect: when both requests are in
    # flight at once (a busy machine changes the timing) it is fetched twice, archived once
    counts["/local/3.html"] -= counts["/local/3.html"] == 2
    for path, n in counts.items():
        assert n == (3 if path in {"/f/dead.html", "/f/slow.html", "/f/cut.html"}
                     else 2 if path in retried else 1), path


def test_warc_pages_give_the_same_articles(crawled: Crawled) -> None:
    from pipeline.errors import InputRejected
    from pipeline.extract import extract_html

    site = crawled.site
    compared = 0
    for path in sorted(crawled.originals)[::6]:
        body, ctype = crawled.originals[path]
        url = site.url(path)
        headers, stored = crawled.archived[url]
        try:
            original = extract_html(body, url=url, content_type=ctype)
        except InputRejected as exc:
            with pytest.raises(InputRejected) as again:
                extract_html(stored, url=url, content_type=headers.get("Content-Type"))
            assert again.value.reason == exc.reason
            continue
        archived = extract_html(stored, url=url, content_type=headers.get("Content-Type"))
        assert archived == original, path
        compared += 1
    assert compared >= 30


def test_the_pipeline_reader_takes_the_warc_files(crawled: Crawled) -> None:
    from pipeline.ingest.discover import discover_inputs
    from pipeline.ingest.readers import iter_documents
    from pipeline.record import Doc

    docs = [d for f in discover_inputs([str(crawled.out / "warc")]) for d in iter_documents(f)]
    assert all(isinstance(d, Doc) for d in docs), [d for d in docs if not isinstance(d, Doc)][:3]
    by_url = {d.url: d for d in docs if isinstance(d, Doc)}
    assert set(by_url) == {crawled.site.url(p) for p in crawled.originals}
    for path, (body, ctype) in crawled.originals.items():
        doc = by_url[crawled.site.url(path)]
        assert doc.raw == body and doc.fetched_at
        assert (doc.http_headers or {}).get("content-type") == ctype


def test_delay_and_concurrency_are_per_host(tmp_path: Path) -> None:
    """Two host names on one server: each host is paced on its own, both are crawled at once."""
    delay = 0.2
    with TestSite() as site:
        urls = []
        for host in ("127.0.0.1", "localhost"):
            for i in range(8):
                site.add(f"/{i}.html", Route(f"<html><title>{i}</title><p>正文</p></html>".encode()))
                urls.append(site.url(f"/{i}.html", host=host))
        crawler = Crawler(CrawlConfig(delay=delay, concurrency=4, per_host_concurrency=1, timeout=5,
                                      allow_private=True), tmp_path)
        crawler.add_seeds(urls)
        started = time.monotonic()
        summary = crawler.run()
        elapsed = time.monotonic() - started
        crawler.close()
    assert summary.archived == 16
    by_host: dict[str, list[float]] = {}
    for hit in site.hits:
        by_host.setdefault(hit.host.split(":")[0], []).append(hit.time)
    assert sorted(by_host) == ["127.0.0.1", "localhost"]
    for times in by_host.values():
        assert len(times) == 9  # robots.txt + 8 pages
        gaps = [b - a for a, b in zip(sorted(times), sorted(times)[1:])]
        assert min(gaps) >= delay * 0.8
    assert max(site.max_active.values()) == 1
    # 8 gaps per host: 1.6 s side by side, at least 3.2 s one host after the other
    assert elapsed < 8 * delay * 1.6
