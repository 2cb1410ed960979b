"""Dedup benchmark: pair precision/recall against exact Jaccard, syndication, speed and memory, scaling.

    python benchmarks/dedup.py quality [--ngrams 3 4 5] [--num-perms 128 256] [--rules half center center_or_half]
    python benchmarks/dedup.py syndication            # syndicated copies with known origin
    python benchmarks/dedup.py scale --docs 10000      # one size per process (peak RSS is per process)
    python benchmarks/dedup.py peer --docs 5000         # datasketch MinHash + MinHashLSH side by side
    python benchmarks/dedup.py threshold               # copies of unseen articles at Jaccard 0.75-0.85

Ground truth: every pair of documents whose character n-gram sets (of the same compared text the
step uses: normalized, reposters' comments dropped) have exact Jaccard >= threshold, found with a
sparse matrix product.  Scored twice: (a) the pairs the step asserts (verified LSH candidates and
identical texts) and (b) every pair of documents placed in the same cluster.  Real data:
../shared/data/indomain.  Synthetic: copies of real articles (paragraph shuffles, inserted
boilerplate, Traditional round trip, 1-30 % character edits).  Syndication: real multi-paragraph
articles with copies as other sites publish them (lead rewritten, paragraph dropped or added,
"原标题：" line, footer), ground truth = same origin.  Threshold: copies of articles the step
was never tuned on (the gold bodies of ../shared/data/extraction, THUCNews articles) edited until
their exact Jaccard to the original lies just above (0.80-0.85) or just below (0.75-0.80) the
threshold, beside lightly edited copies (shuffle, boilerplate, script round trip, 1-2 % edits).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
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
from pipeline.dedup import DedupInput, Deduplicator, DedupResult  # noqa: E402
from pipeline.dedup import core as dedup_core  # noqa: E402
from pipeline.dedup.textkey import dedup_key, document_key, line_keys  # noqa: E402
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


def pair_stats(recs: list[DedupInput], n: int, with_sizes: bool = False) -> tuple[np.ndarray, ...]:
    """Every index pair sharing an n-gram: rows, cols, exact Jaccard, containment of the smaller set
    (and the n-gram set sizes)."""
    vocab: dict[str, int] = {}
    rows, cols = [], []
    for i, r in enumerate(recs):
        key = document_key(r.text)
        grams = {key[k : k + n] for k in range(max(1, len(key) - n + 1))} if key else set()
        for g in grams:
            rows.append(i)
            cols.append(vocab.setdefault(g, len(vocab)))
    m = csr_matrix((np.ones(len(rows), dtype=np.int32), (rows, cols)), shape=(len(recs), len(vocab)))
    sizes = np.asarray(m.sum(axis=1)).ravel()
    inter = (m @ m.T).tocoo()
    keep = inter.row < inter.col
    r, c, v = inter.row[keep], inter.col[keep], inter.data[keep]
    out = (r, c, v / (sizes[r] + sizes[c] - v), v / np.minimum(sizes[r], sizes[c]))
    return (*out, sizes) if with_sizes else out


def shared_paragraph_share(small: str, large: str) -> float:
    """Share of ``small``'s normalized characters in paragraphs (>= 20 chars) found verbatim in ``large``."""
    keys_small = {k for k in line_keys(small) if len(k) >= 20}
    keys_large = set(line_keys(large))
    total = len(document_key(small))
    return sum(len(k) for k in keys_small & keys_large) / max(total, 1)


def truth_sets(recs: list[DedupInput], n: int, threshold: float) -> dict[str, set[tuple[int, int]]]:
    """Exact ground truth: ``jaccard`` (J >= threshold) and ``either`` (J >= threshold, or the
    syndication criterion computed exactly: containment >= 0.7, J >= 0.5, the smaller document has
    >= 200 distinct n-grams and >= half of its characters in paragraphs the other has verbatim)."""
    r, c, jac, con, sizes = pair_stats(recs, n, with_sizes=True)
    jhit = jac >= threshold
    either = set(zip(r[jhit].tolist(), c[jhit].tolist()))
    maybe = ~jhit & (con >= 0.7) & (jac >= 0.5) & (np.minimum(sizes[r], sizes[c]) >= 200)
    for a, b in zip(r[maybe].tolist(), c[maybe].tolist()):
        ka, kb = len(document_key(recs[a].text)), len(document_key(recs[b].text))
        small, large = (a, b) if ka <= kb else (b, a)
        if shared_paragraph_share(recs[small].text, recs[large].text) >= 0.5:
            either.add((a, b))
    return {"jaccard": set(zip(r[jhit].tolist(), c[jhit].tolist())), "either": either}


