"""Shift-aware evaluation of the relevance/topic model on ../shared/data/labels/train.jsonl.

Grouped cross-validation (leave one source family out; leave one contiguous time block out)
of the default configuration beside the previous default and a plain baseline, in one run,
plus two low-prevalence cases built from the public sets (general news, never about medical
workers' welfare), which are split into two halves: each fold trains with one half's items
that name medical workers as negatives and is tested on the other half (folds alternate).

- "general news": each held-out family's relevant items mixed with the other half's full
  articles so that about 8 % are relevant (most never name medical workers: the gate's case);
- "naming workers": the relevant items among the other half's articles and titles that name
  medical workers (patients, disease explainers, crime, celebrities), 9 % relevant; precision
  follows from the held-out recall and the false-positive rate on those items.

"adapt" is the default trained with ``zhnews train --pool``'s self-training fed the held-out
family's own unlabelled indomain/ items; "adapt-all" feeds it every unlabelled indomain/ item.
"before" is the default without negatives that name medical workers and with its threshold set
on the labelled mix alone (the shipped model before them). Exploratory configurations: "articles"
(such negatives from full articles only), "hwW" (their weight W), "lpS" (threshold for general
news at share S relevant), "lwW" (weight W of that F1 in the threshold objective), "tfT" (lowest
topic threshold T), "mtN" (at most N topics per item).

Run from the repository root:
    python benchmarks/classification_grouped.py [--configs default,before,previous,plain,classifier,adapt,adapt-all] [--schemes source,time] [--jobs 2]
    python benchmarks/classification_grouped.py --write-negatives negatives.jsonl   # the default model's negatives
    python benchmarks/classification_grouped.py --shipped [DIR ...]   # shipped (or given) models on the unseen second half
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _shared import shared_data_dir  # noqa: E402

from pipeline.classify.cooc import names_workers, worker_pattern  # noqa: E402
from pipeline.classify.cv import fold_plan  # noqa: E402
from pipeline.classify.data import labelled_set, read_jsonl  # noqa: E402
from pipeline.classify.groups import source_family  # noqa: E402
from pipeline.classify.metrics import multilabel_report  # noqa: E402
from pipeline.classify.model import TrainConfig  # noqa: E402
from pipeline.classify.settings import NEGATIVE_WEIGHT  # noqa: E402
from pipeline.classify.taxonomy import load_taxonomy  # noqa: E402
from pipeline.classify.text import prepare  # noqa: E402
from pipeline.classify.training import fit_labelled  # noqa: E402

#: share of relevant items in the low-prevalence mixes (the issue's 1-10 % range)
LOW_PREVALENCE = 0.08
#: share of relevant items among general news that names medical workers (a general-interest
#: daily's articles naming them: about 9 % were relevant to its readers)
NAMING_PREVALENCE = 0.09


def general_news_negatives(root: Path, exclude: set[str]) -> list[dict]:
    """The ``pool: other`` items of indomain/ (same outlets, not about medical workers)."""
    out = []
    for path in sorted((root / "indomain").glob("*.jsonl")):
        for line in path.open(encoding="utf-8"):
            rec = json.loads(line)
            if rec.get("pool") == "other" and rec["id"] not in exclude:
                out.append({"id": rec["id"], "title": rec.get("title") or "", "text": rec["text"], "relevant": False, "topics": []})
    return out


def public_halves(root: Path) -> tuple[list[dict], list[dict]]:
    """The public sets' general news in two halves (each set's own split where it has one):
    sogou eval, THUCNews dev titles and the even nlpcc headlines; sogou test, cnews, THUCNews
    test titles and the odd nlpcc headlines. Full articles carry ``article`` True."""

    def sogou(name: str) -> list[dict]:
        with (root / "benchmarks" / "sogou_mini5" / name).open(encoding="utf-8", newline="") as fh:
            return [{"id": f"{name}:{i}", "text": row["content"], "article": True} for i, row in enumerate(csv.DictReader(fh))]

    def thucnews(name: str) -> list[dict]:
        lines = (root / "benchmarks" / "thucnews_titles10" / name).read_text(encoding="utf-8").splitlines()
        return [{"id": f"thucnews-{name}:{i}", "text": x.rpartition("\t")[0], "article": False} for i, x in enumerate(lines)]

    lines = (root / "benchmarks" / "cnews_sample1000" / "cnews.sample1000.txt").read_text(encoding="utf-8").splitlines()
    cnews = [{"id": f"cnews:{i}", "text": x.split("\t", 1)[1], "article": True} for i, x in enumerate(lines) if "\t" in x]
    heads = (root / "benchmarks" / "nlpcc2017_headlines18" / "dev_labeled.word.txt").read_text(encoding="utf-8").splitlines()
    nlpcc = [{"id": f"nlpcc:{i}", "text": x.partition("\t")[2].replace(" ", ""), "article": False} for i, x in enumerate(heads)]
    first = sogou("sougou_eval.csv") + thucnews("dev.txt") + nlpcc[0::2]
    second = sogou("sougou_test.csv") + cnews + thucnews("test.txt") + nlpcc[1::2]
    return first, second


def naming_workers(records: list[dict], tax) -> list[dict]:
    """The records whose text names medical workers (the relevance gate's rule, on the prepared
    title and body: no segmentation needed)."""
    texts = [prepare(r.get("title"), r["text"]) for r in records]
    return [r for r, hit in zip(records, names_workers(texts, worker_pattern(tax.worker_terms))) if hit]


def unlabelled_pool(root: Path, exclude: set[str]) -> list[dict]:
    """indomain/ items not in ``exclude`` (train.jsonl and the negatives), each with its file's
    stem as ``source`` (how the grouped folds name an outlet)."""
    out = []
    for path in sorted((root / "indomain").glob("*.jsonl")):
        for line in path.open(encoding="utf-8"):
            rec = json.loads(line)
            if rec["id"] not in exclude:
                out.append({"id": rec["id"], "source": path.stem, "title": rec.get("title") or "", "text": rec["text"]})
    return out


def held_out_pool(pool: list[dict], test: list[dict]) -> list[dict]:
    """The unlabelled items of the source families a fold tests (its target corpus)."""
    families = {source_family(r.get("source")) for r in test}
    return [r for r in pool if source_family(r["source"]) in families]


class Plain:
    """Plain baseline: character 1-3-gram TF-IDF + logistic regression per label, threshold 0.5."""

    def __init__(self, records: list[dict], keys: list[str]) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        data = labelled_set(records, keys)
        self.keys = keys
        self.vec = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=2)
        X = self.vec.fit_transform([(r.get("title") or "") + "\n" + r["text"] for r in records])
        self.rel = LogisticRegression(max_iter=2000).fit(X, data.relevant)
        self.topics = {
            k: LogisticRegression(max_iter=2000).fit(X, data.topics[:, j]) if 0 < data.topics[:, j].sum() < len(records) else None
            for j, k in enumerate(keys)
        }

    def predict_records(self, records: list[dict], evidence: bool = False) -> list[dict]:
        X = self.vec.transform([(r.get("title") or "") + "\n" + r["text"] for r in records])
        rel = self.rel.predict_proba(X)[:, 1]
        out = []
        for i in range(len(records)):
            topics = [k for k, c in self.topics.items() if c is not None and rel[i] >= 0.5 and c.predict_proba(X[i])[0, 1] >= 0.5]
            out.append({"relevant": bool(rel[i] >= 0.5), "relevant_score": float(rel[i]), "topics": topics})
        return out


def fit(config: str, records: list[dict], tax, negatives: list[dict], pool: list[dict]):
    """``negatives``: the indomain ones and one public half's items that name medical workers."""
    if config == "plain":
        return Plain(records, tax.keys)
    data = labelled_set(records, tax.keys)
    if config == "previous":  # the shipped model before shift-aware training
        return fit_labelled(data, tax, TrainConfig(relevance_c=32.0, topic_c=32.0, inner_groups="none",
                                                   require_worker_mention=False, welfare_weight=0.0))
    if config == "before":  # the default before negatives naming medical workers
        easy = [r for r in negatives if not r.get("public")]
        return fit_labelled(data, tax, TrainConfig(hard_negative_weight=NEGATIVE_WEIGHT, low_prevalence=0.0), negatives=easy)
    if config == "articles":  # negatives naming medical workers: full articles only, no headlines
        return fit_labelled(data, tax, TrainConfig(), negatives=[r for r in negatives if r.get("article", True)])
    if config.startswith("tf"):  # exploratory: lowest topic threshold, e.g. tf0.35
        return fit_labelled(data, tax, TrainConfig(topic_floor=float(config[2:])), negatives=negatives)
    if config.startswith("mt"):  # exploratory: at most N topics per item, e.g. mt2
        return fit_labelled(data, tax, TrainConfig(max_topics=int(config[2:])), negatives=negatives)
    if config.startswith("hw"):  # exploratory: another weight of the negatives naming medical workers, e.g. hw1
        return fit_labelled(data, tax, TrainConfig(hard_negative_weight=float(config[2:])), negatives=negatives)
    if config.startswith("lw"):  # exploratory: another weight of the low-prevalence F1 in the threshold, e.g. lw0.33
        return fit_labelled(data, tax, TrainConfig(low_prevalence_weight=float(config[2:])), negatives=negatives)
    if config.startswith("lp"):  # exploratory: threshold for general news at another share, e.g. lp0.2
        return fit_labelled(data, tax, TrainConfig(low_prevalence=float(config[2:])), negatives=negatives)
    if config == "classifier":  # the default with its relevance classifier alone (no welfare score)
        return fit_labelled(data, tax, TrainConfig(welfare_weight=0.0), negatives=negatives)
    if config in ("adapt", "adapt-all"):  # the default, self-trained on an unlabelled corpus (zhnews train --pool)
        return fit_labelled(data, tax, TrainConfig(), pool=pool, negatives=negatives)
    return fit_labelled(data, tax, TrainConfig(), negatives=negatives)


