"""Active learning: simulated labelling curves, and ``/api/next`` latency on a large pool.

Run from the repository root:

  python benchmarks/active_learning.py curves --holdout hkcnews --seeds 0 1 2 3 4 --budgets 50 100 150 200 300 --random-budgets 50 100 150 200 300 400 600 --jobs 3 --json points.jsonl
  python benchmarks/active_learning.py latency --pool-size 50000 --labels 100
  python benchmarks/active_learning.py warmup --labels 20 40
  python benchmarks/active_learning.py retrain --labels 100 300 --rounds 3

``curves``: the labelled items of ``../shared/data/labels/train.jsonl`` outside the held-out
source group are the pool and their labels the oracle.  A labelling session (the app's own
:class:`LabelSession`, with retraining run inline instead of in a background process) labels
them one by one with a strategy; at each budget a model trained on the labels so far is scored
on the held-out group.  Prints Markdown: medians over the seeds per budget and strategy.
``--random-budgets`` gives random sampling budgets of its own: the target compares the default
strategy at <= 300 labels with random sampling at 600, and the default strategy's retraining
every 20 labels is what makes a run long.

``latency``: builds a pool of N items from ``../shared/data/indomain`` repeated under distinct
ids (in a temporary folder, deleted afterwards), starts ``zhnews label`` on it, waits for the
first scores, then alternates ``GET /api/next`` and ``POST /api/labels``, timing each, with
``GET /api/progress`` (a trivial route) timed in the same rounds as the floor.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _shared import shared_data_dir

from pipeline.label import model as clf
from pipeline.label import settings
from pipeline.label.pool import Pool
from pipeline.label.session import LabelSession
from pipeline.label.store import LabelStore

RARE = ("family", "mental", "charity", "health_service")
#: source groups that can be held out (several Weibo collections form one group)
GROUPS = {
    "hkcnews": {"hkcnews"},
    "weibo": {"weibo", "ncov10k_weibo_2020", "covid_weibo_posts_2020", "cctvnews_weibo_2020"},
    "cctv": {"cctv12", "cctv_xinwenlianbo_2012_2021", "cctv_xinwenlianbo_2022_2026"},
}


# -- curves -----------------------------------------------------------------------------------
def simulate(seed: int, strategy: str, holdout: str, budgets: list[int], log_path: str | None = None) -> dict[str, Any]:
    """One labelling run; metrics on the held-out group at each budget.

    With ``log_path``, each budget's point is appended to that JSONL file as soon as it is
    measured, so that a run cut short keeps the budgets it reached.
    """
    records = clf.read_jsonl(shared_data_dir() / "labels" / "train.jsonl")
    taxonomy = clf.load_taxonomy()
    keys = taxonomy.keys
    held = [r for r in records if r["source"] in GROUPS[holdout]]
    pool_records = [r for r in records if r["source"] not in GROUPS[holdout]]
    random.Random(seed).shuffle(pool_records)  # input order must not help any strategy
    oracle = {r["id"]: r for r in pool_records}
    pool = Pool([{"id": r["id"], "title": r.get("title") or "", "text": r["text"], "source": r["source"]} for r in pool_records])
    current: dict[str, Any] = {"model": None, "size": 0}
    fit_seconds: list[tuple[int, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        store = LabelStore(Path(tmp) / "labels.jsonl")
        # the app's cadence; random sampling needs no model between budgets
        retrain = 0 if strategy == "random" else settings.RETRAIN_EVERY
        session = LabelSession(pool, store, taxonomy, strategy, retrain_every=retrain, seed=seed, cv_min_records=10**9)

        def submit(job: dict[str, Any]) -> None:  # the retrainer's job, run inline
            t0 = time.perf_counter()
            try:
                model = clf.fit(job["records"], taxonomy)
            except ValueError as exc:  # as the retrainer does: reported, the session goes on
                session.on_result({"job": job["job"], "kind": "error", "message": str(exc)})
                return
            fit_seconds.append((len(job["records"]), time.perf_counter() - t0))
            current.update(model=model, size=len(job["records"]))
            scores = clf.score(model, pool.records, keys)
            session.on_result({"job": job["job"], "kind": "scores", "version": clf.model_version(model), "scores": scores})

        session.start(submit if retrain else None)
        points = []
        for budget in budgets:
            while len(store.labels) < min(budget, len(pool)):
                item = session.next_item()
                assert item is not None
                gold = oracle[item["id"]]
                session.add_label({"id": item["id"], "relevant": bool(gold["relevant"]), "topics": list(gold["topics"])})
            train = session.training_records()
            if not clf.trainable(train):
                points.append({"budget": budget, "relevance_f1": 0.0, "topic_micro_f1": 0.0})
                continue
            model = current["model"] if current["size"] == len(train) else clf.fit(train, taxonomy)
            rep = clf.evaluate(model, held, keys)
            found = {k: sum(k in r["topics"] for r in train) for k in RARE}
            points.append({
                "budget": budget,
                "relevance_f1": rep["relevance"]["f1"],
                "topic_micro_f1": rep["topic_micro_f1"],
                "topic_precision": _micro(rep, "precision"),
                "topic_recall": _micro(rep, "recall"),
                "rare_recall": {k: rep["topics"][k]["recall"] for k in RARE if rep["topics"][k]["support"]},
                "rare_found": found,
                "relevant_found": sum(r["relevant"] for r in train),
            })
            if log_path:
                line = {"seed": seed, "strategy": strategy, "pool": len(pool), "held_out": len(held),
                        "point": points[-1], "fit_seconds": fit_seconds}
                with open(log_path, "a", encoding="utf-8") as fh:
                    fh.write(json.dumps(line, ensure_ascii=False) + "\n")
        store.close()
    return {"seed": seed, "strategy": strategy, "points": points, "fit_seconds": fit_seconds,
            "pool": len(pool), "held_out": len(held)}


def _micro(rep: dict[str, Any], what: str) -> float:
    """Micro-averaged topic precision or recall from a report's per-topic counts."""
    per = rep["topics"].values()
    tp = sum(t["recall"] * t["support"] for t in per)
    if what == "recall":
        return tp / max(sum(t["support"] for t in per), 1)
    predicted = sum(t["recall"] * t["support"] / t["precision"] for t in per if t["precision"] > 0)
    return tp / predicted if predicted else 0.0


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def curves(args: argparse.Namespace) -> None:
    from concurrent.futures import ProcessPoolExecutor, as_completed

    plan = {"uncertainty": args.budgets, "random": args.random_budgets or args.budgets}
    # the long runs (retraining every 20 labels) first, so that the short ones fill in behind them
    tasks = [(seed, strategy) for strategy in ("uncertainty", "random") if strategy in args.strategies
             for seed in (args.random_seeds or args.seeds if strategy == "random" else args.seeds)]
    runs = []
    with ProcessPoolExecutor(args.jobs) as ex:
        futures = [ex.submit(simulate, seed, strategy, args.holdout, plan[strategy], args.json) for seed, strategy in tasks]
        for future in as_completed(futures):
            runs.append(future.result())
    summarize(runs, args.holdout)


