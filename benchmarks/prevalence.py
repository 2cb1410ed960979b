"""Prevalence benchmark: quantifiers compared on held-out outlets, and speed on 100k docs.

Run from the repository root:  python benchmarks/prevalence.py [--skip-accuracy] [--skip-speed]
                                                              [--cache FILE.npz] [--samples 20]

Accuracy: the labelled items of ``labels/train.jsonl`` are split into source families (the Weibo
collections, the CCTV programmes, hkcnews, the rest).  For each held-out family the classifier is
trained on the other families, whose out-of-fold posteriors (inner leave-one-family-out) are the
model's quantification state.  A random part of the held-out family (``--corpus-labels`` items, at
most half) is the researcher's labelled sample; targets of ``--size`` items come from the rest.
Scenarios: "natural" (the family's own mix), "low" (labelled sample and targets both at about 10 %
relevant, drawn with replacement), "shifted" (labelled sample at the family's mix, targets at
10 %: a group of ``--by`` whose mix differs from the labelled sample).  Each method's estimate and
95 % interval are compared with the true share of relevance and of every topic with at least 5
true items in the target.  The product's methods run through :class:`Prevalence`; the rejected
ones (EMQ/SLD, HDy, DyS, labels alone, power-tuned PPI) are short re-implementations here.

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
from pipeline.classify.prevalence import Prevalence, event_posteriors, quantification_state

HELD_OUT = ("weibo", "cctv", "hkcnews")  # "rest" (22 items) is too small to hold out
MIN_TRUE = 5  # the rule: topics with at least 5 true items in the set
LOW_PREVALENCE = 0.10
SCENARIOS = ("natural", "low", "groups")
GROUP_SHARES = (0.1, 0.3, 0.5, 0.7)  # relevant share of the four groups of the "groups" scenario


def family(source: str) -> str:
    """Source family of a labelled item: related collections are held out together."""
    if "weibo" in source:
        return "weibo"
    if source.startswith("cctv"):
        return "cctv"
    if source == "hkcnews":
        return "hkcnews"
    return "rest"


def fit_predict(keys: list[str], train: list[dict[str, Any]], test: list[dict[str, Any]]) -> tuple[np.ndarray, ...]:
    """Posteriors (relevance, topics) of ``test`` from the current classifier trained on ``train``."""
    from pipeline.classify.data import labelled_set
    from pipeline.classify.model import TrainConfig, record_item
    from pipeline.classify.taxonomy import load_taxonomy
    from pipeline.classify.training import fit_labelled

    # 3 inner folds: they only choose the decision thresholds, which prevalence does not use
    model = fit_labelled(labelled_set(train, keys), load_taxonomy(), TrainConfig(inner_folds=3))
    return tuple(model.scores([record_item(r, segmenter=model.segmenter) for r in test]))


def held_out_posteriors(records: list[dict[str, Any]], keys: list[str], cache: Path | None) -> dict[str, np.ndarray]:
    """Per held-out family: nested out-of-fold posteriors of the other families (inner
    leave-one-family-out) and the posteriors of the held-out items; cached in ``cache``."""
    if cache is not None and cache.is_file():
        with np.load(cache) as data:
            return dict(data)
    fam = np.array([family(str(r.get("source") or "")) for r in records])
    out: dict[str, np.ndarray] = {"model": np.array("zhnews")}
    for held in HELD_OUT:
        train = np.flatnonzero(fam != held)
        oof_rel, oof_topics = np.zeros(len(train)), np.zeros((len(train), len(keys)))
        for inner in sorted(set(fam[train])):
            fit_rows, out_rows = train[fam[train] != inner], fam[train] == inner
            oof_rel[out_rows], oof_topics[out_rows] = fit_predict(
                keys, [records[i] for i in fit_rows], [records[i] for i in train[out_rows]]
            )
            print(f"  {held}: inner fold {inner} done", file=sys.stderr, flush=True)
        test = np.flatnonzero(fam == held)
        p_rel, p_topics = fit_predict(keys, [records[i] for i in train], [records[i] for i in test])
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


Estimate = tuple[float, float, float]  # estimate, low, high
Z95 = 1.959964


def _normal(estimate: float, se: float) -> Estimate:
    return float(np.clip(estimate, 0, 1)), max(0.0, estimate - Z95 * se), min(1.0, estimate + Z95 * se)


def sld(p: np.ndarray, oof_p: np.ndarray, oof_y: np.ndarray) -> Estimate:
    """EMQ (Saerens, Latinne & Decaestecker 2002): EM re-weighting of the posteriors to a new prior."""
    train = float(np.clip(oof_y.mean(), 1e-3, 1 - 1e-3))
    q, p = train, np.clip(p, 1e-6, 1 - 1e-6)
    for _ in range(1000):
        w1, w0 = q / train * p, (1 - q) / (1 - train) * (1 - p)
        q, previous = float(np.mean(w1 / (w1 + w0))), q
        if abs(q - previous) < 1e-6:
            break
    return q, q, q


def _histograms(p: np.ndarray, oof_p: np.ndarray, oof_y: np.ndarray, bins: int) -> tuple[np.ndarray, ...]:
    edges = np.linspace(0, 1, bins + 1)
    pos, neg = oof_p[oof_y == 1], oof_p[oof_y == 0]
    return tuple(np.histogram(v, edges)[0] / max(len(v), 1) for v in (pos, neg, p))


def hdy(p: np.ndarray, oof_p: np.ndarray, oof_y: np.ndarray) -> Estimate:
    """HDy (González-Castro et al. 2013): mixture of the class histograms closest in Hellinger
    distance to the target's, median over 10-100 bins."""
    grid, found = np.linspace(0, 1, 101), []
    for bins in range(10, 101, 10):
        hp, hn, ht = _histograms(p, oof_p, oof_y, bins)
        mix = grid[:, None] * hp + (1 - grid[:, None]) * hn
        found.append(grid[np.argmin(((np.sqrt(mix) - np.sqrt(ht)) ** 2).sum(1))])
    e = float(np.median(found))
    return e, e, e