def cluster_pairs(recs: list[DedupInput], result) -> set[tuple[int, int]]:
    """(b) every pair of documents placed in the same cluster."""
    index = {r.doc_id: i for i, r in enumerate(recs)}
    pairs = set()
    for members in result.clusters().values():
        ids = sorted(index[m] for m in members)
        pairs.update((a, b) for k, a in enumerate(ids) for b in ids[k + 1 :])
    return pairs


def asserted_pairs(recs: list[DedupInput], result, threshold: float | None) -> set[tuple[int, int]]:
    """(a) the verified near-duplicate pairs (only those with Jaccard >= ``threshold`` if given)
    plus pairs of identical normalized texts."""
    index = {r.doc_id: i for i, r in enumerate(recs)}
    out = set()
    for a, b, jac, _ in result.pairs:
        if threshold is None or jac >= threshold:
            out.add(tuple(sorted((index[a], index[b]))))
    for members in result.clusters().values():  # identical texts are linked without LSH
        keys: dict[str, list[int]] = {}
        for m in members:
            keys.setdefault(document_key(recs[index[m]].text), []).append(index[m])
        for ids in keys.values():
            ids.sort()
            out.update((x, y) for k, x in enumerate(ids) for y in ids[k + 1 :])
    return out


def find_duplicates(records: list[DedupInput], **params: object) -> DedupResult:
    """Dedup as a run does it: features in batches (as tasks stage them), one index, clustered."""
    dedup = Deduplicator(**params)  # type: ignore[arg-type]
    index = dedup.index()
    for batch in dedup.featurized(records):
        index.add(batch)
    return index.result()


def rule_clusters(n: int, edges: np.ndarray, order: np.ndarray, rule: str) -> np.ndarray:
    """``linkage_clusters`` with another joining rule, for comparison: ``"half"`` as the step
    (linked to at least half of a cluster), ``"center"`` joins any cluster whose center it is
    linked to (a star), ``"center_or_half"`` either."""
    if len(edges) == 0:
        return np.arange(n, dtype=np.int64)
    links: list[set[int]] = [set() for _ in range(n)]
    for a, b in edges.tolist():
        links[a].add(b)
        links[b].add(a)
    pos = np.empty(n, dtype=np.int64)
    pos[order] = np.arange(n)
    center, size, assigned = list(range(n)), [1] * n, [False] * n
    half, star = rule in ("half", "center_or_half"), rule in ("center", "center_or_half")
    for row in order.tolist():
        counts: dict[int, int] = {}
        for other in links[row]:
            if assigned[other]:
                counts[center[other]] = counts.get(center[other], 0) + 1
        assigned[row] = True
        best, best_key = -1, (0.0, 0)
        for c, count in counts.items():
            if (half and 2 * count >= size[c]) or (star and c in links[row]):
                key = (-count / size[c], int(pos[c]))
                if best < 0 or key < best_key:
                    best, best_key = c, key
        if best >= 0:
            center[row] = best
            size[best] += 1
    return np.array(center, dtype=np.int64)


@contextlib.contextmanager
def linkage_rule(rule: str) -> Iterator[None]:
    """Run the clustering with another joining rule (:func:`rule_clusters`)."""
    original = dedup_core.linkage_clusters
    dedup_core.linkage_clusters = functools.partial(rule_clusters, rule=rule)  # type: ignore[assignment]
    try:
        yield
    finally:
        dedup_core.linkage_clusters = original


def prf(pred: set, truth: set) -> tuple[float, float]:
    tp = len(pred & truth)
    return (tp / len(pred) if pred else 1.0), (tp / len(truth) if truth else 1.0)