def table(args: argparse.Namespace) -> None:
    """The table from the points ``curves --json`` wrote (runs cut short count with the budgets they reached)."""
    runs: dict[tuple[int, str], dict[str, Any]] = {}
    for line in Path(args.json).read_text(encoding="utf-8").splitlines():
        if line.strip():
            x = json.loads(line)
            run = runs.setdefault((x["seed"], x["strategy"]), {**x, "points": []})
            run["points"].append(x["point"])
            run["fit_seconds"] = x["fit_seconds"]
    summarize(list(runs.values()), args.holdout)


def summarize(runs: list[dict[str, Any]], holdout: str) -> None:
    """Markdown: medians (and ranges) over the seeds per budget and strategy."""
    pool, held = runs[0]["pool"], runs[0]["held_out"]
    by = {s: [r for r in runs if r["strategy"] == s] for s in ("uncertainty", "random")}
    by = {s: rs for s, rs in by.items() if rs}
    seeds = {s: sorted(r["seed"] for r in rs) for s, rs in by.items()}
    print(f"## Active learning: held out {holdout} ({held} items), pool {pool}, seeds {seeds}\n")
    print("| labels | strategy | seeds | relevance F1 | topic micro-F1 | rare recall on held-out (median) | rare positives labelled: family / mental / charity / health_service | relevant labelled |")
    print("|---|---|---|---|---|---|---|---|")
    points = {s: {p["budget"]: [] for p in rs[0]["points"]} for s, rs in by.items()}
    for s, rs in by.items():
        for r in rs:
            for p in r["points"]:
                points[s].setdefault(p["budget"], []).append(p)
    medians: dict[str, dict[int, tuple[float, float]]] = {s: {} for s in by}
    for budget in sorted({b for per in points.values() for b in per}):
        for strategy in by:
            pts = points[strategy].get(budget)
            if not pts:
                continue
            rel = [p["relevance_f1"] for p in pts]
            top = [p["topic_micro_f1"] for p in pts]
            medians[strategy][budget] = (_median(rel), _median(top))
            recall_keys = sorted({k for p in pts for k in p.get("rare_recall", {})})
            recall = ", ".join(f"{k} {_median([p['rare_recall'][k] for p in pts if k in p.get('rare_recall', {})]):.2f}" for k in recall_keys)
            found = " / ".join(f"{_median([p['rare_found'][k] for p in pts if 'rare_found' in p]):.0f}" for k in RARE)
            print(f"| {budget} | {strategy} | {len(pts)} | {_median(rel):.3f} ({min(rel):.3f}–{max(rel):.3f}) | "
                  f"{_median(top):.3f} ({min(top):.3f}–{max(top):.3f}) | {recall} | {found} | "
                  f"{_median([p.get('relevant_found', 0) for p in pts]):.0f} |")
    if len(by) == 2:
        last = max(medians["random"])
        for n, name in enumerate(("relevance F1", "topic micro-F1")):
            target = medians["random"][last][n]
            reached = [b for b in sorted(medians["uncertainty"]) if medians["uncertainty"][b][n] >= target]
            print(f"\nrandom sampling at {last} labels: {name} {target:.3f}; the default strategy "
                  f"reaches it first at {f'{reached[0]} labels' if reached else 'none of its budgets'}.")
    fits = sorted(x for r in by.get("uncertainty", []) for x in r["fit_seconds"])
    for lo, hi in ((1, 200), (200, 400), (400, 700)):
        sec = [s for n, s in fits if lo <= n < hi]
        if sec:
            print(f"- retrain (fit) with {lo}–{hi - 1} labels: median {statistics.median(sec):.1f} s over {len(sec)} fits")


