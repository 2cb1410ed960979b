"""The crawl loop: frontier -> polite fetches on a thread pool -> durable WARC -> frontier.

Why threads and the sync httpx client: every request waits on a per-host politeness gate,
and the rest of the work (robots parsing, fsync'd WARC writes, SQLite commits) is blocking
I/O.  A handful of threads is all a polite crawl needs, and it keeps every piece a plain
function that is easy to test.  Only the main thread touches SQLite, the WARC files and the
crawl log, so there is no locking around them and every page is written before it is marked.
"""

from __future__ import annotations

import json
import logging
import threading
from collections import Counter
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

import httpx

from pipeline.crawl.addresses import guarded_transport
from pipeline.crawl.config import CrawlConfig
from pipeline.crawl.discover import Discovered, extract_links, parse_feed, parse_sitemap
from pipeline.crawl.fetch import Exchange, Fetcher, FetchError
from pipeline.crawl.frontier import Entry, Frontier, Outcome
from pipeline.crawl.politeness import HostScheduler
from pipeline.crawl.robots import RobotsCache, RobotsRules
from pipeline.crawl.urls import LinkFilter, host_key, normalize_url, site_of
from pipeline.crawl.warc import WarcWriter, encode_page, recover_file
from pipeline.errors import InputRejected

log = logging.getLogger(__name__)

FRONTIER_FILE = "frontier.sqlite"
LOG_FILE = "crawl_log.jsonl"
WARC_DIR = "warc"


@dataclass(slots=True)
class CrawlSummary:
    """What one run did, and the state of the whole crawl after it."""

    archived: int = 0
    recovered: int = 0
    failed: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    discovery_read: int = 0
    warc_files: list[str] = field(default_factory=list)
    total_archived: int = 0
    pending: int = 0
    interrupted: bool = False


@dataclass(slots=True)
class _Fetched:
    """A worker's result: the exchange, the URLs it revealed, and for pages the WARC bytes."""

    exchange: Exchange
    found: list[tuple[str, str, int]]
    encoded: tuple[bytes, int] | None = None


def _fetch_result(fetcher: Fetcher, entry: Entry, cfg: CrawlConfig, links: LinkFilter) -> _Fetched:
    """Worker: fetch one frontier entry, find the URLs it reveals, encode a page's records."""
    exchange = fetcher.fetch(entry.url, kind="page" if entry.kind == "page" else "discovery")
    found: list[tuple[str, str, int]] = []
    if entry.kind == "page":
        if entry.depth < cfg.max_depth:
            sites = {site_of(entry.url), site_of(exchange.url)}
            found = [(u, "page", entry.depth + 1)
                     for u in extract_links(exchange.body, exchange.url) if links.follow(u, sites)]
        # gzip compression off the main thread, which only appends and fsyncs
        return _Fetched(exchange, found, encode_page(exchange))
    try:
        parse = parse_sitemap if entry.kind == "sitemap" else parse_feed
        discovered: Discovered = parse(exchange.body, exchange.url, cfg.max_sitemap_bytes)
    except InputRejected as exc:
        raise FetchError(exc.reason, exc.detail, exchange.status) from exc
    found = [(u, "page", 0) for u in discovered.pages if links.matches(u)]
    found += [(u, "sitemap", 0) for u in discovered.sitemaps]
    return _Fetched(exchange, found)


