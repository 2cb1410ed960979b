"""Fetcher against a real local HTTP server: redirects, retries, limits and refusals."""

from __future__ import annotations

import gzip
import time
from collections.abc import Iterator

import httpx
import pytest
from crawl_pages import news_page
from crawl_server import Route, TestSite

from pipeline.crawl.addresses import guarded_transport
from pipeline.crawl.config import CrawlConfig
from pipeline.crawl.fetch import Fetcher, FetchError
from pipeline.crawl.politeness import HostScheduler
from pipeline.crawl.robots import RobotsCache

PAGE = news_page(1).encode("utf-8")


@pytest.fixture()
def site() -> Iterator[TestSite]:
    with TestSite() as server:
        server.add("/robots.txt", Route(b"User-agent: *\nDisallow: /private/\n", content_type="text/plain"))
        yield server


def make_fetcher(transport: httpx.BaseTransport | None = None, robots: bool = True, **overrides: object) -> Fetcher:
    settings: dict[str, object] = dict(delay=0.0, timeout=0.3, backoff=0.02, max_retries=2,
                                       max_bytes=50_000, allow_private=True)
    settings.update(overrides)
    cfg = CrawlConfig(**settings)  # type: ignore[arg-type]
    client = httpx.Client(transport=transport or httpx.HTTPTransport(), timeout=cfg.timeout,
                          headers={"User-Agent": cfg.user_agent}, trust_env=False)
    fetcher = Fetcher(cfg, client, HostScheduler(cfg.delay, cfg.per_host_concurrency))
    if robots:
        fetcher.robots = RobotsCache(fetcher.fetch_robots, cfg.user_agent)
    return fetcher


def reason_of(fetcher: Fetcher, url: str) -> str:
    with pytest.raises(FetchError) as info:
        fetcher.fetch(url)
    return info.value.reason


def test_plain_page_keeps_raw_bytes_and_headers(site: TestSite) -> None:
    body = news_page(2, traditional=True, charset=None).encode("big5")
    url = site.add("/tw/2.html", Route(body, content_type="text/html", headers={"X-Server": "test"}))
    exchange = make_fetcher().fetch(url)
    assert exchange.body == body and exchange.status == 200
    assert ("Content-Type", "text/html") in exchange.response_headers
    assert exchange.header("x-server") == "test" and exchange.ip == "127.0.0.1"
    agent = dict(exchange.request_headers)["User-Agent"]
    assert "contact" in agent and site.requests_for("/tw/2.html")[0].user_agent == agent


def test_gzip_content_encoding_is_decoded(site: TestSite) -> None:
    url = site.add("/gz.html", Route(gzip.compress(PAGE), headers={"Content-Encoding": "gzip"}))
    exchange = make_fetcher().fetch(url)
    assert exchange.body == PAGE and exchange.header("content-encoding") == "gzip"


def test_redirect_chain_loop_and_limit(site: TestSite) -> None:
    site.add("/a", Route(fault="redirect", status=301, location="/b"))
    site.add("/b", Route(fault="redirect", location=site.url("/final.html")))
    site.add("/final.html", Route(PAGE))
    exchange = make_fetcher().fetch(site.url("/a"))
    assert exchange.url == site.url("/final.html") and exchange.requested_url == site.url("/a")
    assert exchange.redirects == [site.url("/a"), site.url("/b")]
    site.add("/loop1", Route(fault="redirect", location="/loop2"))
    site.add("/loop2", Route(fault="redirect", location="/loop1"))
    assert reason_of(make_fetcher(), site.url("/loop1")) == "redirect_loop"
    for i in range(4):
        site.add(f"/r{i}", Route(fault="redirect", location=f"/r{i + 1}"))
    site.add("/r4", Route(PAGE))
    assert reason_of(make_fetcher(max_redirects=3), site.url("/r0")) == "too_many_redirects"
    assert make_fetcher(max_redirects=4).fetch(site.url("/r0")).body == PAGE
    site.add("/to-file", Route(fault="redirect", location="file:///etc/passwd"))
    assert reason_of(make_fetcher(), site.url("/to-file")) == "bad_scheme"


def test_robots_disallow_is_checked_on_redirect_targets(site: TestSite) -> None:
    site.add("/go", Route(fault="redirect", location="/private/secret.html"))
    site.add("/private/secret.html", Route(PAGE))
    fetcher = make_fetcher()
    assert reason_of(fetcher, site.url("/private/secret.html")) == "robots"
    assert reason_of(fetcher, site.url("/go")) == "robots"
    assert site.requests_for("/private/secret.html") == []
    assert len(site.requests_for("/robots.txt")) == 1