# -- retrain ----------------------------------------------------------------------------------
def retrain(args: argparse.Namespace) -> None:
    """One retrain of the app (``label.model.fit``: ``train``, whose native threads are held to
    one) against the same training call with the thread pools as they are (``train``'s
    unwrapped function), alternated on the same labels; wall and
    CPU seconds, medians of ``--rounds``, and whether the two models are the same numbers."""
    import numpy as np

    from pipeline.classify import train

    train_as_is = train.__wrapped__  # without with_native_threads

    records = clf.read_jsonl(shared_data_dir() / "labels" / "train.jsonl")
    taxonomy = clf.load_taxonomy()
    pool = [r for r in records if r["source"] not in GROUPS[args.holdout]]
    random.Random(args.seed).shuffle(pool)
    print(f"## One retrain: the first N items of pool order {args.seed} (holdout {args.holdout}), medians of {args.rounds} rounds\n")
    print("| labels | threads as they are: wall / CPU s | the app's fit: wall / CPU s | CPU ratio | same coefficients |")
    print("|---|---|---|---|---|")
    clf.fit(pool[:40], taxonomy)  # imports and the segmenter's dictionary, outside the timings
    for n in args.labels:
        labels = pool[:n]
        times: dict[str, list[tuple[float, float]]] = {"as is": [], "app": []}
        models = {}
        for _ in range(args.rounds):
            for name in times:
                w, c = time.perf_counter(), time.process_time()
                models[name] = train_as_is(clf._training_view(labels), taxonomy) if name == "as is" else clf.fit(labels, taxonomy)
                times[name].append((time.perf_counter() - w, time.process_time() - c))
        a, b = models["as is"].state, models["app"].state
        same = all(
            np.array_equal(getattr(a[part][k], "coef_", None), getattr(b[part][k], "coef_", None))
            for part in ("topics", "welfare") for k in a[part]
        ) and a["topic_thresholds"] == b["topic_thresholds"] and a["relevance_threshold"] == b["relevance_threshold"]
        med = {name: (_median([t[0] for t in ts]), _median([t[1] for t in ts])) for name, ts in times.items()}
        print(f"| {n} | {med['as is'][0]:.1f} / {med['as is'][1]:.1f} | {med['app'][0]:.1f} / {med['app'][1]:.1f} | "
              f"{med['as is'][1] / med['app'][1]:.2f}x | {'yes' if same else 'no'} |")


