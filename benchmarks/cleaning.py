"""Cleaning and normalization benchmark on the shared real data.

Measures
* seeds: body-line precision/recall/F1 against the line labels; title, date, source, author accuracy;
  whether mojibake is flagged and whether any pinyin annotation survives normalization;
* extraction gold pages (daniel_zh, cwced_zh) flattened to one line per HTML block (lxml): mean and
  median body char-F1 of ``clean_text`` beside two naive cleaners (keep every line; keep lines with
  at least two Chinese punctuation marks);
* speed: chars/s of ``clean_text``, of ``normalize_text`` and of the whole normalize step, each as a
  ratio to bare OpenCC conversion of the same text (medians of several runs);
* CityU (SIGHAN 2005) gold segmentation: jieba word F1 on raw Traditional text vs after
  ``normalize_text`` (t2s and hk2s), boundaries mapped back to the original characters.

Run:  python benchmarks/cleaning.py [--runs 5] [--skip-speed] [--skip-sighan] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._shared import shared_data_dir  # noqa: E402
from pipeline.clean import clean_text  # noqa: E402
from pipeline.clean.text import clean_lines  # noqa: E402
from pipeline.dates import parse_chinese_datetime  # noqa: E402
from pipeline.errors import InputRejected  # noqa: E402
from pipeline.ingest.decode import decode_bytes  # noqa: E402
from pipeline.normalize import (  # noqa: E402
    NormalizeStep,
    convert,
    mojibake_score,
    normalize_text,
    remove_pinyin_annotations,
)
from pipeline.record import Doc  # noqa: E402

BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "br", "caption", "center", "dd", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tbody", "td", "th", "thead",
    "title", "tr", "ul",
}
PINYIN_LEFT = re.compile(r"[\u4e00-\u9fff][(（][a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*[)）]")


# -- metrics ----------------------------------------------------------------------------------
def norm(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text).lower())


def char_f1(pred: str, gold: str) -> float:
    p, g = Counter(norm(pred)), Counter(norm(gold))
    if not p and not g:
        return 1.0
    overlap = sum((p & g).values())
    if not overlap:
        return 0.0
    prec, rec = overlap / sum(p.values()), overlap / sum(g.values())
    return 2 * prec * rec / (prec + rec)


def simp(text: str | None) -> str | None:
    if not text:
        return None
    return norm(convert(remove_pinyin_annotations(text)[0], "t2s")).strip("《》")


def day_time(value: str | None) -> str:
    """Gold dates ('2023-08-21 20:01') and ours (ISO) compared on date and minutes."""
    if not value:
        return ""
    iso = parse_chinese_datetime(value) or value
    return iso[:16].replace("T", " ")


# -- seeds ------------------------------------------------------------------------------------
def bench_seeds(root: Path) -> dict:
    tp = fp = fn = 0
    title = date = source = author = 0
    moji_flagged: list[str] = []
    pinyin_left = 0
    files = sorted((root / "seeds" / "labels").glob("*.json"))
    for path in files:
        gold = json.loads(path.read_text("utf-8"))
        text = (root / "seeds" / gold["file"]).read_text("utf-8")
        raw_lines = text.split("\n")
        article, lines = clean_lines(text)
        labels = {item["line"]: item["label"] for item in gold["lines"]}
        pred = {ln.number: ln.label for ln in lines}
        for n in set(labels) | set(pred):
            g, p = labels.get(n) == "body", pred.get(n) == "body"
            tp += g and p
            fp += p and not g
            fn += g and not p
        gold_title = next((raw_lines[n - 1] for n, lab in sorted(labels.items()) if lab == "title"), None)
        title += simp(article.title) == simp(gold_title)
        date += day_time(article.published_at) == day_time(gold.get("date"))
        source += simp(article.source) == simp(gold.get("source"))
        author += simp(article.author) == simp(gold.get("author"))
        doc = Doc(doc_id=path.stem, source_path=gold["file"], input_kind="text", title=article.title,
                  paragraphs=list(article.paragraphs))
        out = NormalizeStep(min_chars=None, min_han_ratio=None, max_mojibake_score=None,
                            max_repetition_ratio=None)(doc)
        pinyin_left += bool(PINYIN_LEFT.search((out.text or "") + (out.title or "")))
        if "mojibake" in out.quality_flags:
            moji_flagged.append(gold["file"])
    prec, rec = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
    n = len(files)
    return {
        "files": n, "body_precision": prec, "body_recall": rec, "body_f1": 2 * prec * rec / max(prec + rec, 1e-9),
        "title_acc": title / n, "date_acc": date / n, "source_acc": source / n, "author_acc": author / n,
        "docs_flagged_mojibake": moji_flagged, "docs_with_pinyin_left": pinyin_left,
    }


# -- flattened gold pages ----------------------------------------------------------------------
def flatten_html(html: str) -> str:
    """One line per HTML block (``itertext`` between block boundaries), scripts and styles dropped."""
    import lxml.html
    from lxml import etree

    html = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", html)
    html = re.sub(r"^\s*<\?xml[^>]*\?>", "", html)
    try:
        root = lxml.html.fromstring(html)
    except (etree.ParserError, ValueError):
        return ""
    for bad in root.xpath("//script|//style|//noscript|//template|//iframe"):
        bad.drop_tree()
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag.lower() in BLOCK_TAGS:
            el.text = "\n" + (el.text or "")
            el.tail = "\n" + (el.tail or "")
    head_title = root.findtext(".//title") or ""
    body = root.find(".//body")
    parts = body.itertext() if body is not None else root.itertext()
    text = head_title + "\n" + "".join(parts)
    return "\n".join(line.strip() for line in text.split("\n") if line.strip())


def bench_pages(root: Path, limit: int | None) -> dict:
    results: dict[str, dict] = {}
    for set_name in ("daniel_zh", "cwced_zh"):
        ours, with_title, keep_all, keep_punct, seconds, chars = [], [], [], [], 0.0, 0
        dates: list[bool] = []
        authors: list[bool] = []
        metas = sorted((root / "extraction" / set_name).glob("*.json"))[:limit]
        for meta in metas:
            gold = json.loads(meta.read_text("utf-8"))
            if gold.get("body") is None:
                continue
            html, _codec = decode_bytes(meta.with_suffix(".html").read_bytes())
            flat = flatten_html(html)
            started = time.perf_counter()
            try:
                article = clean_text(flat)
                body, title = article.body(), article.title or ""
                published, author = article.published_at, article.author
            except InputRejected:
                body = title = ""
                published = author = None
            if gold.get("publish_time"):
                dates.append(day_time(published or "")[:10] == (day_time(gold["publish_time"]) or "")[:10])
            if gold.get("author"):
                authors.append(simp(author) == simp(gold["author"]))
            seconds += time.perf_counter() - started
            chars += len(flat)
            ours.append(char_f1(body, gold["body"]))
            with_title.append(char_f1(title + "\n" + body, gold["body"]))
            keep_all.append(char_f1(flat, gold["body"]))
            punct = [ln for ln in flat.split("\n") if len(re.findall(r"[，。！？；：、]", ln)) >= 2]
            keep_punct.append(char_f1("\n".join(punct), gold["body"]))
        results[set_name] = {
            "pages": len(ours),
            "clean_text_mean": statistics.mean(ours), "clean_text_median": statistics.median(ours),
            # daniel's references usually start with the headline: title + body is the fair reading there
            "title_plus_body_mean": statistics.mean(with_title),
            "keep_all_mean": statistics.mean(keep_all), "keep_punct2_mean": statistics.mean(keep_punct),
            "clean_chars_per_s": chars / seconds if seconds else 0.0,
            "date_acc": f"{sum(dates)}/{len(dates)}",
            "author_acc": f"{sum(authors)}/{len(authors)}",
        }
    all_pages = sum(r["pages"] for r in results.values())
    results["all"] = {
        "pages": all_pages,
        "clean_text_mean": sum(r["clean_text_mean"] * r["pages"] for r in results.values()) / all_pages,
    }
    return results


# -- speed --------------------------------------------------------------------------------------
def _timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def _paired(fn, base, runs: int) -> tuple[float, float, float]:
    """Median seconds of ``fn`` and ``base`` and the median per-run ratio.

    The two are timed back to back in alternating order, so both see the same machine load.
    """
    times, base_times, ratios = [], [], []
    for run in range(runs):
        if run % 2:
            t_fn, t_base = _timed(fn), _timed(base)
        else:
            t_base, t_fn = _timed(base), _timed(fn)
        times.append(t_fn)
        base_times.append(t_base)
        ratios.append(t_fn / t_base)
    return statistics.median(times), statistics.median(base_times), statistics.median(ratios)


def bench_speed(root: Path, runs: int) -> dict:
    texts = []
    for name in ("hkcnews.jsonl", "peoples_daily_s1000.jsonl"):
        with open(root / "indomain" / name, encoding="utf-8") as fh:
            texts.extend(json.loads(line)["text"] for _, line in zip(range(300), fh))
    text = "\n".join(texts)
    seeds = "\n\n".join(p.read_text("utf-8") for p in sorted((root / "seeds").glob("*.txt")))
    convert("预热", "t2s")
    normalize_text("预热")
    mojibake_score("预热中文")
    step = NormalizeStep(min_chars=None, min_han_ratio=None, max_mojibake_score=None, max_repetition_ratio=None)

    def run_step() -> None:
        step(Doc(doc_id="x", source_path="x", input_kind="text", paragraphs=texts[:]))

    def opencc() -> None:
        convert(text, "t2s")

    norm_s, opencc_s, norm_ratio = _paired(lambda: normalize_text(text, "t2s"), opencc, runs)
    step_s, _, step_ratio = _paired(run_step, opencc, runs)
    clean_s, _, clean_ratio = _paired(lambda: clean_text(seeds), lambda: convert(seeds, "t2s"), runs)
    return {
        "chars": len(text),
        "opencc_t2s_chars_per_s": len(text) / opencc_s,
        "normalize_text_chars_per_s": len(text) / norm_s,
        "normalize_text_vs_opencc": norm_ratio,
        "normalize_step_chars_per_s": len(text) / step_s,
        "normalize_step_vs_opencc": step_ratio,
        "seed_chars": len(seeds),
        "clean_text_chars_per_s": len(seeds) / clean_s,
        "clean_text_vs_opencc": clean_ratio,
    }


# -- segmentation on Traditional text ---------------------------------------------------------
def _spans(words: list[str]) -> set[tuple[int, int]]:
    out, pos = set(), 0
    for w in words:
        w = re.sub(r"\s+", "", w)
        if w:
            out.add((pos, pos + len(w)))
            pos += len(w)
    return out


def bench_sighan(root: Path, limit: int | None) -> dict:
    import jieba

    jieba.setLogLevel(60)
    folder = root / "benchmarks" / "trad_sighan2005"
    raw_lines = (folder / "cityu_test.utf8").read_text("utf-8").splitlines()[:limit]
    gold_lines = (folder / "cityu_test_gold.utf8").read_text("utf-8").splitlines()[:limit]
    counts = {key: [0, 0, 0] for key in ("raw", "t2s", "hk2s")}  # tp, pred, gold
    skipped = 0
    for raw, gold in zip(raw_lines, gold_lines):
        raw = re.sub(r"\s+", "", raw)
        gold_spans = _spans(gold.split())
        variants = {"raw": raw}
        for config in ("t2s", "hk2s"):
            converted = normalize_text(raw, config)
            if len(converted) != len(raw):
                skipped += 1
                break
            variants[config] = converted
        else:
            for key, text in variants.items():
                pred = _spans(jieba.lcut(text))  # boundaries carry over: same length
                counts[key][0] += len(pred & gold_spans)
                counts[key][1] += len(pred)
                counts[key][2] += len(gold_spans)
    out: dict[str, float | int] = {"lines": len(raw_lines), "skipped_length_change": skipped}
    for key, (tp, npred, ngold) in counts.items():
        p, r = tp / max(npred, 1), tp / max(ngold, 1)
        out[f"jieba_f1_{key}"] = 2 * p * r / max(p + r, 1e-9)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--limit", type=int, default=None, help="pages/lines per set (default: all)")
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--skip-sighan", action="store_true")
    parser.add_argument("--skip-pages", action="store_true")
    args = parser.parse_args()
    root = shared_data_dir()
    report: dict[str, object] = {"seeds": bench_seeds(root)}
    if not args.skip_pages:
        report["flattened_gold_pages"] = bench_pages(root, args.limit)
    if not args.skip_speed:
        report["speed"] = bench_speed(root, args.runs)
    if not args.skip_sighan:
        report["sighan_cityu"] = bench_sighan(root, args.limit)
    print(json.dumps(_rounded(report), ensure_ascii=False, indent=1))


def _rounded(value: object) -> object:
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    return value


if __name__ == "__main__":
    main()
