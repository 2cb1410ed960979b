"""Crawl throughput: ``zhnews crawl`` beside GNU Wget's WARC output and a bare httpx+warcio loop.

A local threaded HTTP server (the tests' server) serves the real pages of
``shared/data/extraction`` (read at run time) under several paths each, plus a permissive
robots.txt.  Each contender fetches the same URL list into ``.warc.gz`` as a separate process:

* ``zhnews``: ``python -m pipeline crawl`` with --delay 0, one request at a time (as Wget), and
  again with 4 in flight; robots.txt, per-page fsync, SQLite frontier and crawl log included.
* ``wget``: ``wget --input-file --warc-file --delete-after -e robots=on`` (no fsync).
* ``bare``: a sequential httpx loop writing request+response records with warcio (no robots,
  no frontier, no fsync): the floor of what archiving in Python costs.

Reports the median wall time of several runs (process start included), pages/s and peak RSS
(GNU time), as ratios to Wget.  Run:  python benchmarks/crawl.py [--runs 3] [--copies 3]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from crawl_server import Route, TestSite  # noqa: E402

from benchmarks._shared import shared_data_dir  # noqa: E402

BARE = r"""
import io, sys, httpx
from warcio.warcwriter import WARCWriter
from warcio.statusandheaders import StatusAndHeaders
urls = open(sys.argv[1]).read().split()
with open(sys.argv[2], "wb") as fh, httpx.Client(timeout=20) as client:
    writer = WARCWriter(fh, gzip=True)
    for url in urls:
        r = client.get(url)
        req = writer.create_warc_record(url, "request", payload=io.BytesIO(b""),
            http_headers=StatusAndHeaders("GET " + r.request.url.raw_path.decode() + " HTTP/1.1",
                                          list(r.request.headers.items()), is_http_request=True))
        resp = writer.create_warc_record(url, "response", payload=io.BytesIO(r.content),
            http_headers=StatusAndHeaders(f"{r.status_code} {r.reason_phrase}", list(r.headers.items()),
                                          protocol="HTTP/1.1"))
        writer.write_record(req)
        writer.write_record(resp)
"""


def _time(cmd: list[str], cwd: Path, rss_file: Path) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB, via GNU time) of one run."""
    started = time.perf_counter()
    subprocess.run(["/usr/bin/time", "-f", "%M", "-o", str(rss_file), *cmd], cwd=cwd, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    elapsed = time.perf_counter() - started
    return elapsed, int(rss_file.read_text().split()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--copies", type=int, default=3, help="paths per real page")
    args = parser.parse_args()
    pages = sorted((shared_data_dir() / "extraction").glob("*/*.html"))
    with TestSite() as site, tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        site.add("/robots.txt", Route(b"User-agent: *\nDisallow: /nothing/\n", content_type="text/plain"))
        urls = []
        for i, page in enumerate(pages):
            body = page.read_bytes()
            for c in range(args.copies):
                urls.append(site.add(f"/c{c}/{i}.html", Route(body)))
        url_file = work / "urls.txt"
        url_file.write_text("\n".join(urls) + "\n")
        contenders = {
            "zhnews (1 in flight)": lambda out: [sys.executable, "-m", "pipeline", "crawl", "--urls",
                                                 str(url_file), "--out", str(out), "--delay", "0",
                                                 "--concurrency", "1", "--allow-private"],
            "zhnews (4 in flight)": lambda out: [sys.executable, "-m", "pipeline", "crawl", "--urls",
                                                 str(url_file), "--out", str(out), "--delay", "0",
                                                 "--concurrency", "4", "--per-host", "4", "--allow-private"],
            "wget": lambda out: ["wget", "--quiet", "--input-file", str(url_file), "--warc-file",
                                 str(out / "wget"), "--delete-after", "-e", "robots=on",
                                 "--directory-prefix", str(out)],
            "bare httpx+warcio": lambda out: [sys.executable, "-c", BARE, str(url_file), str(out / "bare.warc.gz")],
        }
        times: dict[str, list[float]] = {name: [] for name in contenders}
        rss: dict[str, list[int]] = {name: [] for name in contenders}
        for run in range(args.runs):
            for name, make in contenders.items():  # interleaved, so load changes hit all alike
                out = work / f"out-{run}-{len(times[name])}-{name.split()[0]}"
                out.mkdir()
                seconds, kib = _time(make(out), ROOT, work / "rss.txt")
                times[name].append(seconds)
                rss[name].append(kib)
                shutil.rmtree(out)
        n = len(urls)
        base = statistics.median(times["wget"])
        print(f"{n} pages ({len(pages)} real pages x {args.copies}), {args.runs} runs, median wall time")
        base_rss = statistics.median(rss["wget"])
        print("| contender | median s | pages/s | time / wget | peak RSS MiB | RSS / wget |")
        print("| --- | ---: | ---: | ---: | ---: | ---: |")
        for name, values in times.items():
            med = statistics.median(values)
            mem = statistics.median(rss[name])
            print(f"| {name} | {med:.2f} | {n / med:.0f} | {med / base:.2f} | {mem / 1024:.0f} | {mem / base_rss:.1f} |")


if __name__ == "__main__":
    main()
