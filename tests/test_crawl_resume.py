"""SIGKILL a real ``python -m pipeline crawl`` midway, restart it: nothing lost, nothing refetched."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from crawl_pages import news_page, section_page
from crawl_server import Route, TestSite

from pipeline.crawl.config import CrawlConfig
from pipeline.crawl.crawler import Crawler
from pipeline.crawl.fetch import Exchange
from pipeline.crawl.warc import encode_page, iter_responses, recover_file
from pipeline.ingest.discover import discover_inputs
from pipeline.ingest.readers import iter_documents
from pipeline.record import Doc

pytestmark = pytest.mark.slow  # kills and resumes crawls

PAGES = 150


def _crawl_cmd(site: TestSite, out: Path) -> list[str]:
    return [sys.executable, "-m", "pipeline", "crawl", "--urls", site.url("/list.html"),
            "--out", str(out), "--delay", "0.02", "--concurrency", "3", "--per-host", "2",
            "--depth", "1", "--timeout", "5", "--allow-private", "--warc-size", "40000"]


def _env(repo_root: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(repo_root)}


def _done_lines(log: Path) -> int:
    if not log.exists():
        return 0
    return log.read_text(encoding="utf-8").count('"status": "done"')


def test_killed_crawl_resumes_without_loss_or_refetch(tmp_path: Path, repo_root: Path) -> None:
    out = tmp_path / "crawl"
    with TestSite() as site:
        site.add("/robots.txt", Route(b"User-agent: *\nAllow: /\n", content_type="text/plain"))
        paths = [f"/a/{i}.html" for i in range(PAGES)]
        for i, path in enumerate(paths):
            charset = "gbk" if i % 3 == 0 else "utf-8"
            site.add(path, Route(news_page(i, charset=None if i % 3 == 0 else charset).encode(charset)))
        site.add("/list.html", Route(section_page("要闻", paths).encode()))

        proc = subprocess.Popen(_crawl_cmd(site, out), cwd=repo_root, env=_env(repo_root),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while _done_lines(out / "crawl_log.jsonl") < PAGES // 3:
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            assert time.monotonic() < deadline, "crawl made no progress"
            time.sleep(0.005)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        first_run_hits = len(site.hits)

        # what the first run left complete on disk (checked on a copy, the restart recovers itself)
        snapshot = tmp_path / "snapshot"
        shutil.copytree(out / "warc", snapshot)
        archived_first = {page.target_uri for f in sorted(snapshot.glob("*.warc.gz")) for page in recover_file(f)}
        assert PAGES // 3 <= len(archived_first) < PAGES + 1

        done = subprocess.run(_crawl_cmd(site, out), cwd=repo_root, env=_env(repo_root),
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        second_run = Counter(h.path for h in site.hits[first_run_hits:])

    # nothing archived before the kill is fetched again
    assert not {site.url(p) for p in second_run} & archived_first
    assert second_run["/list.html"] == 0
    # every page is archived exactly once over both runs, in readable WARC files
    counts: Counter[str] = Counter()
    for warc in sorted((out / "warc").glob("*.warc.gz")):
        for url, _headers, body in iter_responses(warc):
            counts[url] += 1
            assert body == site.routes[url.split(str(site.port), 1)[1]].body
    assert set(counts) == {site.url(p) for p in [*paths, "/list.html"]}
    assert max(counts.values()) == 1
    assert f"archived {PAGES + 1 - len(archived_first)} pages this run ({PAGES + 1} in total" in done.stdout


def test_sigterm_stops_cleanly_and_the_rerun_finishes(tmp_path: Path, repo_root: Path) -> None:
    out = tmp_path / "crawl"
    with TestSite() as site:
        paths = [f"/b/{i}.html" for i in range(60)]
        for i, path in enumerate(paths):
            site.add(path, Route(news_page(i).encode()))
        # a host that asks to wait: workers sit in the politeness gate when SIGTERM arrives
        site.add("/b/busy.html", Route(b"", fault="retry_after", retry_after="100"))
        site.add("/list.html", Route(section_page("要闻", ["/b/busy.html", *paths]).encode()))
        cmd = [*_crawl_cmd(site, out), "--retries", "1"]
        proc = subprocess.Popen(cmd, cwd=repo_root, env=_env(repo_root),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while _done_lines(out / "crawl_log.jsonl") < 1 or not site.requests_for("/b/busy.html"):
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.01)
        time.sleep(0.1)
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
        assert proc.returncode == 130 and "interrupted" in err
        assert time.monotonic() - started < 5  # did not sit out the 100 s Retry-After
        site.routes["/b/busy.html"] = Route(news_page(99).encode())
        done = subprocess.run(cmd, cwd=repo_root, env=_env(repo_root), capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, done.stderr
    counts: Counter[str] = Counter(url for w in sorted((out / "warc").glob("*.warc.gz"))
                                   for url, _, _ in iter_responses(w))
    assert set(counts) == {site.url(p) for p in [*paths, "/b/busy.html", "/list.html"]}
    assert max(counts.values()) == 1


def test_crash_between_fsync_and_commit_is_recovered(tmp_path: Path) -> None:
    """The exact state a crash leaves: page on disk, frontier not told, a torn record after it."""
    config = CrawlConfig(delay=0.0, allow_private=True)
    with TestSite() as site:
        urls = [site.add(f"/c/{i}.html", Route(news_page(i).encode())) for i in range(10)]
        crawler = Crawler(config, tmp_path)
        crawler.add_seeds(urls)
        assert crawler.run().archived == 10
        crawler.close()
        warc = next((tmp_path / "warc").glob("*.warc.gz"))
        with sqlite3.connect(tmp_path / "frontier.sqlite") as db:
            db.execute("UPDATE urls SET status='queued', warc_file=NULL, warc_offset=NULL WHERE url=?", (urls[-1],))
            db.execute("UPDATE warc_files SET closed=0")
        torn, _ = encode_page(Exchange(urls[0], urls[0], [], 200, "OK", "HTTP/1.1", [], b"<html>" * 500,
                                       datetime.now(UTC)))
        with warc.open("ab") as fh:
            fh.write(torn[: len(torn) * 2 // 3])
        before = len(site.hits)

        crawler = Crawler(config, tmp_path)
        summary = crawler.run()
        crawler.close()
        assert (summary.recovered, summary.archived, summary.total_archived) == (1, 0, 10)
        assert [h.path for h in site.hits[before:]] == []  # nothing refetched, not even robots.txt
    docs = [d for f in discover_inputs([str(tmp_path / "warc")]) for d in iter_documents(f)]
    assert len(docs) == 10 and all(isinstance(d, Doc) for d in docs)  # torn tail cut, archive readable
    log = (tmp_path / "crawl_log.jsonl").read_text(encoding="utf-8")
    assert log.count('"recovered": true') == 1
