"""Shift-aware evaluation of the relevance/topic model on ../shared/data/labels/train.jsonl.

Grouped cross-validation (leave one source family out; leave one contiguous time block out)
of the default configuration beside the previous default and a plain baseline, in one run,
plus the low-prevalence case: each held-out family's labelled items mixed with unseen general
news (the public sets) so that about 8 % are relevant. "adapt" is the default trained with
``zhnews train --pool``'s self-training fed the held-out family's own unlabelled indomain/ items
(a researcher adapting the model to the corpus they are about to classify); "adapt-all" feeds it
every unlabelled indomain/ item (a corpus of all outlets, the held-out one among them).

Run from the repository root:
    python benchmarks/classification_grouped.py [--configs default,classifier,previous,plain,adapt,adapt-all] [--schemes source,time] [--jobs 2]
    python benchmarks/classification_grouped.py --write-negatives negatives.jsonl   # the default model's negatives
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

from pipeline.classify.cv import fold_plan  # noqa: E402
from pipeline.classify.data import labelled_set, read_jsonl  # noqa: E402
from pipeline.classify.groups import source_family  # noqa: E402
from pipeline.classify.metrics import multilabel_report  # noqa: E402
from pipeline.classify.model import TrainConfig  # noqa: E402
from pipeline.classify.taxonomy import load_taxonomy  # noqa: E402
from pipeline.classify.training import fit_labelled  # noqa: E402

#: share of relevant items in the low-prevalence mixes (the issue's 1-10 % range)
LOW_PREVALENCE = 0.08


def general_news_negatives(root: Path, exclude: set[str]) -> list[dict]:
    """The ``pool: other`` items of indomain/ (same outlets, not about medical workers)."""
    out = []
    for path in sorted((root / "indomain").glob("*.jsonl")):
        for line in path.open(encoding="utf-8"):
            rec = json.loads(line)
            if rec.get("pool") == "other" and rec["id"] not in exclude:
                out.append({"id": rec["id"], "title": rec.get("title") or "", "text": rec["text"], "relevant": False, "topics": []})
    return out


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


def public_articles(root: Path) -> list[dict]:
    """Unseen general news for the low-prevalence mixes: sogou test + cnews full articles."""
    out = []
    with (root / "benchmarks" / "sogou_mini5" / "sougou_test.csv").open(encoding="utf-8", newline="") as fh:
        out += [{"id": f"sogou{i}", "text": row["content"]} for i, row in enumerate(csv.DictReader(fh))]
    lines = (root / "benchmarks" / "cnews_sample1000" / "cnews.sample1000.txt").read_text(encoding="utf-8").splitlines()
    out += [{"id": f"cnews{i}", "text": x.split("\t", 1)[1]} for i, x in enumerate(lines) if "\t" in x]
    return out


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
    if config == "plain":
        return Plain(records, tax.keys)
    data = labelled_set(records, tax.keys)
    if config == "previous":  # the shipped model before shift-aware training
        return fit_labelled(data, tax, TrainConfig(relevance_c=32.0, topic_c=32.0, inner_groups="none",
                                                   require_worker_mention=False, welfare_weight=0.0))
    if config == "classifier":  # the default with its relevance classifier alone (no welfare score)
        return fit_labelled(data, tax, TrainConfig(welfare_weight=0.0), negatives=negatives)
    if config in ("adapt", "adapt-all"):  # the default, self-trained on an unlabelled corpus (zhnews train --pool)
        return fit_labelled(data, tax, TrainConfig(), pool=pool, negatives=negatives)
    return fit_labelled(data, tax, TrainConfig(), negatives=negatives)


def evaluate(config: str, scheme: str, records: list[dict], tax, negatives: list[dict], public: list[dict],
             pool: list[dict]) -> dict:
    pred_rel = np.zeros(len(records), dtype=bool)
    pred_top: list[list[str]] = [[] for _ in records]
    low = {"tp": 0, "fp": 0, "fn": 0}
    rng = np.random.default_rng(0)
    folds = []
    for name, tr, te in fold_plan(records, scheme):
        target = {"adapt": held_out_pool(pool, [records[i] for i in te]), "adapt-all": pool}.get(config, [])
        model = fit(config, [records[i] for i in tr], tax, negatives, target)
        for i, res in zip(te, model.predict_records([records[i] for i in te], evidence=False)):
            pred_rel[i], pred_top[i] = res["relevant"], res["topics"]
        gold = np.array([bool(records[i]["relevant"]) for i in te])
        tp = int((gold & pred_rel[te]).sum())
        f1 = 2 * tp / max(int(gold.sum() + pred_rel[te].sum()), 1)
        folds.append(f"{name} {f1:.3f}" + (f" (pool {len(target)})" if target else ""))
        if scheme == "source":
            pos = [i for i in te if records[i]["relevant"]]
            k = min(len(pos), max(1, round(LOW_PREVALENCE * len(public) / (1 - LOW_PREVALENCE))))
            picked = rng.choice(pos, k, replace=False) if pos else []
            called = model.predict_records(public, evidence=False)
            fp = sum(r["relevant"] for r in called)
            tp = sum(pred_rel[i] for i in picked)
            low["tp"] += int(tp)
            low["fp"] += int(fp)
            low["fn"] += int(len(picked) - tp)
    rep = multilabel_report([bool(r["relevant"]) for r in records], pred_rel, [r.get("topics") or [] for r in records], pred_top, tax.keys)
    rep["folds"] = ", ".join(folds)
    if scheme == "source":
        p = low["tp"] / max(low["tp"] + low["fp"], 1)
        r = low["tp"] / max(low["tp"] + low["fn"], 1)
        rep["low_prevalence"] = {"precision": p, "recall": r, "f1": 2 * p * r / max(p + r, 1e-9), **low}
    return rep


def timed_row(config: str, scheme: str, *args) -> tuple[dict, float]:
    t0 = time.perf_counter()
    rep = evaluate(config, scheme, *args)
    return rep, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--configs", default="default,classifier,previous,plain")
    ap.add_argument("--schemes", default="source,time")
    ap.add_argument("--jobs", type=int, default=1, help="rows (config, scheme) computed in parallel processes")
    ap.add_argument("--write-negatives", metavar="FILE", help="write the default model's negatives as JSONL and exit")
    args = ap.parse_args()
    root = shared_data_dir()
    records = read_jsonl(root / "labels" / "train.jsonl")
    negatives = general_news_negatives(root, {r["id"] for r in records})
    if args.write_negatives:
        with open(args.write_negatives, "w", encoding="utf-8") as out:
            for rec in negatives:
                out.write(json.dumps({k: rec[k] for k in ("id", "title", "text")}, ensure_ascii=False) + "\n")
        print(f"{len(negatives)} negatives written to {args.write_negatives}")
        return
    tax = load_taxonomy()
    public = public_articles(root)
    print(f"train.jsonl: {len(records)} items; negatives (indomain pool: other): {len(negatives)}; "
          f"unseen general news for the low-prevalence mixes: {len(public)}\n")
    print("| config | scheme | relevance P | R | F1 | topic micro-F1 | macro-F1 | low-prevalence P / R / F1 | seconds |")
    print("|---|---|---|---|---|---|---|---|---|")
    pool = unlabelled_pool(root, {r["id"] for r in records} | {r["id"] for r in negatives})
    rows = [(c, sch) for c in args.configs.split(",") for sch in args.schemes.split(",")]
    with ProcessPoolExecutor(max(1, args.jobs)) as ex:
        futures = [ex.submit(timed_row, c, sch, records, tax, negatives, public, pool) for c, sch in rows]
        for (config, scheme), fut in zip(rows, futures):
            rep, seconds = fut.result()
            rel = rep["relevance"]
            lp = rep.get("low_prevalence")
            lp_text = f"{lp['precision']:.3f} / {lp['recall']:.3f} / {lp['f1']:.3f}" if lp else ""
            print(f"| {config} | {scheme} | {rel['precision']:.3f} | {rel['recall']:.3f} | {rel['f1']:.3f} | "
                  f"{rep['topic_micro_f1']:.3f} | {rep['topic_macro_f1']:.3f} | {lp_text} | {seconds:.0f} |", flush=True)
            per = ", ".join(f"{k} {m['f1']:.2f} ({m['support']})" for k, m in rep["topics"].items())
            print(f"|  | per topic F1 (support): {per} | | | | | | | |", flush=True)
            if rep.get("folds"):
                print(f"|  | per fold relevance F1: {rep['folds']} | | | | | | | |", flush=True)

if __name__ == "__main__":
    main()
