"""Prevalence benchmark: accuracy of corrected shares on held-out outlets, and speed on 100k docs.

Run from the repository root:  python benchmarks/prevalence.py [--skip-accuracy] [--skip-speed]
                                                              [--samples 20] [--size 230] [--repeats 3]

Accuracy: the labelled items of ``labels/train.jsonl`` are split into source families (the Weibo
collections, the CCTV programmes, hkcnews, the rest).  For each held-out family a plain char
TF-IDF + logistic regression (benchmark code, standing in for the shipped model until it stores
its own rates) is trained on the other families; its out-of-fold posteriors on those families
(inner leave-one-family-out) give the rates; samples of ``--size`` held-out items are drawn at
the family's own prevalence and at a low one (about 10 % relevant), and PACC with its 95 %
interval is compared with the true share, beside plain classify-and-count (CC, threshold 0.5)
and the mean posterior (PCC).  Events: relevance and every topic with at least 5 true items in
the sample.

Speed: ``zhnews prevalence`` end to end (process start included) over 100,000 scored documents,
as a run folder's Parquet and as ``zhnews classify`` JSONL, ``--by none`` and ``--by month``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _shared import REPO_ROOT, shared_data_dir

from pipeline.classify.corpus_rates import corpus_rate_events
from pipeline.classify.data import read_jsonl
from pipeline.classify.prevalence import Prevalence, quantification_state

HELD_OUT = ("weibo", "cctv", "hkcnews")  # "rest" (22 items) is too small to hold out
MIN_TRUE = 5  # the rule: topics with at least 5 true items in the set
LOW_PREVALENCE = 0.10


def family(source: str) -> str:
    """Source family of a labelled item: related collections are held out together."""
    if "weibo" in source:
        return "weibo"
    if source.startswith("cctv"):
        return "cctv"
    if source == "hkcnews":
        return "hkcnews"
    return "rest"


class PlainModel:
    """Char 1-3-gram TF-IDF + logistic regression: relevance, and each topic among relevant items."""

    def __init__(self, keys: list[str]) -> None:
        self.keys = keys

    def fit(self, texts: list[str], rel: np.ndarray, topics: np.ndarray) -> PlainModel:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        self.vec = TfidfVectorizer(
            analyzer="char", ngram_range=(1, 3), min_df=2, sublinear_tf=True, max_features=200_000
        )
        X = self.vec.fit_transform(texts)
        self.rel = LogisticRegression(C=4.0, max_iter=2000).fit(X, rel)
        Xr = X[rel == 1]
        self.topic: list[Any] = []
        for j in range(len(self.keys)):
            y = topics[rel == 1, j]
            if y.sum() < 2 or y.sum() == len(y):
                self.topic.append(float(y.mean()) if len(y) else 0.0)
            else:
                self.topic.append(LogisticRegression(C=4.0, max_iter=2000).fit(Xr, y))
        return self

    def predict(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        X = self.vec.transform(texts)
        rel = self.rel.predict_proba(X)[:, 1]
        cols = [np.full(len(texts), c) if isinstance(c, float) else c.predict_proba(X)[:, 1] for c in self.topic]
        return rel, np.column_stack(cols)


class ZhnewsModel:
    """The project's current classifier (``fit_labelled``), trained on the given records."""

    def __init__(self, keys: list[str]) -> None:
        from pipeline.classify.taxonomy import load_taxonomy

        self.keys = keys
        self.taxonomy = load_taxonomy()

    def fit(self, records: list[dict[str, Any]]) -> ZhnewsModel:
        from pipeline.classify.data import labelled_set
        from pipeline.classify.model import TrainConfig
        from pipeline.classify.training import fit_labelled

        # 3 inner folds: they only choose the decision thresholds, which prevalence does not use
        self.model = fit_labelled(labelled_set(records, self.keys), self.taxonomy, TrainConfig(inner_folds=3))
        return self

    def predict(self, records: list[dict[str, Any]]) -> tuple[np.ndarray, np.ndarray]:
        from pipeline.classify.model import record_item

        items = [record_item(r, segmenter=self.model.segmenter) for r in records]
        return self.model.scores(items)


