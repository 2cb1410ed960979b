"""Fetching one URL politely: redirects, retries with backoff, ``Retry-After``, size and type limits.

:meth:`Fetcher.fetch` returns an :class:`Exchange` (what to archive) or raises
:class:`FetchError` whose ``reason`` is a short code for the crawl log: ``robots``,
``private_address``, ``bad_scheme``, ``redirect_loop``, ``too_many_redirects``,
``too_large``, ``content_type``, ``timeout``, ``truncated``, ``connect_error``,
``http_<status>``, ``retry_after_too_long``.
"""

from __future__ import annotations

import email.utils
import logging
import random
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import httpx

from pipeline.crawl.addresses import AddressRefused
from pipeline.crawl.config import PAGE_TYPES, CrawlConfig
from pipeline.crawl.politeness import HostScheduler, SchedulerClosed
from pipeline.crawl.robots import RobotsCache
from pipeline.crawl.urls import host_key, normalize_url

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(slots=True)
class Exchange:
    """One successful request/response, body decoded from transfer and content encodings."""

    url: str
    requested_url: str
    request_headers: list[tuple[str, str]]
    status: int
    reason: str
    http_version: str
    response_headers: list[tuple[str, str]]
    body: bytes
    fetched_at: datetime
    redirects: list[str] = field(default_factory=list)
    attempts: int = 1
    ip: str | None = None

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((v for k, v in self.response_headers if k.lower() == name), None)

    @property
    def content_type(self) -> str | None:
        return self.header("content-type")


class FetchError(Exception):
    """A URL that could not be fetched, with a short ``reason`` code."""

    def __init__(self, reason: str, detail: str = "", status: int | None = None) -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail
        self.status = status


class _Retryable(FetchError):
    def __init__(self, reason: str, detail: str = "", status: int | None = None,
                 retry_after: float | None = None, url: str = "") -> None:
        super().__init__(reason, detail, status)
        self.retry_after = retry_after
        self.url = url  # the URL that answered (a redirect target may be on another host)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delta-seconds or HTTP-date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())


def media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def looks_like_html(body: bytes) -> bool:
    """Sniff a body sent without a Content-Type."""
    head = body[:2048].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<meta", b"<title")) or (
        head.startswith(b"<") and b"<html" in head
    )