# -- warm-up ----------------------------------------------------------------------------------
def warmup(args: argparse.Namespace) -> None:
    """What the first labels of each cold-start pick hold: relevant items and text length."""
    from pipeline.label.diversity import SimilarityIndex, lead_text
    from pipeline.label.sampler import Sampler

    records = clf.read_jsonl(shared_data_dir() / "labels" / "train.jsonl")
    pool = [r for r in records if r["source"] not in GROUPS[args.holdout]]
    share = sum(r["relevant"] for r in pool) / len(pool)
    print(f"## First labels without a model: pool {len(pool)} ({share:.0%} relevant, median "
          f"{statistics.median(len(r['text']) for r in pool):.0f} characters), seeds {args.seeds}\n")
    print("| pick | " + " | ".join(f"relevant in first {n}" for n in args.labels) + " | median characters |")
    print("|---|" + "---|" * (len(args.labels) + 1))
    for pick in ("diverse", "representative", "random"):
        relevant: dict[int, list[int]] = {n: [] for n in args.labels}
        lengths: list[int] = []
        for seed in args.seeds:
            order = pool[:]
            random.Random(seed).shuffle(order)
            index = SimilarityIndex([lead_text(r.get("title") or "", r["text"]) for r in order])
            # "uncertainty" without a model serves its warm-up pick
            sampler = Sampler("uncertainty" if pick == "representative" else pick, index, seed)
            chosen = []
            for _ in range(max(args.labels)):
                choice = sampler.choose()
                assert choice is not None
                sampler.labelled(choice[0])
                chosen.append(order[choice[0]])
            for n in args.labels:
                relevant[n].append(sum(r["relevant"] for r in chosen[:n]))
            lengths += [len(r["text"]) for r in chosen]
        cells = " | ".join(f"{_median(relevant[n]):.0f} ({min(relevant[n])}–{max(relevant[n])})" for n in args.labels)
        print(f"| {pick} | {cells} | {statistics.median(lengths):.0f} |")


# -- latency ----------------------------------------------------------------------------------
def _synthetic_pool(path: Path, size: int) -> None:
    items = []
    for f in sorted((shared_data_dir() / "indomain").glob("*.jsonl")):
        items += clf.read_jsonl(f)
    with path.open("w", encoding="utf-8") as fh:
        for n in range(size):
            rec = items[n % len(items)]
            copy = {"id": f"{rec['id']}~{n // len(items)}", "title": rec.get("title") or "", "text": rec["text"]}
            fh.write(json.dumps(copy, ensure_ascii=False) + "\n")