def test_transient_faults_are_retried_with_backoff(site: TestSite) -> None:
    site.add("/flaky.html", Route(PAGE, fault="error", fail_times=2))
    exchange = make_fetcher(backoff=0.05).fetch(site.url("/flaky.html"))
    assert exchange.attempts == 3
    hits = [h.time for h in site.requests_for("/flaky.html")]
    assert hits[1] - hits[0] >= 0.045 and hits[2] - hits[1] >= 0.095  # doubled
    site.add("/dead.html", Route(PAGE, fault="error"))
    assert reason_of(make_fetcher(), site.url("/dead.html")) == "http_500"
    assert len(site.requests_for("/dead.html")) == 3
    site.add("/cut.html", Route(PAGE, fault="truncate", fail_times=1))
    assert make_fetcher().fetch(site.url("/cut.html")).body == PAGE
    site.add("/cut-always.html", Route(PAGE, fault="truncate"))
    assert reason_of(make_fetcher(), site.url("/cut-always.html")) == "truncated"


def test_timeouts(site: TestSite) -> None:
    site.add("/slow-once.html", Route(PAGE, fault="slow", delay=0.8, fail_times=1))
    assert make_fetcher().fetch(site.url("/slow-once.html")).attempts == 2
    site.add("/slow.html", Route(PAGE, fault="slow", delay=0.8))
    started = time.monotonic()
    assert reason_of(make_fetcher(max_retries=1), site.url("/slow.html")) == "timeout"
    assert time.monotonic() - started < 1.5


def test_retry_after_pauses_the_host(site: TestSite) -> None:
    site.add("/busy.html", Route(PAGE, fault="retry_after", retry_after="1", fail_times=1))
    exchange = make_fetcher().fetch(site.url("/busy.html"))
    assert exchange.attempts == 2
    first, second = (h.time for h in site.requests_for("/busy.html"))
    assert second - first >= 0.95  # Retry-After: 1, far above the 0.02 s backoff
    site.add("/away.html", Route(PAGE, fault="unavailable", retry_after="3600"))
    assert reason_of(make_fetcher(), site.url("/away.html")) == "retry_after_too_long"
    assert len(site.requests_for("/away.html")) == 1


def test_size_and_type_limits(site: TestSite) -> None:
    site.add("/big.html", Route(b"<html>" + b"x" * 60_000))
    assert reason_of(make_fetcher(), site.url("/big.html")) == "too_large"
    bomb = gzip.compress(b"<html>" + b" " * 2_000_000)
    site.add("/bomb.html", Route(bomb, headers={"Content-Encoding": "gzip"}))
    assert reason_of(make_fetcher(), site.url("/bomb.html")) == "too_large"
    site.add("/pic.jpg", Route(b"\xff\xd8\xff\xe0", content_type="image/jpeg"))
    assert reason_of(make_fetcher(), site.url("/pic.jpg")) == "content_type"
    site.add("/untyped.html", Route(PAGE, content_type=None))
    assert make_fetcher().fetch(site.url("/untyped.html")).body == PAGE
    site.add("/untyped.bin", Route(b"\x00\x01binary", content_type=None))
    assert reason_of(make_fetcher(), site.url("/untyped.bin")) == "content_type"
    assert reason_of(make_fetcher(), site.url("/missing.html")) == "http_404"
    assert len(site.requests_for("/missing.html")) == 1  # a 404 is not retried


def test_private_addresses_are_refused_at_connect_time(site: TestSite) -> None:
    site.add("/page.html", Route(PAGE))
    site.add("/hop", Route(fault="redirect", location=f"http://127.0.0.2:{site.port}/page.html"))
    strict = make_fetcher(transport=guarded_transport(), robots=False)
    assert reason_of(strict, site.url("/page.html")) == "private_address"
    assert site.requests_for("/page.html") == []
    # only 127.0.0.1 counts as allowed here, so the redirect's target must be refused
    only_one = make_fetcher(transport=guarded_transport(allowed=lambda a: a == "127.0.0.1"), robots=False)
    assert only_one.fetch(site.url("/page.html")).body == PAGE
    assert reason_of(only_one, site.url("/hop")) == "private_address"
    assert len(site.requests_for("/page.html")) == 1


def test_robots_txt_status_decides_for_the_whole_host() -> None:
    with TestSite() as broken, TestSite() as absent:
        broken.add("/robots.txt", Route(b"down", fault="error"))
        broken.add("/a.html", Route(PAGE))
        fetcher = make_fetcher()
        assert reason_of(fetcher, broken.url("/a.html")) == "robots_unreachable"
        assert broken.requests_for("/a.html") == []
        assert len(broken.requests_for("/robots.txt")) == 3  # retried like any 5xx
        absent.add("/a.html", Route(PAGE))  # robots.txt is a 404: everything allowed
        assert fetcher.fetch(absent.url("/a.html")).body == PAGE