def fit_predict(
    kind: str, keys: list[str], train: list[dict[str, Any]], test: list[dict[str, Any]]
) -> tuple[np.ndarray, np.ndarray]:
    """Posteriors (relevance, topics) of ``test`` from a model of ``kind`` trained on ``train``."""
    if kind == "zhnews":
        return ZhnewsModel(keys).fit(train).predict(test)
    rel = np.array([int(bool(r["relevant"])) for r in train])
    topics = np.array([[int(k in (r.get("topics") or [])) for k in keys] for r in train])
    plain = PlainModel(keys).fit([_text(r) for r in train], rel, topics)
    return plain.predict([_text(r) for r in test])


def _text(record: dict[str, Any]) -> str:
    return f"{record.get('title') or ''}\n{record['text']}"


def held_out_posteriors(
    records: list[dict[str, Any]], keys: list[str], kind: str, cache: Path | None
) -> dict[str, np.ndarray]:
    """Per held-out family: nested out-of-fold posteriors of the other families (inner
    leave-one-family-out) and the posteriors of the held-out items; cached in ``cache``."""
    if cache is not None and cache.is_file():
        with np.load(cache) as data:
            if str(data["model"]) != kind:
                sys.exit(f"{cache} holds posteriors of the {data['model']} model, not {kind}")
            return dict(data)
    fam = np.array([family(str(r.get("source") or "")) for r in records])
    out: dict[str, np.ndarray] = {"model": np.array(kind)}
    for held in HELD_OUT:
        train = np.flatnonzero(fam != held)
        oof_rel, oof_topics = np.zeros(len(train)), np.zeros((len(train), len(keys)))
        for inner in sorted(set(fam[train])):
            fit_rows, out_rows = train[fam[train] != inner], fam[train] == inner
            oof_rel[out_rows], oof_topics[out_rows] = fit_predict(
                kind, keys, [records[i] for i in fit_rows], [records[i] for i in train[out_rows]]
            )
            print(f"  {held}: inner fold {inner} done", file=sys.stderr, flush=True)
        test = np.flatnonzero(fam == held)
        p_rel, p_topics = fit_predict(kind, keys, [records[i] for i in train], [records[i] for i in test])
        out.update(
            {
                f"{held}/train": train,
                f"{held}/oof_rel": oof_rel,
                f"{held}/oof_topics": oof_topics,
                f"{held}/test": test,
                f"{held}/rel": np.asarray(p_rel),
                f"{held}/topics": np.asarray(p_topics),
            }
        )
    if cache is not None:
        np.savez(cache, **out)  # type: ignore[arg-type]
    return out