def as_negatives(records: list[dict]) -> list[dict]:
    return [{"id": r["id"], "title": "", "text": r["text"], "relevant": False, "topics": [], "public": True,
             "article": r["article"]} for r in records]


def evaluate(config: str, scheme: str, records: list[dict], tax, negatives: list[dict],
             halves: tuple[list[dict], list[dict]], named: list[list[dict]], pool: list[dict]) -> dict:
    """``named``: each public half's items that name medical workers."""
    pred_rel = np.zeros(len(records), dtype=bool)
    pred_top: list[list[str]] = [[] for _ in records]
    low = {"tp": 0, "fp": 0, "fn": 0}
    naming = {"positives": 0, "found": 0, "negatives": 0, "called": 0, "score_sum": 0.0}
    rng = np.random.default_rng(0)
    folds = []
    for k, (name, tr, te) in enumerate(fold_plan(records, scheme)):
        train_half, test_half = k % 2, 1 - k % 2  # folds alternate which public half they train on
        target = {"adapt": held_out_pool(pool, [records[i] for i in te]), "adapt-all": pool}.get(config, [])
        model = fit(config, [records[i] for i in tr], tax, negatives + as_negatives(named[train_half]), target)
        for i, res in zip(te, model.predict_records([records[i] for i in te], evidence=False)):
            pred_rel[i], pred_top[i] = res["relevant"], res["topics"]
        gold = np.array([bool(records[i]["relevant"]) for i in te])
        tp = int((gold & pred_rel[te]).sum())
        f1 = 2 * tp / max(int(gold.sum() + pred_rel[te].sum()), 1)
        folds.append(f"{name} {f1:.3f}" + (f" (pool {len(target)})" if target else ""))
        if scheme == "source":
            articles = [r for r in halves[test_half] if r["article"]]
            pos = [i for i in te if records[i]["relevant"]]
            n = min(len(pos), max(1, round(LOW_PREVALENCE * len(articles) / (1 - LOW_PREVALENCE))))
            picked = rng.choice(pos, n, replace=False) if pos else []
            fp = sum(r["relevant"] for r in model.predict_records(articles, evidence=False))
            tp = sum(pred_rel[i] for i in picked)
            low["tp"] += int(tp)
            low["fp"] += int(fp)
            low["fn"] += int(len(picked) - tp)
            naming["positives"] += len(pos)
            naming["found"] += int(sum(pred_rel[i] for i in pos))
            naming["negatives"] += len(named[test_half])
            news = model.predict_records(named[test_half], evidence=False)
            naming["called"] += sum(r["relevant"] for r in news)
            naming["score_sum"] += sum(r["relevant_score"] for r in news)
    rep = multilabel_report([bool(r["relevant"]) for r in records], pred_rel, [r.get("topics") or [] for r in records], pred_top, tax.keys)
    rep["folds"] = ", ".join(folds)
    if scheme == "source":
        p = low["tp"] / max(low["tp"] + low["fp"], 1)
        r = low["tp"] / max(low["tp"] + low["fn"], 1)
        rep["low_prevalence"] = {"precision": p, "recall": r, "f1": 2 * p * r / max(p + r, 1e-9), **low}
        recall = naming["found"] / max(naming["positives"], 1)
        fpr = naming["called"] / max(naming["negatives"], 1)
        p = NAMING_PREVALENCE * recall / max(NAMING_PREVALENCE * recall + (1 - NAMING_PREVALENCE) * fpr, 1e-12)
        rep["naming_workers"] = {"precision": p, "recall": recall, "f1": 2 * p * recall / max(p + recall, 1e-9),
                                 "false_positive_rate": fpr, "mean_score": naming["score_sum"] / max(naming["negatives"], 1),
                                 **naming}
    return rep