def score_row(name: str, recs: list[DedupInput], truth: set, res, threshold: float | None, label: str) -> str:
    pa, ra = prf(asserted_pairs(recs, res, threshold), truth)
    cl = cluster_pairs(recs, res)
    pb, rb = prf(cl, truth)
    return f"| {name} | {label} | {len(truth)} | {pa:.3f} | {ra:.3f} | {len(cl)} | {pb:.3f} | {rb:.3f} |"


def cmd_quality(args: argparse.Namespace) -> None:
    real = load_indomain()
    longish = [r for r in real if len(r.text) >= 200]
    synth, kinds = synthetic_set(random.Random(1).sample(longish, min(600, len(longish))))
    print(f"# quality: threshold {args.threshold}; indomain {len(real)} docs; synthetic {len(synth)} docs")
    print("(a) = asserted pairs (verified LSH candidates + identical texts); (b) = cluster co-membership pairs\n")
    print("| set | criterion / truth | true pairs | (a) precision | (a) recall | (b) pairs | (b) precision | (b) recall |")
    print("|---|---|---|---|---|---|---|---|")
    for n in args.ngrams:
        for name, recs in (("indomain", real), ("synthetic", synth)):
            truth = truth_sets(recs, n, args.threshold)
            for num_perm in args.num_perms:
                jonly = find_duplicates(recs, threshold=args.threshold, ngram=n, num_perm=num_perm, containment=0)
                both = find_duplicates(recs, threshold=args.threshold, ngram=n, num_perm=num_perm)
                tag = f"n={n}, {num_perm} perms"
                print(score_row(name, recs, truth["jaccard"], jonly, None, f"Jaccard only / J>=0.8 ({tag})"))
                print(score_row(name, recs, truth["jaccard"], both, args.threshold, f"default (J or C) / J>=0.8 ({tag})"))
                print(score_row(name, recs, truth["either"], both, None, f"default (J or C) / J>=0.8 or C ({tag})"))
        for rule in args.rules:  # clustering rule comparison (pair verification unchanged)
            for name, recs in (("indomain", real), ("synthetic", synth)):
                truth = truth_sets(recs, n, args.threshold)["jaccard"]
                with linkage_rule(rule):
                    res = find_duplicates(recs, threshold=args.threshold, ngram=n, containment=0)
                print(score_row(name, recs, truth, res, None, f"Jaccard only, linkage rule {rule!r} / J>=0.8"))
        if args.copies:
            index = {r.doc_id: i for i, r in enumerate(synth)}
            jtruth = truth_sets(synth, n, args.threshold)["jaccard"]
            share = {}
            for kind in KINDS:
                ids = [d for d, k in kinds.items() if k == kind]
                hits = sum((index[d.rsplit("-", 1)[0]], index[d]) in jtruth for d in ids)
                share[kind] = f"{hits}/{len(ids)}"
            print(f"\nn={n}: copies with exact Jaccard >= {args.threshold} to their original: {share}\n")


SYNDICATION_FOOTERS = [
    "（来源：本报综合）",
    "责任编辑：李明 校对：王芳",
    "本文转载自其他媒体，转载目的在于传递更多信息，并不代表本网赞同其观点。",
    "欢迎关注我们的微信公众号，获取更多权威资讯。",
    "【纠错】【责任编辑：赵静】",
]
SYNDICATION_OPS = ("lead", "drop", "add", "footer", "title")


def rewrite_lead(lead: str, rng: random.Random) -> str:
    """A rewritten lead sentence: clauses reordered and re-worded (~25 % of characters edited)."""
    clauses = [c for c in re.split(r"(?<=[，。；])", lead) if c]
    if len(clauses) > 2:
        head = clauses[:2]
        rng.shuffle(head)
        clauses = head + clauses[2:]
    return char_edits("".join(clauses), 0.25, rng)