def dys(p: np.ndarray, oof_p: np.ndarray, oof_y: np.ndarray) -> Estimate:
    """DyS (Maletzke et al. 2019): the same mixture search with the Topsøe distance, 8 bins."""
    hp, hn, ht = _histograms(p, oof_p, oof_y, 8)
    grid = np.linspace(0, 1, 1001)
    mix, eps = grid[:, None] * hp + (1 - grid[:, None]) * hn, 1e-12
    topsoe = mix * np.log((2 * mix + eps) / (mix + ht + eps)) + ht * np.log((2 * ht + eps) / (mix + ht + eps))
    e = float(grid[np.argmin(topsoe.sum(1))])
    return e, e, e


def labels_only(p: np.ndarray, lab_p: np.ndarray, lab_y: np.ndarray) -> Estimate:
    """The labelled sample's share alone, with its Wilson interval (the classifier unused)."""
    n, share = len(lab_y), float(lab_y.mean())
    centre = (share + Z95**2 / (2 * n)) / (1 + Z95**2 / n)
    half = Z95 * np.sqrt(share * (1 - share) / n + Z95**2 / (4 * n * n)) / (1 + Z95**2 / n)
    return share, max(0.0, centre - half), min(1.0, centre + half)


def ppi_tuned(p: np.ndarray, lab_p: np.ndarray, lab_y: np.ndarray) -> Estimate:
    """PPI++ (Angelopoulos et al. 2023): the posteriors' weight chosen to minimise the variance."""
    n, big_n = len(lab_y), len(p)
    pooled = np.concatenate([p, lab_p]).var(ddof=1)
    lam = float(np.clip(np.cov(lab_y, lab_p)[0, 1] / ((1 + n / big_n) * pooled), 0, 1)) if pooled > 0 else 0.0
    residual = lab_y - lam * lab_p
    se = np.sqrt(lam**2 * p.var(ddof=1) / big_n + residual.var(ddof=1) / n)
    return _normal(lam * p.mean() + residual.mean(), float(se))


UNLABELLED = {"EMQ/SLD": sld, "HDy": hdy, "DyS": dys}
LABELLED = {"labels only": labels_only, "PPI++ (tuned)": ppi_tuned}
PRODUCT = {"pcc": "PCC + outlet variance", "pacc": "PACC (model's rates)"}


