"""Unit tests of the crawler's pure pieces: URLs, addresses, politeness, robots, discovery,
frontier and WARC files."""

from __future__ import annotations

import gzip
import io
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from warcio.archiveiterator import ArchiveIterator

from pipeline.crawl.addresses import AddressRefused, checked_addresses, is_public_address
from pipeline.crawl.discover import extract_links, gunzip_limited, parse_feed, parse_sitemap
from pipeline.crawl.fetch import Exchange, looks_like_html, parse_retry_after
from pipeline.crawl.frontier import Frontier, Outcome
from pipeline.crawl.politeness import HostScheduler
from pipeline.crawl.robots import RobotsCache, parse_robots
from pipeline.crawl.urls import LinkFilter, normalize_url, site_of
from pipeline.crawl.warc import FRONTIER_FIELD, WarcWriter, encode_page, recover_file
from pipeline.errors import InputRejected

# -- URLs -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("HTTP://News.Example.CN:80/a/../b/./2023-05/08/c_1.htm?b=2&a=1#comments",
         "http://news.example.cn/b/2023-05/08/c_1.htm?a=1&b=2"),
        ("https://www.example.cn:443/doc.shtml?utm_source=wechat&id=7", "https://www.example.cn/doc.shtml?id=7"),
        ("http://example.cn", "http://example.cn/"),
        ("http://example.cn:8080/x", "http://example.cn:8080/x"),
        ("  http://example.cn/新闻/1.html ", "http://example.cn/%E6%96%B0%E9%97%BB/1.html"),
        ("ftp://example.cn/file", None),
        ("file:///etc/passwd", None),
        ("javascript:void(0)", None),
        ("http://example.cn:99999/", None),
    ],
)
def test_normalize_url(raw: str, expected: str | None) -> None:
    assert normalize_url(raw) == expected


def test_link_filter_include_exclude_and_site() -> None:
    flt = LinkFilter(include=[r"/\d{4}-\d{2}/\d{2}/"], exclude=[r"/video/"])
    sites = {site_of("http://www.example.cn/")}
    assert flt.follow("http://example.cn/2023-05/08/c_1.htm", sites)
    assert not flt.follow("http://example.cn/video/2023-05/08/c_1.htm", sites)
    assert not flt.follow("http://example.cn/about.html", sites)  # no date in the path
    assert not flt.follow("http://other.cn/2023-05/08/c_1.htm", sites)  # another site
    assert not flt.follow("http://example.cn/2023-05/08/photo.jpg", sites)  # not a page
    assert LinkFilter().follow("http://example.cn/about.html", sites)


# -- addresses ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "public"),
    [("8.8.8.8", True), ("2001:4860:4860::8888", True), ("127.0.0.1", False), ("10.0.0.5", False),
     ("172.16.3.4", False), ("192.168.1.1", False), ("169.254.169.254", False), ("100.64.0.1", False),
     ("::1", False), ("fe80::1%eth0", False), ("fd00::1", False), ("::ffff:10.0.0.1", False),
     ("0.0.0.0", False), ("224.0.0.251", False)],
)
def test_is_public_address(address: str, public: bool) -> None:
    assert is_public_address(address) is public


def test_checked_addresses_refuses_if_any_address_is_private() -> None:
    def resolver(host: str, port: int) -> list[str]:
        return {"mixed.test": ["93.184.216.34", "10.0.0.7"], "public.test": ["93.184.216.34"]}[host]

    assert checked_addresses("public.test", 80, resolver) == ["93.184.216.34"]
    with pytest.raises(AddressRefused, match="10.0.0.7"):
        checked_addresses("mixed.test", 80, resolver)
    with pytest.raises(AddressRefused):
        checked_addresses("localhost", 80)  # the real resolver


# -- politeness -----------------------------------------------------------------------------