def syndicated_copy(paras: list[str], title: str, donor: list[str], rng: random.Random) -> tuple[str, list[str]]:
    """A copy as another site publishes it; returns the text and the operations applied."""
    ops = rng.sample(SYNDICATION_OPS, rng.randint(2, 4))
    out = list(paras)
    if "drop" in ops:
        del out[rng.randrange(1, len(out))]
    if "add" in ops:
        out.insert(rng.randrange(1, len(out) + 1), rng.choice(donor))
    if "lead" in ops:
        out[0] = rewrite_lead(out[0], rng)
    if "title" in ops:
        out.insert(0, "原标题：" + title)
    if "footer" in ops:
        out.extend(rng.sample(SYNDICATION_FOOTERS, rng.randint(1, 2)))
    return "\n".join(out), ops


def syndication_set(seed: int = 0, copies: int = 2, limit: int = 400) -> tuple[list[DedupInput], list[int]]:
    """Real multi-paragraph articles, each with ``copies`` syndicated copies; returns the records and
    each record's origin (index of its original).  Originals resembling each other are left out."""
    rng = random.Random(seed)
    real = [r for r in load_indomain() if len(r.text) >= 300 and len([p for p in r.text.split("\n") if p.strip()]) >= 4]
    r, c, jac, _ = pair_stats(real, 5)
    close = set(r[jac >= 0.3].tolist()) | set(c[jac >= 0.3].tolist())
    originals = [x for i, x in enumerate(real) if i not in close]
    originals = rng.sample(originals, min(limit, len(originals)))
    titles = {d["id"]: d.get("title") or "" for d in _indomain_rows()}
    recs, origin = [], []
    for k, o in enumerate(originals):
        paras = [p for p in o.text.split("\n") if p.strip()]
        recs.append(o)
        origin.append(k)
        donor_doc = originals[(k + 1 + rng.randrange(len(originals) - 1)) % len(originals)]
        donor = [p for p in donor_doc.text.split("\n") if len(p) >= 30] or [donor_doc.text[:80]]
        title = titles.get(o.doc_id) or paras[0][:24]
        for j in range(copies):
            text, _ = syndicated_copy(paras, title, donor, rng)
            recs.append(DedupInput(f"{o.doc_id}-s{j}", text, o.published_at, len(text)))
            origin.append(k)
    return recs, origin


def _indomain_rows() -> Iterator[dict]:
    for path in sorted((shared_data_dir() / "indomain").glob("*.jsonl")):
        for line in path.open(encoding="utf-8"):
            yield json.loads(line)


def cmd_syndication(args: argparse.Namespace) -> None:
    """Pair P/R against same-origin ground truth, Jaccard only vs Jaccard or containment."""
    recs, origin = syndication_set(args.seed)
    groups: dict[int, list[int]] = {}
    for i, k in enumerate(origin):
        groups.setdefault(k, []).append(i)
    truth = {(a, b) for ids in groups.values() for x, a in enumerate(ids) for b in ids[x + 1 :]}
    r, c, jac, con = pair_stats(recs, 5)
    same = np.array([origin[x] == origin[y] for x, y in zip(r.tolist(), c.tolist())], dtype=bool)
    print(f"# syndication: {len(groups)} originals x {len(recs) // len(groups)} copies = {len(recs)} docs, "
          f"{len(truth)} same-origin pairs")
    print(f"exact 5-gram Jaccard of same-origin pairs: median {np.median(jac[same]):.2f}, "
          f"share >= 0.8: {np.mean(jac[same] >= 0.8):.2f}; max over different-origin pairs: "
          f"Jaccard {jac[~same].max():.2f}, containment {con[~same].max():.2f}\n")
    print("Exact criterion sweep (J >= 0.8, or containment >= c with J >= 0.5, smaller >= 200 n-grams, "
          "shared verbatim paragraphs >= p of the smaller):\n")
    print("| c | p | same-origin pairs accepted (recall) | different-origin pairs accepted |")
    print("|---|---|---|---|")
    sizes = pair_stats(recs, 5, with_sizes=True)[4]
    big = np.minimum(sizes[r], sizes[c]) >= 200
    share = np.zeros(len(r))
    for k in np.flatnonzero((jac >= 0.5) & (jac < 0.8) & (con >= 0.6) & big).tolist():
        x, y = int(r[k]), int(c[k])
        small, large = (x, y) if len(document_key(recs[x].text)) <= len(document_key(recs[y].text)) else (y, x)
        share[k] = shared_paragraph_share(recs[small].text, recs[large].text)
    for cmin in (0.6, 0.7, 0.8):
        for pmin in (0.0, 0.5):
            ok = (jac >= 0.8) | ((con >= cmin) & (jac >= 0.5) & big & (share >= pmin))
            print(f"| {cmin} | {pmin} | {np.count_nonzero(ok & same) / len(truth):.3f} | {np.count_nonzero(ok & ~same)} |")
    print()
    print("| criterion | (a) asserted pairs | (a) precision | (a) recall | (b) cluster pairs | (b) precision | (b) recall |")
    print("|---|---|---|---|---|---|---|")
    criteria = (
        ("Jaccard >= 0.8", {"containment": 0}),
        ("Jaccard >= 0.8 or syndicated (containment >= 0.7; default)", {}),
    )
    for label, kwargs in criteria:
        res = find_duplicates(recs, **kwargs)
        pred = asserted_pairs(recs, res, None)
        cl = cluster_pairs(recs, res)
        pa, ra = prf(pred, truth)
        pb, rb = prf(cl, truth)
        print(f"| {label} | {len(pred)} | {pa:.3f} | {ra:.3f} | {len(cl)} | {pb:.3f} | {rb:.3f} |")


