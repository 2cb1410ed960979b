"""``zhnews crawl``: archive news pages from seeds, sitemaps and feeds into WARC files."""

from __future__ import annotations

import argparse
from pathlib import Path

from pipeline.cli.flags import add_command, add_output
from pipeline.errors import UsageError


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = add_command(
        subparsers,
        "crawl",
        help="fetch pages politely into resumable WARC files",
        description="Crawl seed URLs, sitemaps and RSS/Atom feeds into OUT/warc/*.warc.gz, "
        "respecting robots.txt and per-host delays. Re-running with the same --output resumes an "
        "interrupted crawl without refetching archived pages. OUT/crawl_log.jsonl has one line "
        "per URL outcome; `zhnews run` reads the WARC files. Needs the 'crawl' extra.",
        example="zhnews crawl --sitemap https://news.example.cn/sitemap.xml -o crawl --max-pages 500 \\\n"
        "    --user-agent 'zhnews (mailto:you@example.org)'\n"
        "zhnews run crawl/warc -o corpus/processed",
    )
    p.add_argument("--urls", nargs="+", default=[], metavar="FILE|URL",
                   help="seed page URLs, or files with one URL per line (# comments allowed)")
    p.add_argument("--sitemap", action="append", default=[], metavar="URL",
                   help="sitemap or sitemap index (.xml or .xml.gz); repeatable")
    p.add_argument("--feed", action="append", default=[], metavar="URL", help="RSS/Atom feed; repeatable")
    add_output(p, "crawl directory: frontier, log and WARC files (default: ./crawl)", metavar="DIR",
               type=Path, default=Path("crawl"))
    p.add_argument("--max-pages", type=int, default=None, metavar="N", help="stop after N archived pages")
    p.add_argument("--delay", type=float, default=1.0, metavar="S",
                   help="minimum seconds between requests to one host (default 1; robots.txt "
                   "Crawl-delay raises it)")
    p.add_argument("--concurrency", type=int, default=4, metavar="N",
                   help="requests in flight over all hosts (default 4)")
    p.add_argument("--per-host", type=int, default=1, metavar="N",
                   help="requests in flight to one host (default 1)")
    p.add_argument("--depth", type=int, default=0, metavar="N",
                   help="follow in-site links from seed pages up to N hops (default 0)")
    p.add_argument("--include", action="append", default=[], metavar="REGEX",
                   help=r"only follow/queue discovered URLs matching one of these, e.g. '/\d{4}-\d{2}/\d{2}/'")
    p.add_argument("--exclude", action="append", default=[], metavar="REGEX",
                   help="never follow/queue discovered URLs matching this")
    p.add_argument("--timeout", type=float, default=20.0, metavar="S", help="per-request timeout (default 20)")
    p.add_argument("--retries", type=int, default=3, metavar="N",
                   help="retries on timeouts, connection errors, 5xx and 429 (default 3)")
    p.add_argument("--backoff", type=float, default=1.0, metavar="S",
                   help="first retry wait, doubled each retry (default 1)")
    p.add_argument("--max-bytes", type=int, default=5 * 1024 * 1024, metavar="N",
                   help="largest page body accepted (default 5 MiB)")
    p.add_argument("--warc-size", type=int, default=1024 * 1024 * 1024, metavar="N",
                   help="start a new WARC file past N bytes (default 1 GiB)")
    p.add_argument("--user-agent", default=None, metavar="UA",
                   help="User-Agent; put your contact in it (default has a placeholder)")
    p.add_argument("--allow-private", action="store_true",
                   help="allow loopback/private/link-local targets (local mirrors, tests)")
    p.set_defaults(func=main)


def _read_seeds(items: list[str]) -> list[str]:
    urls: list[str] = []
    for item in items:
        if item.startswith(("http://", "https://")):
            urls.append(item)
            continue
        path = Path(item)
        if not path.is_file():
            raise UsageError(f"--urls: {item} is neither an http(s) URL nor a readable file")
        for line in path.read_text(encoding="utf-8-sig").splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                urls.append(line)
    return urls


def main(args: argparse.Namespace) -> int:
    import re
    import signal
    import sys

    from pipeline.extras import require_extra

    require_extra("crawl", "crawling")
    from pipeline.crawl.config import DEFAULT_USER_AGENT, CrawlConfig
    from pipeline.crawl.crawler import Crawler

    for name in ("delay", "timeout", "backoff"):
        if getattr(args, name) < 0:
            raise UsageError(f"--{name} must be >= 0")
    for name in ("concurrency", "per_host", "max_bytes", "warc_size"):
        if getattr(args, name) < 1:
            raise UsageError(f"--{name.replace('_', '-')} must be >= 1")
    if args.retries < 0 or args.depth < 0 or (args.max_pages is not None and args.max_pages < 1):
        raise UsageError("--retries and --depth must be >= 0, --max-pages >= 1")
    for pattern in args.include + args.exclude:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise UsageError(f"bad pattern {pattern!r}: {exc}") from exc
    seeds = _read_seeds(args.urls)
    if not (seeds or args.sitemap or args.feed) and not (args.output / "frontier.sqlite").exists():
        raise UsageError("give --urls, --sitemap or --feed (or --output of a crawl to resume)")

    config = CrawlConfig(
        user_agent=args.user_agent or DEFAULT_USER_AGENT, delay=args.delay,
        concurrency=args.concurrency, per_host_concurrency=args.per_host, timeout=args.timeout,
        max_retries=args.retries, backoff=args.backoff, max_bytes=args.max_bytes,
        max_pages=args.max_pages, max_depth=args.depth, include=args.include,
        exclude=args.exclude, allow_private=args.allow_private, warc_max_bytes=args.warc_size,
    )
    if args.user_agent is None:
        print("zhnews crawl: note: the default User-Agent has a placeholder contact; give site "
              "owners a way to reach you with --user-agent", file=sys.stderr)
    crawler = Crawler(config, args.output)
    bad = crawler.add_seeds(seeds) + crawler.add_seeds(args.sitemap, "sitemap") + crawler.add_seeds(args.feed, "feed")
    for url in bad:
        print(f"zhnews crawl: ignoring invalid URL {url!r}")

    def on_signal(signum: int, frame: object) -> None:
        if crawler.stop.is_set():  # a second Ctrl-C / SIGTERM: stop at once
            raise KeyboardInterrupt
        print("zhnews crawl: stopping after the requests in flight (again to abort)", file=sys.stderr)
        crawler.request_stop()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        summary = crawler.run()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        crawler.close()
    print(f"archived {summary.archived} pages this run ({summary.total_archived} in total"
          + (f", {summary.recovered} recovered from an interrupted run" if summary.recovered else "")
          + f"); sitemaps/feeds read: {summary.discovery_read}; still queued: {summary.pending}")
    if summary.failed:
        print("failed: " + ", ".join(f"{r} {n}" for r, n in summary.failed.most_common()))
    if summary.skipped:
        print("skipped: " + ", ".join(f"{r} {n}" for r, n in summary.skipped.most_common()))
    print(f"WARC files ({len(summary.warc_files)}) in {args.output / 'warc'}: " + ", ".join(summary.warc_files))
    if summary.interrupted:
        print("zhnews crawl: interrupted; run the same command again to resume", file=sys.stderr)
        return 130
    return 0