def accuracy(args: argparse.Namespace) -> list[dict[str, Any]]:
    records = read_jsonl(shared_data_dir() / "labels" / "train.jsonl")
    keys = json.loads((REPO_ROOT / "models" / "default" / "meta.json").read_text(encoding="utf-8"))["topic_keys"]
    rel = np.array([int(bool(r["relevant"])) for r in records])
    topics = np.array([[int(k in (r.get("topics") or [])) for k in keys] for r in records])
    truth = np.column_stack([rel, topics & rel[:, None]])
    fam = np.array([family(str(r.get("source") or "")) for r in records])
    post = held_out_posteriors(records, keys, Path(args.cache) if args.cache else None)
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
            groups=fam[train].tolist(),
        )
        model = {m: Prevalence(m, args.bootstrap, seed=args.seed).fit(state) for m in PRODUCT}
        oof = event_posteriors(post[f"{held}/oof_rel"], post[f"{held}/oof_topics"])
        events, y = event_posteriors(p_rel, p_topics), truth[test]
        for scenario in SCENARIOS:
            for _ in range(args.samples):  # each with its own labelled sample and targets
                lab, lab_groups, targets = _draw(scenario, y[:, 0], args, rng)
                local = quantification_state(
                    p_rel[lab], rel[test[lab]], p_topics[lab], topics[test[lab]], keys, "labels", groups=lab_groups
                )
                pooled = {k: v for k, v in local.items() if k != "groups"}
                ppi, ppi_pooled = Prevalence("ppi").fit(local), Prevalence("ppi").fit(pooled)
                pacc = Prevalence("pacc", args.bootstrap, seed=args.seed).fit(state)
                pacc.use_rates_of(
                    Prevalence("pacc", args.bootstrap, seed=args.seed).fit(pooled), corpus_rate_events(local)
                )
                for group, target in targets:
                    estimators = {
                        **{PRODUCT[m]: est.estimate(p_rel[target], p_topics[target]) for m, est in model.items()},
                        "PPI (labels)": ppi.estimate(p_rel[target], p_topics[target], group),
                        "PPI, corpus-wide residual": ppi_pooled.estimate(p_rel[target], p_topics[target]),
                        "PACC (labelled rates)": pacc.estimate(p_rel[target], p_topics[target]),
                    }
                    for e, name in enumerate(["relevant", *keys]):
                        if e and y[target, e].sum() < MIN_TRUE:
                            continue
                        true, p = float(y[target, e].mean()), events[target, e]
                        found: dict[str, Estimate] = {}
                        for method, shares in estimators.items():
                            share = shares.relevant if e == 0 else shares.topics[name]
                            found[method] = (share.estimate, share.low, share.high)
                        found |= {m: f(p, oof[:, e], truth[train, e]) for m, f in UNLABELLED.items()}
                        found |= {m: f(p, events[lab, e], y[lab, e]) for m, f in LABELLED.items()}
                        found["PCC (no interval)"] = (float(p.mean()),) * 3
                        for method, (est, low, high) in found.items():
                            row = {"family": held, "scenario": scenario, "event": name, "method": method}
                            rows.append(
                                row
                                | {"n": len(target), "true": true, "err": abs(est - true)}
                                | {"covered": low <= true <= high, "width": high - low}
                            )
    return rows


