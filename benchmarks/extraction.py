"""Extraction quality and speed: zhnews vs readability-lxml, trafilatura and GNE, side by side.

Every page under ``../shared/data/extraction/<set>/`` (``<id>.html`` + ``<id>.json``) is run
through each system in one process.  Per set (gold ``daniel_zh`` and ``cwced_zh`` apart from
the silver sets) it reports body char-F1 (bag of characters after NFKC, lowercasing and
whitespace removal) mean and median, 5-gram shingle F1, the share of pages with char-F1 < 0.5,
empty bodies where the gold body is not empty, title / day-level date / author accuracy where
labelled, snippet checks (``must_contain`` / ``must_not_contain``) and pages per second
(median of ``--repeat`` rounds, decoding included).  Timing is interleaved: each page goes
through every system (in an order rotated page by page) before the next page, so load from
other processes affects all systems alike; speed ratios vs zhnews are printed at the end.

    python benchmarks/extraction.py --repeat 3 [--sets daniel_zh cwced_zh] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
import unicodedata
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._shared import shared_data_dir  # noqa: E402
from pipeline.dates import parse_chinese_datetime  # noqa: E402
from pipeline.errors import InputRejected  # noqa: E402
from pipeline.extract import extract_html  # noqa: E402
from pipeline.ingest.decode import decode_bytes  # noqa: E402

GOLD = ("daniel_zh", "cwced_zh")


@dataclass
class Output:
    body: str = ""
    title: str | None = None
    date: str | None = None
    author: str | None = None


@dataclass
class Page:
    set_name: str
    page_id: str
    raw: bytes
    gold: dict


@dataclass
class Scores:
    f1: list[float] = field(default_factory=list)
    shingle: list[float] = field(default_factory=list)
    empty_bad: int = 0
    title: list[bool] = field(default_factory=list)
    date: list[bool] = field(default_factory=list)
    author: list[bool] = field(default_factory=list)
    snippets: list[bool] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    pages: int = 0


def norm(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text).lower())


def prf(pred: Counter, gold: Counter) -> float:
    if not pred and not gold:
        return 1.0
    overlap = sum((pred & gold).values())
    if not overlap:
        return 0.0
    p, r = overlap / sum(pred.values()), overlap / sum(gold.values())
    return 2 * p * r / (p + r)


def char_f1(pred: str, gold: str) -> float:
    return prf(Counter(norm(pred)), Counter(norm(gold)))


def shingle_f1(pred: str, gold: str, n: int = 5) -> float:
    a, b = norm(pred), norm(gold)
    return prf(Counter(a[i:i + n] for i in range(len(a) - n + 1)),
               Counter(b[i:i + n] for i in range(len(b) - n + 1)))


def name_key(text: str | None) -> str:
    return re.sub(r"[\s、,，;；/|·]+", "", unicodedata.normalize("NFKC", text or "")).lower()


def day(value: str | None) -> str | None:
    if not value:
        return None
    parsed = parse_chinese_datetime(str(value))
    return parsed[:10] if parsed and len(parsed) >= 10 else None


# -- systems -----------------------------------------------------------------------------
def run_zhnews(raw: bytes) -> Output:
    try:
        art = extract_html(raw)
    except InputRejected:
        return Output()
    return Output("\n".join(art.paragraphs), art.title, art.published_at, art.author)


def _decoded(raw: bytes) -> str:
    try:
        return decode_bytes(raw)[0]
    except InputRejected:
        return ""


def run_readability(raw: bytes) -> Output:
    from lxml import html as lhtml
    from readability import Document

    text = _decoded(raw)
    try:
        doc = Document(text)
        summary = doc.summary(html_partial=True)
        body = "\n".join(t.strip() for t in lhtml.fromstring(summary).itertext() if t.strip())
        return Output(body, doc.short_title())
    except Exception:  # noqa: BLE001 - a peer failure counts as an empty output
        return Output()


def _trafilatura(data: bytes | str) -> Output:
    import trafilatura

    try:
        result = trafilatura.bare_extraction(data, with_metadata=True, include_comments=False,
                                             include_tables=True)
    except Exception:  # noqa: BLE001
        return Output()
    if result is None:
        return Output()
    get = result.as_dict() if hasattr(result, "as_dict") else result
    return Output(get.get("text") or "", get.get("title"), get.get("date"), get.get("author"))


def run_trafilatura_text(raw: bytes) -> Output:
    return _trafilatura(_decoded(raw))


def run_trafilatura_bytes(raw: bytes) -> Output:
    return _trafilatura(raw)


def run_gne(raw: bytes) -> Output:
    from gne import GeneralNewsExtractor

    text = _decoded(raw)
    try:
        result = GeneralNewsExtractor().extract(text)
    except Exception:  # noqa: BLE001
        return Output()
    return Output(result.get("content") or "", result.get("title"), result.get("publish_time"),
                  result.get("author"))


SYSTEMS: dict[str, Callable[[bytes], Output]] = {
    "zhnews": run_zhnews,
    "readability": run_readability,
    "trafilatura(text)": run_trafilatura_text,
    "trafilatura(bytes)": run_trafilatura_bytes,
    "gne": run_gne,
}


def load_pages(root: Path, sets: list[str] | None) -> list[Page]:
    pages = []
    for set_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        if sets and set_dir.name not in sets:
            continue
        for meta in sorted(set_dir.glob("*.json")):
            html = meta.with_suffix(".html")
            if html.exists():
                pages.append(Page(set_dir.name, meta.stem, html.read_bytes(),
                                  json.loads(meta.read_text("utf-8"))))
    return pages


def score(scores: Scores, out: Output, gold: dict) -> None:
    scores.pages += 1
    body = gold.get("body")
    if body is not None:
        scores.f1.append(char_f1(out.body, body))
        scores.shingle.append(shingle_f1(out.body, body))
        if norm(body) and not norm(out.body):
            scores.empty_bad += 1
    if gold.get("title"):
        scores.title.append(norm(out.title or "") == norm(gold["title"]))
    gold_day = day(gold.get("publish_time"))
    if gold_day:
        scores.date.append(day(out.date) == gold_day)
    if gold.get("author"):
        scores.author.append(name_key(out.author) == name_key(gold["author"]))
    body_n = norm(out.body)
    for snippet in gold.get("must_contain") or []:
        scores.snippets.append(norm(snippet) in body_n)
    for snippet in gold.get("must_not_contain") or []:
        scores.snippets.append(norm(snippet) not in body_n)


def fmt(values: list, kind: str = "mean") -> str:
    if not values:
        return "–"
    if kind == "median":
        return f"{statistics.median(values):.3f}"
    return f"{sum(values) / len(values):.3f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sets", nargs="*", help="set folders to run (default: all)")
    ap.add_argument("--systems", nargs="*", default=list(SYSTEMS), choices=list(SYSTEMS))
    ap.add_argument("--repeat", type=int, default=3, help="timed passes (median reported)")
    ap.add_argument("--json", type=Path, help="write per-set figures here")
    ap.add_argument("--worst", type=int, default=0, help="list the N worst zhnews pages")
    args = ap.parse_args()
    warnings.filterwarnings("ignore")
    import logging

    logging.disable(logging.CRITICAL)
    pages = load_pages(shared_data_dir() / "extraction", args.sets)
    sets = sorted({p.set_name for p in pages}, key=lambda s: (s not in GOLD, s))
    results: dict[tuple[str, str], Scores] = {}
    worst: list[tuple[float, str]] = []
    # Interleaved timing: every page goes through every system before the next page, with
    # the system order rotated page by page, so background load hits all systems alike.
    times: dict[tuple[str, str], list[float]] = {(m, s): [] for m in args.systems for s in sets}
    for rep in range(max(1, args.repeat)):
        elapsed = dict.fromkeys(times, 0.0)
        for i, page in enumerate(pages):
            k = i % len(args.systems)
            for system in args.systems[k:] + args.systems[:k]:
                started = time.perf_counter()
                out = SYSTEMS[system](page.raw)
                elapsed[(system, page.set_name)] += time.perf_counter() - started
                if rep == 0:
                    sc = results.setdefault((system, page.set_name), Scores())
                    score(sc, out, page.gold)
                    if system == "zhnews" and page.gold.get("body") is not None:
                        worst.append((sc.f1[-1], f"{page.set_name}/{page.page_id}"))
        for key, value in elapsed.items():
            times[key].append(value)
        print(f"done round {rep + 1}", file=sys.stderr)
    for key, value in times.items():
        results[key].seconds = value

    header = ("| set | system | pages | char-F1 mean | median | 5-gram F1 mean | F1<0.5 | empty | "
              "title acc | date acc (day) | author acc | snippets | pages/s |")
    print(header)
    print("|---" * (header.count("|") - 1) + "|")
    table = {}
    for s in sets:
        for system in args.systems:
            sc = results[(system, s)]
            rate = sc.pages / statistics.median(sc.seconds) if sc.seconds else 0.0
            low = sum(f < 0.5 for f in sc.f1) / len(sc.f1) if sc.f1 else None
            row = {
                "pages": sc.pages, "f1_mean": fmt(sc.f1), "f1_median": fmt(sc.f1, "median"),
                "shingle_mean": fmt(sc.shingle), "low": f"{low:.3f}" if low is not None else "–",
                "empty": sc.empty_bad, "title": fmt(sc.title) + f" ({len(sc.title)})" if sc.title else "–",
                "date": fmt(sc.date) + f" ({len(sc.date)})" if sc.date else "–",
                "author": fmt(sc.author) + f" ({len(sc.author)})" if sc.author else "–",
                "snippets": fmt(sc.snippets) + f" ({len(sc.snippets)})" if sc.snippets else "–",
                "pages_per_s": f"{rate:.1f}",
            }
            table[f"{s}/{system}"] = row
            print(f"| {s} | {system} | {row['pages']} | {row['f1_mean']} | {row['f1_median']} | "
                  f"{row['shingle_mean']} | {row['low']} | {row['empty']} | {row['title']} | "
                  f"{row['date']} | {row['author']} | {row['snippets']} | {row['pages_per_s']} |")
    # all gold pages pooled
    for system in args.systems:
        f1 = [f for s in GOLD if (system, s) in results for f in results[(system, s)].f1]
        secs = [sum(x) for x in zip(*[results[(system, s)].seconds for s in sets])]
        n = sum(results[(system, s)].pages for s in sets)
        print(f"| gold pooled | {system} | {len(f1)} | {fmt(f1)} | {fmt(f1, 'median')} | | "
              f"{sum(f < 0.5 for f in f1) / max(1, len(f1)):.3f} | | | | | | "
              f"all sets: {n / statistics.median(secs):.1f} |")
    if "zhnews" in args.systems:
        total = {m: statistics.median([sum(x) for x in zip(*[results[(m, s)].seconds for s in sets])])
                 for m in args.systems}
        for m in args.systems:
            if m != "zhnews":
                print(f"speed ratio zhnews / {m} (all pages, median of rounds): "
                      f"{total[m] / total['zhnews']:.2f}x")
    if args.worst:
        for f1, name in sorted(worst)[: args.worst]:
            print(f"{f1:.3f} {name}", file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps(table, ensure_ascii=False, indent=1), "utf-8")


if __name__ == "__main__":
    main()