def shipped_on_unseen_news(models: list[str | None], half: list[dict], tax) -> None:
    """Share of the unseen public half called relevant, and the mean relevance score (every item
    is general news, so 0 is right): articles that name medical workers, headlines that do, and
    all articles."""
    from pipeline.classify.persist import default_model_dir, load_model

    named = naming_workers(half, tax)
    sets = {
        "articles naming medical workers": [r for r in named if r["article"]],
        "headlines naming medical workers": [r for r in named if not r["article"]],
        "all articles": [r for r in half if r["article"]],
    }
    print("| model | items | n | called relevant | mean relevant_score |")
    print("|---|---|---|---|---|")
    for folder in models:
        model = load_model(folder)
        for name, recs in sets.items():
            res = model.predict_records(recs, evidence=False)
            called = sum(r["relevant"] for r in res) / max(len(res), 1)
            mean = sum(r["relevant_score"] for r in res) / max(len(res), 1)
            print(f"| {folder or default_model_dir()} | {name} | {len(recs)} | {called:.3f} | {mean:.3f} |", flush=True)


def timed_row(config: str, scheme: str, *args) -> tuple[dict, float]:
    t0 = time.perf_counter()
    rep = evaluate(config, scheme, *args)
    return rep, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--configs", default="default,before,previous,plain")
    ap.add_argument("--schemes", default="source,time")
    ap.add_argument("--jobs", type=int, default=1, help="rows (config, scheme) computed in parallel processes")
    ap.add_argument("--write-negatives", metavar="FILE", help="write the default model's negatives as JSONL and exit")
    ap.add_argument("--shipped", nargs="*", metavar="DIR",
                    help="score the second public half (never trained on) with the shipped model or these models and exit")
    args = ap.parse_args()
    root = shared_data_dir()
    records = read_jsonl(root / "labels" / "train.jsonl")
    tax = load_taxonomy()
    negatives = general_news_negatives(root, {r["id"] for r in records})
    halves = public_halves(root)
    if args.write_negatives:
        # the first half only: the second stays unseen, to test the shipped model on
        chosen = negatives + as_negatives(naming_workers(halves[0], tax))
        with open(args.write_negatives, "w", encoding="utf-8") as out:
            for rec in chosen:
                out.write(json.dumps({k: rec[k] for k in ("id", "title", "text")}, ensure_ascii=False) + "\n")
        print(f"{len(chosen)} negatives written to {args.write_negatives} ({len(chosen) - len(negatives)} public items naming medical workers)")
        return
    if args.shipped is not None:
        shipped_on_unseen_news(args.shipped or [None], halves[1], tax)
        return
    named = [naming_workers(h, tax) for h in halves]
    print(f"train.jsonl: {len(records)} items; negatives (indomain pool: other): {len(negatives)}; "
          f"public halves: {len(halves[0])} / {len(halves[1])} items, of which {len(named[0])} / {len(named[1])} name medical workers\n")
    print("| config | scheme | relevance P | R | F1 | topic micro-F1 | macro-F1 | general news (8 %): P / R / F1 "
          "| naming workers (9 %): P / R / F1 (false-positive rate; mean score of those news) | seconds |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    pool = unlabelled_pool(root, {r["id"] for r in records} | {r["id"] for r in negatives})
    rows = [(c, sch) for c in args.configs.split(",") for sch in args.schemes.split(",")]
    with ProcessPoolExecutor(max(1, args.jobs)) as ex:
        futures = [ex.submit(timed_row, c, sch, records, tax, negatives, halves, named, pool) for c, sch in rows]
        for (config, scheme), fut in zip(rows, futures):
            rep, seconds = fut.result()
            rel = rep["relevance"]
            lp, nw = rep.get("low_prevalence"), rep.get("naming_workers")
            lp_text = f"{lp['precision']:.3f} / {lp['recall']:.3f} / {lp['f1']:.3f}" if lp else ""
            nw_text = (f"{nw['precision']:.3f} / {nw['recall']:.3f} / {nw['f1']:.3f} ({nw['false_positive_rate']:.3f}; "
                       f"mean relevant_score {nw['mean_score']:.3f})" if nw else "")
            print(f"| {config} | {scheme} | {rel['precision']:.3f} | {rel['recall']:.3f} | {rel['f1']:.3f} | "
                  f"{rep['topic_micro_f1']:.3f} | {rep['topic_macro_f1']:.3f} | {lp_text} | {nw_text} | {seconds:.0f} |", flush=True)
            per = ", ".join(f"{k} {m['f1']:.2f} ({m['support']})" for k, m in rep["topics"].items())
            print(f"|  | per topic F1 (support): {per} | | | | | | | | |", flush=True)
            if rep.get("folds"):
                print(f"|  | per fold relevance F1: {rep['folds']} | | | | | | | | |", flush=True)


if __name__ == "__main__":
    main()