def accuracy(args: argparse.Namespace) -> list[dict[str, Any]]:
    records = read_jsonl(shared_data_dir() / "labels" / "train.jsonl")
    keys = json.loads((REPO_ROOT / "models" / "default" / "meta.json").read_text(encoding="utf-8"))["topic_keys"]
    rel = np.array([int(bool(r["relevant"])) for r in records])
    topics = np.array([[int(k in (r.get("topics") or [])) for k in keys] for r in records])
    fam = np.array([family(str(r.get("source") or "")) for r in records])
    post = held_out_posteriors(records, keys, args.model, Path(args.cache) if args.cache else None)
    rng = np.random.default_rng(args.seed)
    rows: list[dict[str, Any]] = []
    for held in HELD_OUT:
        train, test = post[f"{held}/train"], post[f"{held}/test"]
        p_rel, p_topics = post[f"{held}/rel"], post[f"{held}/topics"]
        state = quantification_state(
            post[f"{held}/oof_rel"],
            rel[train],
            post[f"{held}/oof_topics"],
            topics[train],
            keys,
            "leave-one-source-family-out",
            groups=fam[train].tolist() if args.grouped_rates else None,
        )
        estimator = Prevalence(args.bootstrap, seed=args.seed).fit(state)
        for kind, samples in (
            ("natural", natural_samples(test, args, rng)),
            ("low", low_samples(test, rel, args, rng)),
        ):
            rows += evaluate(estimator, samples, test, p_rel, p_topics, rel, topics, keys, held, kind)
        # the remedy of `prevalence --labels`: a random sample of the outlet labelled by hand gives
        # the rates (per event, where it has enough items of both classes); shares on the rest
        order = rng.permutation(len(test))
        lab_pos, rest_pos = np.sort(order[: args.corpus_labels]), np.sort(order[args.corpus_labels :])
        local = quantification_state(
            p_rel[lab_pos], rel[test[lab_pos]], p_topics[lab_pos], topics[test[lab_pos]], keys, "corpus labels"
        )
        with_labels = (
            Prevalence(args.bootstrap, seed=args.seed)
            .fit(state)
            .use_rates_of(Prevalence(args.bootstrap, seed=args.seed).fit(local), corpus_rate_events(local))
        )
        rest = test[rest_pos]
        for kind, samples in (
            ("natural + labels", natural_samples(rest, args, rng)),
            ("low + labels", low_samples(rest, rel, args, rng)),
        ):
            rows += evaluate(with_labels, samples, test, p_rel, p_topics, rel, topics, keys, held, kind)
        # control: rates measured on half of the held-out outlet itself, shares on the other half
        # (PACC's assumption holds by construction; what remains is the estimator's own error)
        half = rng.permutation(len(test))
        rate_pos, target_pos = np.sort(half[: len(test) // 2]), np.sort(half[len(test) // 2 :])
        same = quantification_state(
            p_rel[rate_pos], rel[test[rate_pos]], p_topics[rate_pos], topics[test[rate_pos]], keys, "same outlet"
        )
        control = Prevalence(args.bootstrap, seed=args.seed).fit(same)
        targets = test[target_pos]
        samples = [np.sort(rng.choice(targets, len(targets), replace=True)) for _ in range(args.samples)]
        rows += evaluate(control, samples, test, p_rel, p_topics, rel, topics, keys, held, "control: same-outlet rates")
    return rows


def evaluate(
    estimator: Prevalence,
    samples: list[np.ndarray],
    test: np.ndarray,
    p_rel: np.ndarray,
    p_topics: np.ndarray,
    rel: np.ndarray,
    topics: np.ndarray,
    keys: list[str],
    held: str,
    kind: str,
) -> list[dict[str, Any]]:
    """One row per sample and event: PACC's error and coverage beside CC and PCC."""
    rows = []
    for sample in samples:
        pos = np.searchsorted(test, sample)
        shares = estimator.estimate(p_rel[pos], p_topics[pos])
        cc_rel = p_rel[pos] >= 0.5
        events = [("relevant", rel[sample], shares.relevant, cc_rel, p_rel[pos])]
        for j, key in enumerate(keys):
            truth = rel[sample] & topics[sample, j]
            event_p = p_rel[pos] * p_topics[pos, j]
            events.append((key, truth, shares.topics[key], cc_rel & (p_topics[pos, j] >= 0.5), event_p))
        for name, truth, share, cc, event_post in events:
            if name != "relevant" and truth.sum() < MIN_TRUE:
                continue
            true = float(truth.mean())
            rows.append(
                {
                    "family": held,
                    "kind": kind,
                    "event": name,
                    "n": len(sample),
                    "true": true,
                    "pacc_err": abs(share.estimate - true),
                    "covered": share.low <= true <= share.high,
                    "width": share.high - share.low,
                    "cc_err": abs(float(cc.mean()) - true),
                    "pcc_err": abs(float(event_post.mean()) - true),
                    "method": share.method,
                }
            )
    return rows


def natural_samples(test: np.ndarray, args: argparse.Namespace, rng: np.random.Generator) -> list[np.ndarray]:
    """Samples of ``--size`` items at the family's own prevalence (the whole family when smaller)."""
    if len(test) <= args.size:
        return [test]
    return [np.sort(rng.choice(test, args.size, replace=False)) for _ in range(args.samples)]


def low_samples(
    test: np.ndarray, rel: np.ndarray, args: argparse.Namespace, rng: np.random.Generator
) -> list[np.ndarray]:
    """Samples with about 10 % relevant items (as large as the family's negatives allow)."""
    pos, neg = test[rel[test] == 1], test[rel[test] == 0]
    n_neg = min(len(neg), round(args.size * (1 - LOW_PREVALENCE)))
    n_pos = round(n_neg * LOW_PREVALENCE / (1 - LOW_PREVALENCE))
    return [
        np.sort(np.concatenate([rng.choice(pos, n_pos, replace=False), rng.choice(neg, n_neg, replace=False)]))
        for _ in range(args.samples)
    ]


def accuracy_table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| held-out family | samples | n | events | mean abs err PACC / CC / PCC | max abs err PACC / CC | PACC err <= 0.03 | interval covers | mean width |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    keys = sorted({(r["family"], r["kind"]) for r in rows}, key=lambda k: (k[1], k[0]))
    model_rates = [r for r in rows if r["kind"] in ("natural", "low")]
    corpus_rates = [r for r in rows if r["kind"].endswith("+ labels")]
    pooled = {("all", "natural + low"): model_rates, ("all", "natural + low, with labels"): corpus_rates}
    for group in [*keys, *pooled]:
        sel = pooled.get(group) or [r for r in rows if (r["family"], r["kind"]) == group]
        lines.append(
            f"| {group[0]} ({group[1]}) | {_count_samples(sel)} | {_sizes(sel)} | {len(sel)} "
            f"| {_mean(sel, 'pacc_err'):.3f} / {_mean(sel, 'cc_err'):.3f} / {_mean(sel, 'pcc_err'):.3f} "
            f"| {max(r['pacc_err'] for r in sel):.3f} / {max(r['cc_err'] for r in sel):.3f} "
            f"| {np.mean([r['pacc_err'] <= 0.03 for r in sel]):.0%} | {np.mean([r['covered'] for r in sel]):.0%} "
            f"| {_mean(sel, 'width'):.3f} |"
        )
    return "\n".join(lines)


def _count_samples(sel: list[dict[str, Any]]) -> int:
    return sum(1 for r in sel if r["event"] == "relevant")


def _sizes(sel: list[dict[str, Any]]) -> str:
    sizes = sorted({r["n"] for r in sel})
    return "-".join(str(s) for s in (sizes[0], sizes[-1])) if len(sizes) > 1 else str(sizes[0])


def _mean(sel: list[dict[str, Any]], key: str) -> float:
    return float(np.mean([r[key] for r in sel]))


def per_event_table(rows: list[dict[str, Any]], kinds: tuple[str, ...]) -> str:
    lines = [
        "| event | cases | mean true share | mean abs err PACC / CC | PACC err <= 0.03 | covers |",
        "|---|---|---|---|---|---|",
    ]
    rows = [r for r in rows if r["kind"] in kinds]
    for event in ["relevant", *sorted({r["event"] for r in rows} - {"relevant"})]:
        sel = [r for r in rows if r["event"] == event]
        lines.append(
            f"| {event} | {len(sel)} | {_mean(sel, 'true'):.3f} | {_mean(sel, 'pacc_err'):.3f} / {_mean(sel, 'cc_err'):.3f} "
            f"| {np.mean([r['pacc_err'] <= 0.03 for r in sel]):.0%} | {np.mean([r['covered'] for r in sel]):.0%} |"
        )
    return "\n".join(lines)


# -- speed ---------------------------------------------------------------------------------


def speed(args: argparse.Namespace) -> str:
    import pyarrow as pa
    import pyarrow.parquet as pq

    records = read_jsonl(shared_data_dir() / "labels" / "train.jsonl")
    keys = json.loads((REPO_ROOT / "models" / "default" / "meta.json").read_text(encoding="utf-8"))["topic_keys"]
    rng = np.random.default_rng(args.seed)
    m = len(records)
    rel_y = np.array([int(bool(r["relevant"])) for r in records])
    topic_y = np.array([[int(k in (r.get("topics") or [])) for k in keys] for r in records])
    # rates of the right shape and size; their values do not change the cost
    state = quantification_state(
        np.clip(rel_y * 0.6 + rng.random(m) * 0.4, 0, 1), rel_y, rng.random((m, len(keys))), topic_y, keys, "synthetic"
    )
    n = args.docs
    with tempfile.TemporaryDirectory(prefix="zhnews-prevalence-bench-") as tmp:
        root = Path(tmp)
        model = root / "model"
        shutil.copytree(REPO_ROOT / "models" / "default", model)
        meta = json.loads((model / "meta.json").read_text(encoding="utf-8"))
        meta["quantification"] = state
        (model / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
        rel = np.round(rng.beta(0.5, 2.0, n), 4)
        ts = np.round(rng.beta(0.5, 3.0, (n, len(keys))), 4)
        days = rng.integers(0, 15 * 365, n)
        dates = [str(np.datetime64("2012-01-01") + int(d)) for d in days]
        sources = [f"outlet{int(i)}" for i in rng.integers(0, 40, n)]
        jsonl = root / "scored.jsonl"
        with jsonl.open("w", encoding="utf-8") as fh:
            for i in range(n):
                fh.write(
                    json.dumps(
                        {
                            "id": f"d{i}",
                            "published_at": dates[i],
                            "source": sources[i],
                            "relevant": bool(rel[i] >= 0.5),
                            "relevant_score": float(rel[i]),
                            "topics": [],
                            "topic_scores": {k: float(ts[i, j]) for j, k in enumerate(keys)},
                        },
                        ensure_ascii=False,
                    )
                    + "\n"
                )
        run = root / "run"
        (run / "articles").mkdir(parents=True)
        map_type = pa.map_(pa.string(), pa.float32())
        for part, rows in enumerate(np.array_split(np.arange(n), 20)):
            table = pa.table(
                {
                    "doc_id": [f"d{i}" for i in rows],
                    "published_at": [dates[i] for i in rows],
                    "source": [sources[i] for i in rows],
                    "relevant_score": pa.array(rel[rows], pa.float32()),
                    "topic_scores": pa.array([list(zip(keys, ts[i].tolist())) for i in rows], map_type),
                }
            )
            pq.write_table(table, run / "articles" / f"part-{part:03d}.parquet")
        lines = [
            f"| input | --by | groups | wall s, median of {args.repeats} | CPU s (user+sys), median |",
            "|---|---|---|---|---|",
        ]
        for label, path in (("run folder (Parquet)", run), ("scored JSONL", jsonl)):
            for by in ("none", "month"):
                cmd = [sys.executable, "-m", "pipeline", "prevalence", str(path), "--model", str(model), "--by", by]
                times, cpu, out = [], [], ""
                for _ in range(args.repeats):
                    before = _children_cpu()
                    start = time.perf_counter()
                    out = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=REPO_ROOT).stdout
                    times.append(time.perf_counter() - start)
                    cpu.append(_children_cpu() - before)
                lines.append(
                    f"| {label}, {n:,} docs | {by} | {len(out.splitlines())} "
                    f"| {statistics.median(times):.2f} | {statistics.median(cpu):.2f} |"
                )
                print(lines[-1], flush=True)
    return "\n".join(lines)


def _children_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-accuracy", action="store_true")
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--samples", type=int, default=20, help="samples per held-out family and kind")
    parser.add_argument("--size", type=int, default=230, help="items per sample")
    parser.add_argument("--bootstrap", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--docs", type=int, default=100_000, help="documents of the speed test")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--model", choices=("zhnews", "plain"), default="zhnews", help="classifier behind the posteriors"
    )
    parser.add_argument(
        "--corpus-labels", type=int, default=100, help="labelled items of the held-out outlet behind --labels rates"
    )
    parser.add_argument("--cache", metavar="FILE.npz", help="save (or reuse) the held-out posteriors here")
    parser.add_argument(
        "--pooled-rates",
        dest="grouped_rates",
        action="store_false",
        help="resample out-of-fold items, not source families, for the rates",
    )
    args = parser.parse_args()
    if not args.skip_accuracy:
        start = time.perf_counter()
        rows = accuracy(args)
        print(f"## Accuracy ({time.perf_counter() - start:.0f} s)\n")
        print(accuracy_table(rows))
        print()
        print("Model's rates (natural + low):\n")
        print(per_event_table(rows, ("natural", "low")))
        print(f"\nRates from {args.corpus_labels} labelled items of the outlet (natural + low, with labels):\n")
        print(per_event_table(rows, ("natural + labels", "low + labels")))
        print()
    if not args.skip_speed:
        print("## Speed\n")
        print(speed(args))


if __name__ == "__main__":
    main()