def test_scheduler_spaces_request_starts_per_host() -> None:
    sched = HostScheduler(delay=0.05, per_host=4)
    starts: list[float] = []
    for _ in range(4):
        with sched.slot("a.cn"):
            starts.append(time.monotonic())
    gaps = [b - a for a, b in zip(starts, starts[1:])]
    assert min(gaps) >= 0.049
    t0 = time.monotonic()
    with sched.slot("b.cn"):  # another host does not wait for a.cn
        assert time.monotonic() - t0 < 0.03


def test_scheduler_caps_concurrency_and_honours_pause() -> None:
    sched = HostScheduler(delay=0.0, per_host=2)
    active, peak, lock = [0], [0], threading.Lock()

    def work() -> None:
        with sched.slot("h"):
            with lock:
                active[0] += 1
                peak[0] = max(peak[0], active[0])
            time.sleep(0.02)
            with lock:
                active[0] -= 1

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert peak[0] == 2
    sched.pause("h", 0.1)
    t0 = time.monotonic()
    with sched.slot("h"):
        assert time.monotonic() - t0 >= 0.09


def test_scheduler_crawl_delay_never_lowers_the_default() -> None:
    sched = HostScheduler(delay=0.05)
    sched.set_delay("low", 0.0)  # robots.txt cannot make us faster than configured
    sched.set_delay("high", 0.15)
    for host, expected in (("low", 0.05), ("high", 0.15)):
        with sched.slot(host):
            t0 = time.monotonic()
        with sched.slot(host):
            assert expected - 0.005 <= time.monotonic() - t0 < expected + 0.05


# -- robots ---------------------------------------------------------------------------------

UA = "zhnews-crawler/0.1 (+research crawl; contact: someone@example.org)"


def test_robots_rules_and_status_semantics() -> None:
    body = (b"User-agent: *\nDisallow: /private/\nDisallow: /*?print=\nCrawl-delay: 3\n\n"
            b"User-agent: zhnews-crawler\nDisallow: /search\nAllow: /search/help\nCrawl-delay: 2\n")
    rules = parse_robots(200, body)
    assert not rules.allowed("http://h.cn/search?q=1", UA)
    assert rules.allowed("http://h.cn/search/help", UA)
    assert rules.allowed("http://h.cn/private/x", UA)  # our group replaces the * group
    assert rules.crawl_delay(UA) == 2.0
    star = parse_robots(200, b"User-agent: *\nDisallow: /*?print=\n")
    assert not star.allowed("http://h.cn/a.html?print=1", UA)
    assert star.allowed("http://h.cn/a.html", UA)
    assert parse_robots(404, b"").allowed("http://h.cn/anything", UA)
    assert not parse_robots(503, b"").allowed("http://h.cn/anything", UA)
    assert not parse_robots(None, b"").allowed("http://h.cn/anything", UA)


def test_robots_cache_fetches_once_per_host() -> None:
    fetched: list[str] = []

    def fetch(url: str) -> tuple[int | None, bytes]:
        fetched.append(url)
        return 200, b"User-agent: *\nDisallow: /x/\n"

    cache = RobotsCache(fetch, UA)
    assert not cache.allowed("http://a.cn/x/1.html")
    assert cache.allowed("http://a.cn/y/1.html")
    assert cache.allowed("http://b.cn:8080/y/1.html")
    assert fetched == ["http://a.cn/robots.txt", "http://b.cn:8080/robots.txt"]


# -- fetch helpers --------------------------------------------------------------------------


