"""Dedup benchmark: pair precision/recall against exact Jaccard, speed and memory, scaling.

    python benchmarks/dedup.py quality [--ngrams 3 4 5] [--num-perms 128 256]
    python benchmarks/dedup.py scale --docs 10000      # one size per process (peak RSS is per process)
    python benchmarks/dedup.py peer --docs 5000         # datasketch MinHash + MinHashLSH side by side

Ground truth: every pair of documents whose character n-gram sets (of the same normalized text
the step uses) have exact Jaccard >= threshold, found with a sparse matrix product.  Predicted
pairs: every pair of documents placed in the same cluster.  Real data: ../shared/data/indomain.
Synthetic: copies of real articles (paragraph shuffles, inserted boilerplate, Traditional
round trip, 1-30 % character edits).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import statistics
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks._shared import shared_data_dir  # noqa: E402
from pipeline.dedup import DedupInput, find_duplicates  # noqa: E402
from pipeline.dedup.textkey import dedup_key  # noqa: E402
from pipeline.normalize.opencc_convert import convert  # noqa: E402

# Boilerplate written for this benchmark (site chrome that syndicating sites add).
BOILERPLATE = [
    "责任编辑：张伟",
    "扫一扫，在手机上阅读本文",
    "【免责声明】本站转载此文出于传递更多信息之目的，不代表本站观点。",
    "相关新闻：",
    "分享到：微信 微博 QQ空间",
    "来源：本站综合",
    "点击关注，获取更多健康资讯",
]
_HAN = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理府研"


def load_indomain() -> list[DedupInput]:
    recs = []
    for path in sorted((shared_data_dir() / "indomain").glob("*.jsonl")):
        for line in path.open(encoding="utf-8"):
            d = json.loads(line)
            recs.append(DedupInput(d["id"], d["text"], d["date"], len(d["text"])))
    return recs


def char_edits(text: str, rate: float, rng: random.Random) -> str:
    """Replace, delete or insert characters at ``rate`` of the positions."""
    out = []
    for ch in text:
        if ch != "\n" and rng.random() < rate:
            op = rng.randrange(3)
            if op == 0:
                out.append(rng.choice(_HAN))
            elif op == 2:
                out.extend((ch, rng.choice(_HAN)))
        else:
            out.append(ch)
    return "".join(out)


def variant(text: str, kind: str, rng: random.Random) -> str:
    paras = [p for p in text.split("\n") if p.strip()]
    if kind == "shuffle":
        rng.shuffle(paras)
        return "\n".join(paras)
    if kind == "boilerplate":
        return "\n".join([rng.choice(BOILERPLATE), *paras, *rng.sample(BOILERPLATE, 2)])
    if kind == "traditional":
        return convert(convert(text, "s2t"), "t2s")
    if kind.startswith("edit"):
        return char_edits(text, float(kind[4:]) / 100, rng)
    raise ValueError(kind)


KINDS = ["shuffle", "boilerplate", "traditional", "edit1", "edit3", "edit5", "edit10", "edit20", "edit30"]


def synthetic_set(originals: list[DedupInput], seed: int = 0) -> tuple[list[DedupInput], dict[str, str]]:
    """Each original plus 2 random variants; returns the records and doc_id -> variant kind."""
    rng = random.Random(seed)
    recs, kinds = [], {}
    for o in originals:
        recs.append(o)
        kinds[o.doc_id] = "original"
        for j, kind in enumerate(rng.sample(KINDS, 2)):
            text = variant(o.text, kind, rng)
            doc_id = f"{o.doc_id}-{j}"
            recs.append(DedupInput(doc_id, text, o.published_at, len(text)))
            kinds[doc_id] = kind
    return recs, kinds


def exact_pairs(recs: list[DedupInput], n: int, threshold: float) -> set[tuple[int, int]]:
    """All index pairs with exact Jaccard of character n-gram sets >= threshold."""
    vocab: dict[str, int] = {}
    rows, cols = [], []
    for i, r in enumerate(recs):
        key = dedup_key(r.text)
        grams = {key[k : k + n] for k in range(max(1, len(key) - n + 1))} if key else set()
        for g in grams:
            rows.append(i)
            cols.append(vocab.setdefault(g, len(vocab)))
    m = csr_matrix((np.ones(len(rows), dtype=np.int32), (rows, cols)), shape=(len(recs), len(vocab)))
    sizes = np.asarray(m.sum(axis=1)).ravel()
    inter = (m @ m.T).tocoo()
    keep = inter.row < inter.col
    r, c, v = inter.row[keep], inter.col[keep], inter.data[keep]
    jac = v / (sizes[r] + sizes[c] - v)
    hit = jac >= threshold
    return set(zip(r[hit].tolist(), c[hit].tolist()))


def cluster_pairs(recs: list[DedupInput], result) -> set[tuple[int, int]]:
    index = {r.doc_id: i for i, r in enumerate(recs)}
    pairs = set()
    for members in result.clusters().values():
        ids = sorted(index[m] for m in members)
        pairs.update((a, b) for k, a in enumerate(ids) for b in ids[k + 1 :])
    return pairs


def prf(pred: set, truth: set) -> tuple[float, float]:
    tp = len(pred & truth)
    return (tp / len(pred) if pred else 1.0), (tp / len(truth) if truth else 1.0)


def cmd_quality(args: argparse.Namespace) -> None:
    real = load_indomain()
    longish = [r for r in real if len(r.text) >= 200]
    synth, kinds = synthetic_set(random.Random(1).sample(longish, min(600, len(longish))))
    print(f"# quality: threshold {args.threshold}; indomain {len(real)} docs; synthetic {len(synth)} docs")
    print("| set | n | num_perm | true pairs | predicted | precision | recall | docs/s (median of 3) |")
    print("|---|---|---|---|---|---|---|---|")
    for n in args.ngrams:
        truth = {name: exact_pairs(recs, n, args.threshold) for name, recs in (("indomain", real), ("synthetic", synth))}
        for num_perm in args.num_perms:
            for name, recs in (("indomain", real), ("synthetic", synth)):
                times = []
                for _ in range(3):
                    t = time.perf_counter()
                    res = find_duplicates(recs, threshold=args.threshold, ngram=n, num_perm=num_perm)
                    times.append(time.perf_counter() - t)
                pred = cluster_pairs(recs, res)
                p, r = prf(pred, truth[name])
                rate = len(recs) / statistics.median(times)
                print(f"| {name} | {n} | {num_perm} | {len(truth[name])} | {len(pred)} | {p:.3f} | {r:.3f} | {rate:,.0f} |")
        # which synthetic copies are near duplicates at this n (exact Jaccard with their original)
        index = {r.doc_id: i for i, r in enumerate(synth)}
        share = {}
        for kind in KINDS:
            ids = [d for d, k in kinds.items() if k == kind]
            hits = sum((index[d.rsplit("-", 1)[0]], index[d]) in truth["synthetic"] for d in ids)
            share[kind] = f"{hits}/{len(ids)}"
        print(f"\nn={n}: copies with exact Jaccard >= {args.threshold} to their original: {share}\n")


def stream_synthetic(total: int, seed: int = 0) -> Iterator[DedupInput]:
    """``total`` documents built from real sentences: 80 % new stitched stories, 20 % near copies."""
    real = load_indomain()
    sentences = [s for r in real for s in re.split(r"(?<=[。！？])", r.text) if len(s) >= 8]
    rng = random.Random(seed)
    recent: list[str] = []
    for i in range(total):
        if recent and rng.random() < 0.2:
            text = variant(rng.choice(recent), rng.choice(["shuffle", "boilerplate", "edit1", "edit3"]), rng)
        else:
            k = rng.randint(4, 24)
            paras, cur = [], []
            for s in rng.choices(sentences, k=k):
                cur.append(s)
                if rng.random() < 0.3:
                    paras.append("".join(cur))
                    cur = []
            text = "\n".join(paras + ["".join(cur)])
            recent.append(text)
            if len(recent) > 1000:
                recent.pop(rng.randrange(len(recent)))
        day = 1 + rng.randrange(28)
        yield DedupInput(f"syn{i:08d}", text, f"2020-02-{day:02d}", len(text))


def cmd_scale(args: argparse.Namespace) -> None:
    t = time.perf_counter()
    chars = sum(len(r.text) for r in stream_synthetic(args.docs))
    gen = time.perf_counter() - t
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t = time.perf_counter()
    res = find_duplicates(stream_synthetic(args.docs), num_perm=args.num_perm, ngram=args.ngram)
    total = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({
        "docs": args.docs, "chars": chars, "generate_s": round(gen, 1), "total_s_incl_generation": round(total, 1),
        "dedup_s": round(total - gen, 1), "docs_per_s": round(args.docs / (total - gen)),
        "peak_rss_mb": round(peak / 1024), "rss_before_mb": round(rss0 / 1024), **res.stats,
    }))


def cmd_peer(args: argparse.Namespace) -> None:
    """datasketch end to end (MinHash per document + MinHashLSH) vs this step, same documents."""
    from datasketch import MinHash, MinHashLSH

    recs = list(stream_synthetic(args.docs))
    ours, peer = [], []
    for _ in range(3):
        t = time.perf_counter()
        res = find_duplicates(recs, paragraphs=False)
        ours.append(time.perf_counter() - t)
        t = time.perf_counter()
        lsh = MinHashLSH(threshold=0.8, num_perm=128)
        for r in recs:
            key = dedup_key(r.text)
            m = MinHash(num_perm=128)
            m.update_batch([key[k : k + 5].encode() for k in range(max(1, len(key) - 4))])
            lsh.insert(r.doc_id, m)
        peer.append(time.perf_counter() - t)
    a, b = statistics.median(ours), statistics.median(peer)
    print(f"{len(recs)} docs: this step {a:.2f} s ({len(recs)/a:,.0f} docs/s, incl. clustering); "
          f"datasketch MinHash+MinHashLSH insert only {b:.2f} s ({len(recs)/b:,.0f} docs/s); ratio {b/a:.1f}x; "
          f"clusters>1: {len(res.clusters())}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    q = sub.add_parser("quality")
    q.add_argument("--ngrams", type=int, nargs="+", default=[3, 4, 5])
    q.add_argument("--num-perms", type=int, nargs="+", default=[128])
    q.add_argument("--threshold", type=float, default=0.8)
    s = sub.add_parser("scale")
    s.add_argument("--docs", type=int, default=10_000)
    s.add_argument("--num-perm", type=int, default=128)
    s.add_argument("--ngram", type=int, default=5)
    p = sub.add_parser("peer")
    p.add_argument("--docs", type=int, default=5_000)
    args = ap.parse_args()
    {"quality": cmd_quality, "scale": cmd_scale, "peer": cmd_peer}[args.cmd](args)


if __name__ == "__main__":
    main()