_CJK = [chr(c) for c in range(0x4E00, 0x9FA6)]


def disguise(text: str, rng: random.Random, share: float = 0.5) -> str:
    """Per-document substitution: each distinct Han character of ``text`` is, with probability
    ``share``, replaced everywhere by a random CJK character.  Layout, length and repetitions inside
    the document are kept, but two documents stitched from the same real sentence keep a shared
    5-gram only where all five characters escaped substitution in both (~``(1-share)**10``), so
    unrelated synthetic documents overlap about as little as unrelated real articles."""
    table = {ord(ch): rng.choice(_CJK) for ch in sorted(set(text)) if "\u4e00" <= ch <= "\u9fa5" and rng.random() < share}
    return text.translate(table)


def stream_synthetic(total: int, seed: int = 0, dup_share: float = 0.1) -> Iterator[DedupInput]:
    """``total`` documents built from real sentences: new stories (sentences stitched, then disguised
    per document by :func:`disguise`) and a ``dup_share`` of near copies of recent stories (paragraph
    shuffle, boilerplate, 1 % or 3 % character edits)."""
    real = load_indomain()
    sentences = [s for r in real for s in re.split(r"(?<=[。！？])", r.text) if len(s) >= 8]
    rng = random.Random(seed)
    recent: list[str] = []
    for i in range(total):
        if recent and rng.random() < dup_share:
            text = variant(rng.choice(recent), rng.choice(["shuffle", "boilerplate", "edit1", "edit3"]), rng)
        else:
            k = rng.randint(4, 24)
            paras, cur = [], []
            for s in rng.choices(sentences, k=k):
                cur.append(s)
                if rng.random() < 0.3:
                    paras.append("".join(cur))
                    cur = []
            text = disguise("\n".join(paras + ["".join(cur)]), rng)
            recent.append(text)
            if len(recent) > 1000:
                recent.pop(rng.randrange(len(recent)))
        day = 1 + rng.randrange(28)
        yield DedupInput(f"syn{i:08d}", text, f"2020-02-{day:02d}", len(text))


def timed_stream(docs: Iterator[DedupInput], acc: dict[str, float]) -> Iterator[DedupInput]:
    """Pass ``docs`` through, adding the time spent producing them to ``acc["generate_s"]`` and
    their characters to ``acc["chars"]`` (one pass: the documents are not generated twice)."""
    while True:
        t = time.perf_counter()
        try:
            doc = next(docs)
        except StopIteration:
            return
        acc["generate_s"] += time.perf_counter() - t
        acc["chars"] += len(doc.text)
        yield doc


