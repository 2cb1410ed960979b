"""Classification benchmark: public single-label sets beside plain peers, and scoring speed.

The relevance/topic model's grouped cross-validation is benchmarks/classification_grouped.py.
Run from the repository root:  python benchmarks/classification.py [--skip-public]
Figures are printed as Markdown; medians of several runs for timings.
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _shared import shared_data_dir  # noqa: E402

from pipeline.classify.data import labelled_set, read_jsonl  # noqa: E402
from pipeline.classify.metrics import multiclass_report  # noqa: E402
from pipeline.classify.model import TrainConfig  # noqa: E402
from pipeline.classify.taxonomy import load_taxonomy  # noqa: E402
from pipeline.classify.training import fit_labelled  # noqa: E402
from pipeline.segment import get_tokenizer, tokenize  # noqa: E402
from pipeline.segment.rjieba_backend import rjieba_tokenize  # noqa: E402


def multiclass_fit_eval(train_recs: list[dict], test_recs: list[dict]) -> float:
    model = fit_labelled(labelled_set(train_recs), None, TrainConfig())
    pred = [r["topics"][0] for r in model.predict_records(test_recs)]
    return multiclass_report([r["label"] for r in test_recs], pred)["accuracy"]


def peer_accuracy(train_recs: list[dict], test_recs: list[dict], words: bool) -> float:
    """Peer: plain TF-IDF (jieba words, or char 1-3-grams) + LinearSVC."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC

    if words:
        vec = TfidfVectorizer(tokenizer=tokenize, token_pattern=None, lowercase=False)
    else:
        vec = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, max_features=200000)
    X = vec.fit_transform([r["text"] for r in train_recs])
    clf = LinearSVC().fit(X, [r["label"] for r in train_recs])
    pred = clf.predict(vec.transform([r["text"] for r in test_recs]))
    return float(np.mean([p == r["label"] for p, r in zip(pred, test_recs)]))


def public_section(root: Path) -> None:
    from sklearn.model_selection import StratifiedKFold

    bench = root / "benchmarks"
    print("## Public sets (same train/evaluate path)\n")
    print("| set | protocol | zhnews | plain peer | peer |")
    print("|---|---|---|---|---|")
    lines = (bench / "cnews_sample1000" / "cnews.sample1000.txt").read_text(encoding="utf-8").splitlines()
    cn = [{"id": str(i), "label": a, "text": b} for i, (a, b) in enumerate(x.split("\t", 1) for x in lines if "\t" in x)]
    ours, peer = [], []
    for tr, te in StratifiedKFold(5, shuffle=True, random_state=0).split(cn, [r["label"] for r in cn]):
        a, b = [cn[i] for i in tr], [cn[i] for i in te]
        ours.append(multiclass_fit_eval(a, b))
        peer.append(peer_accuracy(a, b, words=True))
    print(f"| cnews_sample1000 | 5-fold accuracy | {np.mean(ours):.3f} | {np.mean(peer):.3f} | jieba+TF-IDF+LinearSVC |")

    def sogou(name: str) -> list[dict]:
        with (bench / "sogou_mini5" / name).open(encoding="utf-8") as fh:
            return [{"id": str(i), "label": r["label"], "text": r["content"]} for i, r in enumerate(csv.DictReader(fh))]

    a, b = sogou("sougou_eval.csv"), sogou("sougou_test.csv")
    print(f"| sogou_mini5 | train eval, test test | {multiclass_fit_eval(a, b):.3f} | {peer_accuracy(a, b, False):.3f} | char 1-3-gram TF-IDF+LinearSVC |")

    def titles(name: str) -> list[dict]:
        rows = (bench / "thucnews_titles10" / name).read_text(encoding="utf-8").splitlines()
        return [{"id": str(i), "label": lab, "text": t} for i, (t, lab) in enumerate(r.rsplit("\t", 1) for r in rows if "\t" in r)]

    a, b = titles("dev.txt"), titles("test.txt")
    print(f"| thucnews_titles10 | train dev, test test | {multiclass_fit_eval(a, b):.3f} | {peer_accuracy(a, b, False):.3f} | char 1-3-gram TF-IDF+LinearSVC |")
    print()


def speed_section(root: Path, runs: int = 3) -> None:
    records = read_jsonl(root / "labels" / "dev.jsonl")
    tax = load_taxonomy()
    print("## Speed (one process, the shipped model)\n")
    from pipeline.classify.persist import load_model

    del tax
    model = load_model()
    # 2,000 documents of 500 characters cut from the labelled texts (in memory only)
    text = "".join(r["text"] for r in records)
    docs = [{"id": str(i), "text": text[(i * 500) % (len(text) - 500):][:500]} for i in range(2000)]
    get_tokenizer()
    seg = [dict(d, tokens=tokenize(d["text"])) for d in docs]
    rates: dict[str, list[float]] = {"jieba": [], "rjieba": [], "pre": [], "pre, no evidence": [], "bare jieba": [], "bare rjieba": []}
    trained = model.state["config"]["segmenter"]
    for backend in ("jieba", "rjieba"):  # warm both segmenters and the lookup tables
        model.state["config"]["segmenter"] = backend
        model.predict_records(docs[:10])
    for _ in range(runs):
        for backend in ("jieba", "rjieba"):
            model.state["config"]["segmenter"] = backend
            gc.collect()  # a collection owed by the previous path is not paid by this one
            t0 = time.perf_counter()
            for i in range(0, len(docs), 512):  # the CLI's batches, JSON lines included
                for res in model.predict_records(docs[i : i + 512]):
                    json.dumps(res, ensure_ascii=False)
            rates[backend].append(len(docs) / (time.perf_counter() - t0))
        model.state["config"]["segmenter"] = trained
        gc.collect()
        t0 = time.perf_counter()
        model.predict_records(seg, simplified=True)
        rates["pre"].append(len(docs) / (time.perf_counter() - t0))
        gc.collect()
        t0 = time.perf_counter()
        model.predict_records(seg, simplified=True, evidence=False)
        rates["pre, no evidence"].append(len(docs) / (time.perf_counter() - t0))
        for name, cut in (("bare jieba", tokenize), ("bare rjieba", rjieba_tokenize)):
            gc.collect()
            t0 = time.perf_counter()
            for d in docs:
                cut(d["text"])
            rates[name].append(len(docs) / (time.perf_counter() - t0))
    med = {k: statistics.median(v) for k, v in rates.items()}
    j = med["bare jieba"]
    print(f"(model trained with segmenter {trained})")
    for name, label in (
        ("rjieba", "classify raw records, rjieba segmentation (t2s + rjieba + features + models + JSON)"),
        ("jieba", "classify raw records, jieba segmentation"),
        ("pre", "classify pre-segmented records (run folder / pipeline step), evidence included"),
        ("pre, no evidence", "classify pre-segmented records without evidence"),
        ("bare rjieba", "bare rjieba segmentation alone"),
        ("bare jieba", "bare jieba segmentation alone"),
    ):
        print(f"- {label}: {med[name]:.0f} docs/s ({med[name] / j:.2f}x bare jieba)")
    print()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--skip-public", action="store_true")
    args = ap.parse_args()
    root = shared_data_dir()
    if not args.skip_public:
        public_section(root)
    speed_section(root)


if __name__ == "__main__":
    main()