def latency(args: argparse.Namespace) -> None:
    import re
    import subprocess

    import httpx

    with tempfile.TemporaryDirectory() as tmp:
        pool_path = Path(tmp) / "pool.jsonl"
        _synthetic_pool(pool_path, args.pool_size)
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "pipeline", "label", str(pool_path), "--out", str(Path(tmp) / "labels.jsonl"),
             "--port", "0", "--model", args.model, "--retrain-every", str(args.retrain_every)],
            stderr=subprocess.PIPE, text=True,
        )
        try:
            assert proc.stderr is not None
            url = None
            for line in proc.stderr:
                m = re.search(r"open (http://\S+?)/ ", line)
                if m:
                    url = m.group(1)
                    break
            if url is None:
                sys.exit("zhnews label did not start")
            started = time.perf_counter() - t0
            client = httpx.Client(base_url=url, timeout=120)
            while client.get("/api/progress").json()["model"]["status"] != "ready":
                time.sleep(0.5)
            scored = time.perf_counter() - t0
            rng = random.Random(0)
            rows = []
            for _ in range(args.labels):
                status = client.get("/api/progress").json()["model"]["status"]
                t = time.perf_counter()
                client.get("/api/progress")
                floor = time.perf_counter() - t
                t = time.perf_counter()
                item = client.get("/api/next").json()
                nxt = time.perf_counter() - t
                relevant = rng.random() < 0.4
                t = time.perf_counter()
                client.post("/api/labels", json={"id": item["id"], "relevant": relevant, "topics": ["pay"] if relevant else []})
                post = time.perf_counter() - t
                rows.append((status, nxt, post, floor))
            final = client.get("/api/progress").json()
        finally:
            proc.terminate()
            proc.wait(timeout=30)

    def ms(values: list[float]) -> str:
        values = sorted(values)
        return f"{1000 * statistics.median(values):.1f} / {1000 * values[int(0.95 * (len(values) - 1))]:.1f}"

    print(f"## /api/next latency, pool of {args.pool_size:,} items, {args.labels} labels\n")
    print(f"- server up (pool read, diversity space built): {started:.1f} s; first scores: {scored:.1f} s")
    print("\n| while | rounds | GET /api/next median / p95 ms | POST /api/labels | GET /api/progress (floor) |")
    print("|---|---|---|---|---|")
    for name, keep in (("idle", lambda s: s == "ready"), ("retraining", lambda s: s != "ready"), ("all", lambda s: True)):
        sel = [r for r in rows if keep(r[0])]
        if sel:
            print(f"| {name} | {len(sel)} | {ms([r[1] for r in sel])} | {ms([r[2] for r in sel])} | {ms([r[3] for r in sel])} |")
    m = final["model"]
    print(f"\nlast retrain: fit {m['fit_seconds']} s, scoring the pool {m['score_seconds']} s, CV {((m.get('cv') or {}).get('seconds'))} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("curves")
    c.add_argument("--holdout", choices=sorted(GROUPS), default="hkcnews")
    c.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    c.add_argument("--budgets", type=int, nargs="+", default=[50, 100, 150, 200, 300, 400, 600])
    c.add_argument("--random-budgets", type=int, nargs="+", help="budgets of random sampling (default: --budgets)")
    c.add_argument("--random-seeds", type=int, nargs="+", help="seeds of random sampling (default: --seeds)")
    c.add_argument("--strategies", nargs="+", choices=("uncertainty", "random"), default=["uncertainty", "random"],
                   help="run only these strategies (e.g. the default alone after a change that leaves random's path as it was)")
    c.add_argument("--jobs", type=int, default=2)
    c.add_argument("--json", help="also append each run's points to this file as they are measured")
    c.set_defaults(func=curves)
    t = sub.add_parser("table", help="print the curves' table from the points saved by curves --json")
    t.add_argument("--json", required=True)
    t.add_argument("--holdout", choices=sorted(GROUPS), default="hkcnews")
    t.set_defaults(func=table)
    r = sub.add_parser("retrain", help="one retrain's wall and CPU time, the app's fit against threads as they are")
    r.add_argument("--holdout", choices=sorted(GROUPS), default="hkcnews")
    r.add_argument("--labels", type=int, nargs="+", default=[100, 300])
    r.add_argument("--rounds", type=int, default=3)
    r.add_argument("--seed", type=int, default=0)
    r.set_defaults(func=retrain)
    w = sub.add_parser("warmup", help="relevant items among the first labels of each cold-start pick")
    w.add_argument("--holdout", choices=sorted(GROUPS), default="hkcnews")
    w.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    w.add_argument("--labels", type=int, nargs="+", default=[20, 40])
    w.set_defaults(func=warmup)
    lat = sub.add_parser("latency")
    lat.add_argument("--pool-size", type=int, default=50_000)
    lat.add_argument("--labels", type=int, default=100)
    lat.add_argument("--retrain-every", type=int, default=20)
    lat.add_argument("--model", default="models/default")
    lat.set_defaults(func=latency)
    args = parser.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