def test_parse_retry_after() -> None:
    now = datetime(2024, 3, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("120", now) == 120.0
    later = (now + timedelta(seconds=30)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert parse_retry_after(later, now) == 30.0
    assert parse_retry_after("Fri, 01 Mar 2024 11:00:00 GMT", now) == 0.0
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after(None, now) is None


def test_looks_like_html() -> None:
    assert looks_like_html(b"\n  <!DOCTYPE html><html>")
    assert looks_like_html(b"<?xml version='1.0'?><html xmlns='x'>")
    assert not looks_like_html(b"\x89PNG\r\n")
    assert not looks_like_html(b'{"a": 1}')


# -- discovery ------------------------------------------------------------------------------

SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>http://example.cn/2023-05/08/c_1.htm</loc><lastmod>2023-05-08</lastmod></url>
  <url><loc> http://example.cn/2023-05/08/c_2.htm?utm_source=x </loc></url>
  <url><loc>http://example.cn/2023-05/08/c_1.htm#top</loc></url>
</urlset>"""


def test_sitemap_urlset_index_and_gzip() -> None:
    found = parse_sitemap(SITEMAP, "http://example.cn/sitemap.xml", 10**6)
    assert found.pages == ["http://example.cn/2023-05/08/c_1.htm", "http://example.cn/2023-05/08/c_2.htm"]
    index = b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <sitemap><loc>http://example.cn/sm/news-1.xml.gz</loc></sitemap>
      <sitemap><loc>/sm/news-2.xml</loc></sitemap></sitemapindex>"""
    found = parse_sitemap(index, "http://example.cn/sitemap_index.xml", 10**6)
    assert found.sitemaps == ["http://example.cn/sm/news-1.xml.gz", "http://example.cn/sm/news-2.xml"]
    assert found.pages == []
    gz = parse_sitemap(gzip.compress(SITEMAP), "http://example.cn/s.xml.gz", 10**6)
    assert len(gz.pages) == 2
    text = parse_sitemap(b"http://example.cn/a.html\n\nhttp://example.cn/b.html\n", "http://example.cn/s.txt", 10**6)
    assert text.pages == ["http://example.cn/a.html", "http://example.cn/b.html"]


def test_gzip_bomb_and_oversize_xml_are_refused() -> None:
    bomb = gzip.compress(b"<urlset>" + b" " * 5_000_000 + b"</urlset>")
    assert len(bomb) < 10_000
    with pytest.raises(InputRejected, match="too_large"):
        parse_sitemap(bomb, "http://example.cn/s.xml.gz", 1_000_000)
    with pytest.raises(InputRejected, match="too_large"):
        gunzip_limited(bomb, 1_000_000)
    assert gunzip_limited(gzip.compress(b"abc"), 3) == b"abc"


def test_xml_entities_are_not_expanded() -> None:
    laughs = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<urlset><url><loc>http://example.cn/&lol3;</loc></url><url><loc>http://example.cn/&xxe;</loc></url></urlset>"""
    found = parse_sitemap(laughs, "http://example.cn/s.xml", 10**6)
    assert all("lollol" not in u and "root" not in u for u in found.pages)


def test_feeds_rss_and_atom() -> None:
    rss = """<?xml version="1.0" encoding="gb2312"?><rss version="2.0"><channel><title>新闻</title>
    <link>http://example.cn/</link>
    <item><title>一</title><link>http://example.cn/2023-05/08/c_1.htm</link></item>
    <item><title>二</title><guid isPermaLink="true">http://example.cn/2023-05/08/c_2.htm</guid></item>
    <item><title>三</title><guid isPermaLink="false">tag:example.cn,2023:3</guid></item>
    </channel></rss>""".encode("gb2312")
    assert parse_feed(rss, "http://example.cn/rss.xml", 10**6).pages == [
        "http://example.cn/2023-05/08/c_1.htm", "http://example.cn/2023-05/08/c_2.htm"]
    atom = b"""<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
      <link href="http://example.cn/"/>
      <entry><link rel="related" href="http://other.cn/x"/><link href="/a/1.html"/></entry>
      <entry><link rel="alternate" type="text/html" href="http://example.cn/a/2.html"/></entry></feed>"""
    assert parse_feed(atom, "http://example.cn/atom.xml", 10**6).pages == [
        "http://example.cn/a/1.html", "http://example.cn/a/2.html"]


def test_extract_links_from_a_real_looking_page() -> None:
    page = """<html><head><meta charset="gbk"><base href="/news/"></head><body>
    <a href="2023-05/08/c_1.htm">一</a><a href="../2023-05/08/c_1.htm#p2">重复</a>
    <a href="javascript:void(0)">无</a><a href="mailto:x@example.cn">信</a>
    <a href="http://ads.example.net/click" rel="nofollow sponsored">广告</a>
    <a href="/about.html">关于<p>未闭合</body>""".encode("gbk")
    assert extract_links(page, "http://example.cn/index.html") == [
        "http://example.cn/news/2023-05/08/c_1.htm", "http://example.cn/2023-05/08/c_1.htm",
        "http://example.cn/about.html"]
    assert extract_links(b"", "http://example.cn/") == []


# -- frontier -------------------------------------------------------------------------------


def test_frontier_claim_finish_and_resume(tmp_path: Path) -> None:
    front = Frontier(tmp_path / "f.sqlite")
    assert front.add(["http://a.cn/1", "http://a.cn/2", "http://b.cn/1"]) == 3
    assert front.add(["http://a.cn/1"]) == 0
    front.add(["http://a.cn/sitemap.xml"], kind="sitemap")
    first = front.claim(10)
    # discovery documents first, then one URL per host per call
    assert [e.url for e in first] == ["http://a.cn/sitemap.xml", "http://b.cn/1"]
    assert [e.url for e in front.claim(10, busy_hosts=["a.cn"])] == []
    second = front.claim(10)
    assert [e.url for e in second] == ["http://a.cn/1"]
    front.finish(second[0], Outcome("done", http_status=200, final_url="http://a.cn/1.html",
                                    warc_file="x.warc.gz", warc_offset=10),
                 found=[("http://a.cn/3", "page", 1), ("http://a.cn/1", "page", 1)])
    assert front.archived_as("http://a.cn/1.html") == "http://a.cn/1"
    assert front.status_of("http://a.cn/3") == ("queued", None)
    front.close()
    # a crawl killed with URLs handed out puts them back in the queue
    again = Frontier(tmp_path / "f.sqlite")
    assert again.archived_count() == 1
    assert {e.url for e in again.claim(10)} == {"http://a.cn/sitemap.xml", "http://b.cn/1"}
    assert again.mark_archived("http://a.cn/2", "http://a.cn/2", "y.warc.gz", 5)
    assert not again.mark_archived("http://a.cn/2", "http://a.cn/2", "y.warc.gz", 5)
    assert again.archived_count() == 2


# -- WARC -----------------------------------------------------------------------------------


def _exchange(i: int, body: bytes) -> Exchange:
    return Exchange(
        url=f"http://a.cn/news/{i}.html", requested_url=f"http://a.cn/n?id={i}",
        request_headers=[("Host", "a.cn"), ("User-Agent", UA)], status=200, reason="OK",
        http_version="HTTP/1.1",
        response_headers=[("Content-Type", "text/html"), ("Content-Encoding", "gzip"),
                          ("Content-Length", "17"), ("Set-Cookie", "a=1")],
        body=body, fetched_at=datetime(2024, 3, 1, 12, 0, 5, tzinfo=UTC), ip="1.2.3.4")


def test_warc_records_read_back_with_warcio() -> None:
    body = "<html><title>医护</title><p>正文内容</p></html>".encode("gbk")
    data, offset = encode_page(_exchange(1, body))
    records, bodies = [], []
    for record in ArchiveIterator(io.BytesIO(data)):
        records.append(record)
        bodies.append(record.content_stream().read())
    assert [r.rec_type for r in records] == ["request", "response"]
    assert bodies[1] == body
    response = records[1]
    assert response.rec_headers.get_header("WARC-Target-URI") == "http://a.cn/news/1.html"
    assert response.rec_headers.get_header("WARC-Date") == "2024-03-01T12:00:05Z"
    assert response.rec_headers.get_header(FRONTIER_FIELD) == "http://a.cn/n?id=1"
    assert response.rec_headers.get_header("WARC-IP-Address") == "1.2.3.4"
    assert records[0].rec_headers.get_header("WARC-Concurrent-To") == response.rec_headers.get_header("WARC-Record-ID")
    assert response.http_headers.get_header("Content-Type") == "text/html"
    assert response.http_headers.get_header("Content-Length") == str(len(body))
    assert response.http_headers.get_header("X-Crawler-Content-Encoding") == "gzip"
    assert response.http_headers.get_header("Content-Encoding") is None
    assert records[0].http_headers.protocol == "GET"
    again = next(iter(ArchiveIterator(io.BytesIO(data[offset:]))))
    assert again.rec_type == "response" and again.content_stream().read() == body


def test_warc_rotation_and_torn_tail_recovery(tmp_path: Path) -> None:
    writer = WarcWriter(tmp_path, max_bytes=3000, software="test")
    files: list[tuple[str, bool]] = []
    writer.on_file.append(lambda name, closed: files.append((name, closed)))
    written = [writer.write(_exchange(i, ("<p>" + "新闻" * 200 + "</p>").encode())) for i in range(6)]
    writer.close()
    names = sorted({name for name, _ in written})
    assert len(names) >= 2 and all((tmp_path / n).stat().st_size < 3000 + 2000 for n in names)
    assert (names[0], True) in files
    last = tmp_path / names[-1]
    pages = recover_file(last)
    complete = last.read_bytes()
    assert [p.frontier_url for p in pages] == [f"http://a.cn/n?id={i}" for i, (n, _) in enumerate(written)
                                                if n == names[-1]]
    for cut in range(len(complete) - 1, 0, -37):  # a crash at any byte
        last.write_bytes(complete[:cut])
        kept = recover_file(last)
        assert len(kept) < len(pages)
        size = last.stat().st_size
        assert [r.rec_type for r in ArchiveIterator(io.BytesIO(last.read_bytes()))][-1:] in (
            [], ["warcinfo"], ["response"]) and size <= cut


def test_scheduler_close_wakes_waiters() -> None:
    from pipeline.crawl.politeness import SchedulerClosed

    sched = HostScheduler(delay=0.0)
    sched.pause("h", 60)
    errors: list[Exception] = []

    def waiter() -> None:
        try:
            sched.acquire("h")
        except SchedulerClosed as exc:
            errors.append(exc)

    thread = threading.Thread(target=waiter)
    thread.start()
    time.sleep(0.05)
    sched.close()
    thread.join(timeout=1)
    assert not thread.is_alive() and len(errors) == 1


def test_frontier_takes_hosts_in_turn(tmp_path: Path) -> None:
    front = Frontier(tmp_path / "f.sqlite")
    front.add([f"http://a.cn/{i}" for i in range(3)] + [f"http://b.cn/{i}" for i in range(2)])
    order = []
    while batch := front.claim(1):
        order.append(batch[0].url)
        front.finish(batch[0], Outcome("done"))
    assert order == ["http://a.cn/0", "http://b.cn/0", "http://a.cn/1", "http://b.cn/1", "http://a.cn/2"]
    front.add(["http://c.cn/x"])  # a host that appears later joins the rotation
    assert [e.url for e in front.claim(5)] == ["http://c.cn/x"]


@given(
    host=st.sampled_from(["News.Example.cn", "www.example.cn", "127.0.0.1", "[::1]"]),
    port=st.sampled_from(["", ":80", ":8080"]),
    segments=st.lists(st.sampled_from(["a", "..", ".", "2023-05", "新闻", "b c", ""]), max_size=5),
    query=st.lists(st.tuples(st.sampled_from(["id", "utm_source", "page", "p"]),
                             st.sampled_from(["1", "x", "中"])), max_size=3),
    fragment=st.sampled_from(["", "#top"]),
)
def test_normalize_url_is_idempotent(host: str, port: str, segments: list[str],
                                     query: list[tuple[str, str]], fragment: str) -> None:
    qs = "&".join(f"{k}={v}" for k, v in query)
    url = f"http://{host}{port}/" + "/".join(segments) + (f"?{qs}" if qs else "") + fragment
    once = normalize_url(url)
    assert once is not None and "#" not in once and "utm_" not in once
    assert normalize_url(once) == once