def _draw(
    scenario: str, relevant: np.ndarray, args: argparse.Namespace, rng: np.random.Generator
) -> tuple[np.ndarray, list[str], list[tuple[str, np.ndarray]]]:
    """Positions (in the held-out family) of the labelled sample, each one's output group, and the
    targets ``(group, positions)``."""
    if scenario == "groups":
        # four groups at 10-70 % relevant, as large as the family allows; the labelled items are a
        # random sample of the whole corpus (a third at most) and belong to its groups
        pos, neg = rng.permutation(np.flatnonzero(relevant == 1)), rng.permutation(np.flatnonzero(relevant == 0))
        shares = np.array(GROUP_SHARES)
        size = int(min(len(pos) / shares.sum(), len(neg) / (1 - shares).sum()))
        k = np.round(size * shares).astype(int)
        members = [
            np.concatenate([p, n]) for p, n in zip(np.split(pos, np.cumsum(k)), np.split(neg, np.cumsum(size - k)))
        ]
        corpus = np.concatenate(members[: len(shares)])
        names = np.repeat([f"g{g}" for g in range(len(shares))], size)
        picked = rng.permutation(len(corpus))[: min(args.corpus_labels, len(corpus) // 3)]
        return corpus[picked], names[picked].tolist(), [(str(g), corpus[names == g]) for g in np.unique(names)]
    order = rng.permutation(len(relevant))
    n_lab = min(args.corpus_labels, len(relevant) // 2)
    lab, pool = order[:n_lab], order[n_lab:]
    if scenario == "natural":
        target = pool if len(pool) <= args.size else rng.choice(pool, args.size, replace=False)
        return lab, [""] * n_lab, [("all", target)]

    def low(rows: np.ndarray, n: int) -> np.ndarray:
        k = rng.binomial(n, LOW_PREVALENCE)
        pos, neg = rows[relevant[rows] == 1], rows[relevant[rows] == 0]
        return np.concatenate([rng.choice(pos, k), rng.choice(neg, n - k)])

    return low(lab, n_lab), [""] * n_lab, [("all", low(pool, args.size))]


def accuracy_table(rows: list[dict[str, Any]]) -> str:
    scenarios = SCENARIOS
    lines = [
        "| method | labels | "
        + " | ".join(f"{s}: err / <=0.03 / covers / width" for s in scenarios)
        + " | all: err / covers / width | relevance, all: err / covers |",
        "|---|---|" + "---|" * (len(scenarios) + 2),
    ]
    unlabelled = [*PRODUCT.values(), "PCC (no interval)", *UNLABELLED]
    for method in [*unlabelled, "PPI (labels)", "PACC (labelled rates)", "PPI, corpus-wide residual", *LABELLED]:
        sel = [r for r in rows if r["method"] == method]
        cells = [_cell(r for r in sel if r["scenario"] == s) for s in scenarios]
        relevant = [r for r in sel if r["event"] == "relevant"]
        lines.append(
            f"| {method} | {'no' if method in unlabelled else 'yes'} | "
            + " | ".join(cells)
            + f" | {_mean(sel, 'err'):.3f} / {_mean(sel, 'covered'):.0%} / {_mean(sel, 'width'):.2f} "
            f"| {_mean(relevant, 'err'):.3f} / {_mean(relevant, 'covered'):.0%} |"
        )
    return "\n".join(lines)


def _cell(selected: Any) -> str:
    sel = list(selected)
    within = float(np.mean([r["err"] <= 0.03 for r in sel]))
    return f"{_mean(sel, 'err'):.3f} / {within:.0%} / {_mean(sel, 'covered'):.0%} / {_mean(sel, 'width'):.2f}"


def _mean(sel: list[dict[str, Any]], key: str) -> float:
    return float(np.mean([r[key] for r in sel]))


def per_event_table(rows: list[dict[str, Any]], method: str) -> str:
    lines = [
        "| event | cases | mean true share | mean abs err | err <= 0.03 | covers | mean width |",
        "|---|---|---|---|---|---|---|",
    ]
    rows = [r for r in rows if r["method"] == method]
    for event in ["relevant", *sorted({r["event"] for r in rows} - {"relevant"})]:
        sel = [r for r in rows if r["event"] == event]
        lines.append(
            f"| {event} | {len(sel)} | {_mean(sel, 'true'):.3f} | {_mean(sel, 'err'):.3f} "
            f"| {np.mean([r['err'] <= 0.03 for r in sel]):.0%} | {_mean(sel, 'covered'):.0%} | {_mean(sel, 'width'):.3f} |"
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
        fields = ("id", "published_at", "source", "relevant_score", "topic_scores")
        with jsonl.open("w", encoding="utf-8") as fh:
            for i in range(n):
                values = (f"d{i}", dates[i], sources[i], float(rel[i]), dict(zip(keys, ts[i].tolist())))
                fh.write(json.dumps(dict(zip(fields, values)), ensure_ascii=False) + "\n")
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
            f"| input | --by | --method | groups | wall s, median of {args.repeats} | CPU s (user+sys), median |",
            "|---|---|---|---|---|---|",
        ]
        for label, path in (("run folder (Parquet)", run), ("scored JSONL", jsonl)):
            for by, method in (("none", "pcc"), ("month", "pcc"), ("month", "pacc")):
                cmd = [sys.executable, "-m", "pipeline", "prevalence", str(path), "--model", str(model), "--by", by]
                cmd += ["--method", method]
                times, cpu, out = [], [], ""
                for _ in range(args.repeats):
                    before = _children_cpu()
                    start = time.perf_counter()
                    out = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=REPO_ROOT).stdout
                    times.append(time.perf_counter() - start)
                    cpu.append(_children_cpu() - before)
                lines.append(
                    f"| {label}, {n:,} docs | {by} | {method} | {len(out.splitlines())} "
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
        "--corpus-labels", type=int, default=100, help="labelled items of the held-out outlet behind --labels rates"
    )
    parser.add_argument("--cache", metavar="FILE.npz", help="save (or reuse) the held-out posteriors here")
    args = parser.parse_args()
    if not args.skip_accuracy:
        start = time.perf_counter()
        rows = accuracy(args)
        print(f"## Accuracy ({time.perf_counter() - start:.0f} s)\n")
        print(accuracy_table(rows))
        for method in (PRODUCT["pcc"], "PPI (labels)"):
            print(f"\n{method}, per event (all scenarios):\n")
            print(per_event_table(rows, method))
        print()
    if not args.skip_speed:
        print("## Speed\n")
        print(speed(args))


if __name__ == "__main__":
    main()