class Fetcher:
    """Fetches URLs through one shared httpx client, gated by the host scheduler."""

    def __init__(self, config: CrawlConfig, client: httpx.Client, scheduler: HostScheduler,
                 robots: RobotsCache | None = None, stop: threading.Event | None = None) -> None:
        self.config = config
        self.client = client
        self.scheduler = scheduler
        self.robots = robots
        #: Set to abandon backoff waits when the crawl is shutting down.
        self.stop = stop or threading.Event()

    # -- public --------------------------------------------------------------------------
    def fetch(self, url: str, kind: str = "page") -> Exchange:
        """Fetch ``url`` (``kind``: ``page``, ``discovery`` or ``robots``) or raise FetchError."""
        cfg = self.config
        last: _Retryable | None = None
        for attempt in range(cfg.max_retries + 1):
            try:
                exchange = self._follow(url, kind)
                exchange.attempts = attempt + 1
                return exchange
            except _Retryable as exc:
                last = exc
                if attempt == cfg.max_retries:
                    break
                wait = cfg.backoff * (2**attempt)
                wait += random.uniform(0, 0.1 * wait)
                if exc.retry_after is not None:
                    if exc.retry_after > cfg.max_wait:
                        raise FetchError("retry_after_too_long", f"Retry-After {exc.retry_after:.0f}s",
                                         exc.status) from exc
                    wait = max(wait, exc.retry_after)
                    # the server asked the whole host to slow down, not just this URL
                    self.scheduler.pause(host_key(exc.url or url), exc.retry_after)
                log.debug("retrying %s in %.2fs after %s", url, wait, exc.reason)
                if self.stop.wait(min(wait, cfg.max_wait)):
                    raise FetchError("stopped", "crawl interrupted during backoff") from exc
        assert last is not None
        raise FetchError(last.reason, last.detail, last.status)

    def fetch_robots(self, url: str) -> tuple[int | None, bytes]:
        """robots.txt for :class:`RobotsCache`: ``(status or None if unreachable, body)``."""
        try:
            exchange = self.fetch(url, kind="robots")
        except FetchError as exc:
            if exc.reason in ("private_address", "stopped"):
                raise  # the host itself is refused: say so, not "robots"
            return exc.status, b""
        return exchange.status, exchange.body

    # -- one attempt, following redirects --------------------------------------------------
    def _follow(self, url: str, kind: str) -> Exchange:
        seen = {url}
        redirects: list[str] = []
        current = url
        while True:
            if self.stop.is_set():
                raise FetchError("stopped", "crawl interrupted")
            if urlsplit(current).scheme not in ("http", "https"):
                raise FetchError("bad_scheme", current)
            if kind != "robots" and self.robots is not None:
                rules = self.robots.rules(current)
                if not rules.allowed(current, self.robots.user_agent):
                    reason = "robots" if rules.status == "parsed" else "robots_unreachable"
                    raise FetchError(reason, current)
            outcome = self._request(current, kind)
            if isinstance(outcome, Exchange):
                outcome.requested_url = url
                outcome.redirects = redirects
                return outcome
            target = outcome  # a redirect
            if target in seen:
                raise FetchError("redirect_loop", " -> ".join([*redirects, current, target]))
            if len(redirects) >= self.config.max_redirects:
                raise FetchError("too_many_redirects", f"more than {self.config.max_redirects}")
            seen.add(target)
            redirects.append(current)
            current = target

    def _request(self, url: str, kind: str) -> Exchange | str:
        """One request: the exchange, or the normalized target of a redirect."""
        cfg = self.config
        request = self.client.build_request("GET", url)
        started = time.monotonic()
        try:
            with self.scheduler.slot(host_key(url)):
                response = self.client.send(request, stream=True)
                try:
                    return self._read(url, request, response, kind, started)
                finally:
                    response.close()
        except AddressRefused as exc:
            raise FetchError("private_address", str(exc)) from exc
        except SchedulerClosed as exc:
            raise FetchError("stopped", "crawl interrupted") from exc
        except httpx.TimeoutException as exc:
            raise _Retryable("timeout", f"{type(exc).__name__} after {cfg.timeout}s") from exc
        except (httpx.RemoteProtocolError, httpx.ReadError) as exc:
            raise _Retryable("truncated", str(exc) or type(exc).__name__) from exc
        except httpx.TransportError as exc:
            raise _Retryable("connect_error", str(exc) or type(exc).__name__) from exc
        except httpx.DecodingError as exc:
            raise FetchError("decoding_error", str(exc)) from exc

    def _read(self, url: str, request: httpx.Request, response: httpx.Response, kind: str,
              started: float) -> Exchange | str:
        cfg = self.config
        status = response.status_code
        if 300 <= status < 400 and status != 304 and "location" in response.headers:
            target = normalize_url(urljoin(url, response.headers["location"]))
            if target is None:
                raise FetchError("bad_scheme", response.headers["location"])
            return target
        if status in RETRY_STATUSES:
            raise _Retryable(f"http_{status}", response.reason_phrase, status,
                             parse_retry_after(response.headers.get("retry-after"))
                             if status in (429, 503) else None, url)
        if not 200 <= status < 300:
            raise FetchError(f"http_{status}", response.reason_phrase, status)
        limit = cfg.max_sitemap_bytes if kind == "discovery" else cfg.max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit and "content-encoding" not in response.headers:
            raise FetchError("too_large", f"Content-Length {declared} > {limit}", status)
        ctype = response.headers.get("content-type")
        if kind == "page" and ctype is not None and media_type(ctype) not in PAGE_TYPES:
            raise FetchError("content_type", media_type(ctype), status)
        ip = _peer_address(response)
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > limit:
                raise FetchError("too_large", f"body over {limit} bytes", status)
            if time.monotonic() - started > cfg.max_request_seconds:
                raise _Retryable("timeout", f"body not complete after {cfg.max_request_seconds}s")
            chunks.append(chunk)
        body = b"".join(chunks)
        if kind == "page" and ctype is None and not looks_like_html(body):
            raise FetchError("content_type", "missing and body is not HTML", status)
        return Exchange(
            url=url,
            requested_url=url,
            request_headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers.raw],
            status=status,
            reason=response.reason_phrase,
            http_version=response.http_version,
            response_headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in response.headers.raw],
            body=body,
            fetched_at=datetime.now(UTC),
            ip=ip,
        )


def _peer_address(response: httpx.Response) -> str | None:
    stream = response.extensions.get("network_stream")
    try:
        address = stream.get_extra_info("server_addr") if stream is not None else None
    except Exception:  # noqa: BLE001 - the address is informative only
        return None
    return str(address[0]) if address else None