def cmd_scale(args: argparse.Namespace) -> None:
    acc = {"generate_s": 0.0, "chars": 0}
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t = time.perf_counter()
    cpu = time.process_time()
    docs = timed_stream(stream_synthetic(args.docs, dup_share=args.dup_share), acc)
    res = find_duplicates(docs, num_perm=args.num_perm, ngram=args.ngram)
    total = time.perf_counter() - t
    cpu = time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    gen = acc["generate_s"]
    print(json.dumps({
        "docs": args.docs, "chars": int(acc["chars"]), "generate_s": round(gen, 1), "total_s_incl_generation": round(total, 1),
        "dedup_s": round(total - gen, 1), "cpu_s_incl_generation": round(cpu, 1), "docs_per_s": round(args.docs / (total - gen)),
        "peak_rss_mb": round(peak / 1024), "rss_before_mb": round(rss0 / 1024), "dup_share": args.dup_share,
        "candidate_pairs_per_doc": round(res.stats["candidate_pairs"] / max(args.docs, 1), 3), **res.stats,
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


def unseen_articles(limit: int, seed: int = 0) -> list[DedupInput]:
    """Articles dedup was not tuned on: gold bodies of the extraction pages and THUCNews articles
    (>= 300 characters of compared text), ``limit`` at most, drawn at random."""
    root = shared_data_dir()
    texts = [json.loads(p.read_text(encoding="utf-8")).get("body") or ""
             for p in sorted((root / "extraction").glob("*_zh/*.json"))]
    cnews = root / "benchmarks" / "cnews_sample1000" / "cnews.sample1000.txt"
    texts += [line.split("\t", 1)[1].strip() for line in cnews.open(encoding="utf-8") if "\t" in line]
    texts = [t for t in dict.fromkeys(texts) if len(document_key(t)) >= 300]
    picked = random.Random(seed).sample(texts, min(limit, len(texts)))
    return [DedupInput(f"art{i:04d}", t, "2024-01-01", len(t)) for i, t in enumerate(picked)]


def grams(text: str, n: int = 5) -> set[str]:
    key = document_key(text)
    return {key[k : k + n] for k in range(max(1, len(key) - n + 1))} if key else set()


def copy_in_band(text: str, low: float, high: float, rng: random.Random, tries: int = 60) -> tuple[str, float] | None:
    """A character-edited copy of ``text`` whose exact 5-gram Jaccard to it lies in [low, high)."""
    base = grams(text)
    target = (low + high) / 2
    rate = 1 - (2 * target / (1 + target)) ** (1 / 5)  # share of characters edited for that Jaccard
    for _ in range(tries):
        candidate = char_edits(text, rate * rng.uniform(0.6, 1.4), rng)
        other = grams(candidate)
        jac = len(base & other) / len(base | other)
        if low <= jac < high:
            return candidate, jac
    return None


LIGHT_KINDS = ["shuffle", "boilerplate", "traditional", "edit1", "edit2"]


def threshold_set(limit: int, seed: int) -> tuple[list[DedupInput], dict[str, tuple[str, str]]]:
    """Unseen articles, each with a copy just above the threshold (Jaccard 0.80-0.85), one just
    below (0.75-0.80) and one lightly edited; returns the records and copy id -> (original, kind)."""
    rng = random.Random(seed)
    recs: list[DedupInput] = []
    made: dict[str, tuple[str, str]] = {}
    for original in unseen_articles(limit, seed):
        recs.append(original)
        copies = [("above", copy_in_band(original.text, 0.80, 0.85, rng)),
                  ("below", copy_in_band(original.text, 0.75, 0.80, rng))]
        kind = rng.choice(LIGHT_KINDS)
        light = variant(original.text, kind, rng) if not kind.startswith("edit") else char_edits(
            original.text, float(kind[4:]) / 100, rng)
        copies.append((kind, (light, 0.0)))
        for name, made_copy in copies:
            if made_copy is None:
                continue
            doc_id = f"{original.doc_id}-{name}"
            recs.append(DedupInput(doc_id, made_copy[0], "2024-01-02", len(made_copy[0])))
            made[doc_id] = (original.doc_id, name)
    return recs, made


def cmd_threshold(args: argparse.Namespace) -> None:
    recs, made = threshold_set(args.articles, args.seed)
    index = {r.doc_id: i for i, r in enumerate(recs)}
    r, c, jac, _ = pair_stats(recs, 5)
    exact = {(int(a), int(b)): float(j) for a, b, j in zip(r, c, jac)}
    band = {p for p, j in exact.items() if 0.8 <= j < 0.85}
    near = {p for p, j in exact.items() if 0.75 <= j < 0.85}
    kinds = sorted({k for _, k in made.values()})
    print(f"# threshold: {len(recs)} docs ({sum(1 for d in recs if d.doc_id not in made)} unseen articles); "
          f"true pairs with exact Jaccard in [0.80, 0.85): {len(band)}, in [0.75, 0.80): {len(near - band)}\n")
    print("| criterion | band pair recall | near-threshold pair precision | all asserted pairs precision "
          "| copies with J >= 0.8 clustered with their original | made copies (all but 'below') clustered "
          "with their original | 'below' copies kept apart | per kind |")
    print("|---|---|---|---|---|---|---|---|")
    for label, params in (("Jaccard only (`containment=0`)", {"containment": 0}), ("default", {})):
        res = find_duplicates(recs, **params)
        asserted = {tuple(sorted((index[a], index[b]))) for a, b, j, _ in res.pairs if j >= 0.8}
        recall = len(asserted & band) / len(band)
        near_asserted = [p for p in asserted if p in near]
        precision_near = sum(exact[p] >= 0.8 for p in near_asserted) / max(len(near_asserted), 1)
        precision_all = sum(exact.get(p, 0.0) >= 0.8 for p in asserted) / max(len(asserted), 1)
        assigned = dict(res)
        together = {d: assigned[d].dup_cluster_id == assigned[o].dup_cluster_id for d, (o, _) in made.items()}
        above = [d for d, (o, _) in made.items() if exact.get(tuple(sorted((index[o], index[d]))), 0.0) >= 0.8]
        per_kind = ", ".join(
            f"{k} {sum(together[d] for d, (_, kk) in made.items() if kk == k)}/{sum(1 for v in made.values() if v[1] == k)}"
            for k in kinds)
        copies = [d for d, (_, k) in made.items() if k != "below"]
        below = [d for d, (_, k) in made.items() if k == "below"]
        print(f"| {label} | {recall:.3f} ({len(asserted & band)}/{len(band)}) | {precision_near:.3f} "
              f"({len(near_asserted)} asserted) | {precision_all:.3f} | "
              f"{sum(together[d] for d in above) / len(above):.3f} ({len(above)}) | "
              f"{sum(together[d] for d in copies) / len(copies):.3f} ({len(copies)}) | "
              f"{sum(not together[d] for d in below) / len(below):.3f} ({len(below)}) | {per_kind} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    q = sub.add_parser("quality")
    q.add_argument("--num-perms", type=int, nargs="+", default=[128])
    q.add_argument("--threshold", type=float, default=0.8)
    q.add_argument("--ngrams", type=int, nargs="+", default=[5])
    q.add_argument("--copies", action="store_true", help="share of synthetic copies per kind above threshold")
    q.add_argument("--rules", nargs="*", default=[], help="also compare clustering rules: half center center_or_half")
    s = sub.add_parser("scale")
    s.add_argument("--docs", type=int, default=10_000)
    s.add_argument("--num-perm", type=int, default=128)
    s.add_argument("--ngram", type=int, default=5)
    s.add_argument("--dup-share", type=float, default=0.1, help="share of near copies of recent stories")
    y = sub.add_parser("syndication")
    y.add_argument("--seed", type=int, default=0)
    p = sub.add_parser("peer")
    p.add_argument("--docs", type=int, default=5_000)
    t = sub.add_parser("threshold")
    t.add_argument("--articles", type=int, default=400)
    t.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    commands = {"quality": cmd_quality, "scale": cmd_scale, "peer": cmd_peer, "syndication": cmd_syndication,
                "threshold": cmd_threshold}
    commands[args.cmd](args)


if __name__ == "__main__":
    main()