class Crawler:
    """A resumable crawl into ``out_dir`` (``frontier.sqlite``, ``crawl_log.jsonl``, ``warc/``)."""

    def __init__(self, config: CrawlConfig, out_dir: Path,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.config = config
        #: Replaces the default transport (which refuses non-public addresses unless allowed).
        self.transport = transport
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.frontier = Frontier(self.out_dir / FRONTIER_FILE)
        self.links = LinkFilter(config.include, config.exclude)
        self.stop = threading.Event()
        self._log: TextIO = (self.out_dir / LOG_FILE).open("a", encoding="utf-8")
        self.summary = CrawlSummary()
        self._archived_before = 0

    # -- seeds ------------------------------------------------------------------------------
    def add_seeds(self, urls: list[str], kind: str = "page") -> list[str]:
        """Queue seed URLs; returns those that are not valid http(s) URLs."""
        good: list[str] = []
        bad: list[str] = []
        for raw in urls:
            url = normalize_url(raw)
            (good if url else bad).append(url or raw)
        self.frontier.add(good, kind=kind, depth=0)
        return bad

    # -- logging ----------------------------------------------------------------------------
    def _record(self, entry: Entry, outcome: Outcome, **extra: Any) -> None:
        row = {"time": datetime.now(UTC).isoformat(timespec="milliseconds"),
               "url": entry.url, "kind": entry.kind, "depth": entry.depth,
               "status": outcome.status, "reason": outcome.reason, "http_status": outcome.http_status,
               "final_url": outcome.final_url, "attempts": outcome.attempts,
               "warc_file": outcome.warc_file, "warc_offset": outcome.warc_offset}
        if outcome.detail:
            row["detail"] = outcome.detail[:300]
        row.update(extra)
        self._log.write(json.dumps(row, ensure_ascii=False) + "\n")
        self._log.flush()

    # -- recovery ---------------------------------------------------------------------------
    def _recover(self, warc_dir: Path) -> None:
        """Cut torn WARC tails and mark pages archived before a crash as done."""
        known = set(self.frontier.warc_files())
        open_files = set(self.frontier.warc_files(closed=False))
        on_disk = {p.name for p in warc_dir.glob("*.warc.gz")}
        for name in sorted(open_files | (on_disk - known)):
            path = warc_dir / name
            if path.exists():
                for page in recover_file(path):
                    if page.frontier_url and self.frontier.mark_archived(
                            page.frontier_url, page.target_uri, name, page.offset):
                        self.summary.recovered += 1
                        entry = Entry(0, page.frontier_url, host_key(page.frontier_url), "page", 0)
                        self._record(entry, Outcome("done", final_url=page.target_uri, warc_file=name,
                                                    warc_offset=page.offset), recovered=True)
            self.frontier.set_warc_file(name, closed=True)

    # -- the loop ---------------------------------------------------------------------------
    def run(self) -> CrawlSummary:
        cfg = self.config
        warc_dir = self.out_dir / WARC_DIR
        warc_dir.mkdir(exist_ok=True)
        self._recover(warc_dir)
        self._archived_before = self.frontier.archived_count()
        writer = WarcWriter(warc_dir, cfg.warc_max_bytes, software=cfg.user_agent)
        writer.on_file.append(self._on_warc_file)
        scheduler = HostScheduler(cfg.delay, cfg.per_host_concurrency)

        def on_rules(robots_url: str, rules: RobotsRules) -> None:
            delay = rules.crawl_delay(cfg.user_agent)
            if delay:
                scheduler.set_delay(host_key(robots_url), min(delay, cfg.max_crawl_delay))
            log.info("robots %s: %s", robots_url, rules.status)

        transport = self.transport or (httpx.HTTPTransport(retries=0) if cfg.allow_private
                                       else guarded_transport(retries=0))
        client = httpx.Client(
            transport=transport,
            headers={"User-Agent": cfg.user_agent,
                     "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
                     "Accept-Language": "zh-CN,zh-TW;q=0.9,zh;q=0.8,en;q=0.5"},
            timeout=httpx.Timeout(cfg.timeout),
            follow_redirects=False,
            trust_env=False,
        )
        fetcher = Fetcher(cfg, client, scheduler, stop=self.stop)
        fetcher.robots = RobotsCache(fetcher.fetch_robots, cfg.user_agent, on_rules)
        in_flight: dict[Future[_Fetched], Entry] = {}
        per_host: Counter[str] = Counter()
        pool = ThreadPoolExecutor(max_workers=cfg.concurrency, thread_name_prefix="crawl")
        clean = False
        try:
            while True:
                if not self.stop.is_set():
                    self._dispatch(pool, fetcher, in_flight, per_host)
                if not in_flight:
                    break
                done, _ = wait(in_flight, timeout=0.2, return_when=FIRST_COMPLETED)
                batch = [(in_flight.pop(future), future) for future in done]
                for entry, _ in batch:
                    per_host[entry.host] -= 1
                if not self.stop.is_set():  # keep the workers busy while the batch is written
                    fetched_pages = sum(1 for e, f in batch if e.kind == "page" and f.exception() is None)
                    self._dispatch(pool, fetcher, in_flight, per_host, fetched_pages)
                self._settle_batch(batch, writer)
                if self.stop.is_set():
                    scheduler.close()  # wakes workers waiting for a host; they end as "stopped"
            clean = True
        finally:
            self.summary.interrupted = self.stop.is_set()
            self.stop.set()
            scheduler.close()
            pool.shutdown(wait=True, cancel_futures=True)
            for entry in in_flight.values():
                self.frontier.release(entry)
            # after an exception the last file is left "open" so the next run checks its tail
            writer.close(mark_closed=clean)
            client.close()
            self.summary.total_archived = self.frontier.archived_count()
            self.summary.pending = self.frontier.pending_count()
            self.summary.warc_files = self.frontier.warc_files()
        return self.summary

    def request_stop(self) -> None:
        """Finish the requests in flight, archive what arrived, and return (signal-safe)."""
        self.stop.set()

    def close(self) -> None:
        self.frontier.close()
        self._log.close()

    def _on_warc_file(self, name: str, closed: bool) -> None:
        self.frontier.set_warc_file(name, closed)

    def _dispatch(self, pool: ThreadPoolExecutor, fetcher: Fetcher,
                  in_flight: dict[Future[Any], Entry], per_host: Counter[str], unsettled: int = 0) -> None:
        """Hand queued URLs to free workers, respecting per-host and page limits.

        ``unsettled``: pages fetched but not yet archived, counted against ``max_pages``.
        """
        cfg = self.config
        while len(in_flight) < cfg.concurrency:
            room = cfg.concurrency - len(in_flight)
            if cfg.max_pages is not None:
                pages_in_flight = sum(1 for e in in_flight.values() if e.kind == "page") + unsettled
                archived = self._archived_before + self.summary.archived
                room = min(room, cfg.max_pages - archived - pages_in_flight)
                if room <= 0:
                    return
            busy = [h for h, n in per_host.items() if n >= cfg.per_host_concurrency]
            batch = self.frontier.claim(room, busy)
            if not batch:
                return
            for entry in batch:
                if entry.kind == "page" and (first := self.frontier.archived_as(entry.url)):
                    outcome = Outcome("skipped", "duplicate", f"archived as {first}")
                    self.frontier.finish(entry, outcome)
                    self._record(entry, outcome)
                    self.summary.skipped["duplicate"] += 1
                    continue
                per_host[entry.host] += 1
                in_flight[pool.submit(_fetch_result, fetcher, entry, cfg, self.links)] = entry

    def _fail(self, entry: Entry, exc: BaseException) -> None:
        if isinstance(exc, FetchError):
            if exc.reason == "stopped":
                self.frontier.release(entry)
                return
            status = "skipped" if exc.reason in ("robots", "robots_unreachable") else "failed"
            outcome = Outcome(status, exc.reason, exc.detail, exc.status)
        else:  # a bug or an unexpected library error: one bad page must not end the crawl
            log.error("unexpected error on %s", entry.url, exc_info=exc)
            outcome = Outcome("failed", f"error:{type(exc).__name__}", str(exc))
        (self.summary.skipped if outcome.status == "skipped" else self.summary.failed)[outcome.reason or ""] += 1
        self.frontier.finish(entry, outcome)
        self._record(entry, outcome)

    def _settle_batch(self, batch: list[tuple[Entry, Future[_Fetched]]], writer: WarcWriter) -> None:
        """Archive the pages of finished fetches with one fsync, then record every outcome.

        The frontier marks a page done only after the fsync; a full WARC file is rotated
        before the batch, when every page in it is already recorded.
        """
        writer.rotate_if_full()
        settled: list[tuple[Entry, Outcome, list[tuple[str, str, int]], dict[str, Any]]] = []
        archived_now: dict[str, str] = {}
        for entry, future in batch:
            exc = future.exception()
            if exc is not None:
                self._fail(entry, exc)
                continue
            result = future.result()
            exchange = result.exchange
            base = Outcome("done", http_status=exchange.status, final_url=exchange.url,
                           attempts=exchange.attempts)
            extra = {"redirects": exchange.redirects, "bytes": len(exchange.body),
                     "content_type": exchange.content_type}
            if entry.kind != "page":
                self.summary.discovery_read += 1
                settled.append((entry, base, result.found, {**extra, "found": len(result.found)}))
                continue
            first = archived_now.get(exchange.url) or self.frontier.archived_as(exchange.url)
            if first:
                outcome = Outcome("skipped", "duplicate", f"{exchange.url} archived as {first}",
                                  exchange.status, exchange.url, attempts=exchange.attempts)
                self.summary.skipped["duplicate"] += 1
                settled.append((entry, outcome, [], extra))
                continue
            assert result.encoded is not None
            base.warc_file, base.warc_offset = writer.append(*result.encoded)
            archived_now[exchange.url] = entry.url
            self.summary.archived += 1
            settled.append((entry, base, result.found, extra))
        if archived_now:
            writer.sync()  # durable before the frontier says done
        for entry, outcome, found, extra in settled:
            self.frontier.finish(entry, outcome, found)
            self._record(entry, outcome, **extra)
