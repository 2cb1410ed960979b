"""``zhnews prevalence``: shares of relevant items and topics per group, corrected for the
classifier's errors (PACC) with 95 % bootstrap intervals."""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from pipeline.query.filters import add_filter_arguments

# no pipeline.classify import here: that package loads scikit-learn, and ``zhnews --help`` stays instant

#: ``--by`` values: one group, calendar periods of ``published_at``, or the publisher.
GROUPINGS = ("none", "month", "quarter", "year", "source")

NO_RATES = "model has no cross-validation rates; retrain with zhnews train"


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "prevalence",
        help="corrected shares of relevant items and topics, per period or source",
        description="Print one object per group: {group, n, relevant: {estimate, low, high}, topics: "
        "{topic: {estimate, low, high}}}, each value a share of the group's documents, corrected for "
        "the classifier's cross-validated error rates (PACC) with a 95%% bootstrap interval. "
        "INPUT is a zhnews run folder or JSONL (the output of 'zhnews classify', or records with text).",
    )
    p.add_argument("input", metavar="FILE.jsonl|RUN_DIR")
    p.add_argument("--model", metavar="DIR", help="model directory (default: models/default or $ZHNEWS_MODEL_DIR)")
    p.add_argument("--by", choices=GROUPINGS, default="none", help="grouping (default: %(default)s)")
    p.add_argument("--format", choices=("jsonl", "csv"), default="jsonl", help="output format (default: %(default)s)")
    p.add_argument("--bootstrap", type=int, metavar="N", help="bootstrap replicates (default: 1000)")
    p.add_argument("--seed", type=int, help="bootstrap seed (default: 0)")
    add_filter_arguments(p)
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    import sys
    from pathlib import Path

    from pipeline.classify.persist import load_model, model_file, read_meta
    from pipeline.classify.prevalence import META_KEY, Prevalence
    from pipeline.classify.scored import (
        group_labels,
        groups,
        read_jsonl_scores,
        read_run_scores,
    )
    from pipeline.classify.settings import PREVALENCE_BOOTSTRAP, PREVALENCE_SEED
    from pipeline.errors import UsageError
    from pipeline.query.filters import filter_from_args

    n_bootstrap = PREVALENCE_BOOTSTRAP if args.bootstrap is None else args.bootstrap
    seed = PREVALENCE_SEED if args.seed is None else args.seed
    if n_bootstrap < 1:
        raise UsageError("--bootstrap must be positive")
    if seed < 0:
        raise UsageError("--seed must be non-negative")
    path = Path(args.input)
    if not path.exists():
        raise UsageError(f"no such file or folder: {path}")
    article_filter = filter_from_args(args)
    if not path.is_dir() and not article_filter.is_empty:
        raise UsageError("the article filters apply to a run folder, not to a JSONL file")
    meta = read_meta(model_file(args.model))  # the rates only: scored inputs never load the classifier
    state = meta.get(META_KEY)
    if not state:
        raise UsageError(NO_RATES)
    estimator = Prevalence(n_bootstrap, seed=seed).fit(state)
    keys = estimator.keys_
    if path.is_dir():
        docs = read_run_scores(path, keys, article_filter, with_sources=args.by == "source")
    else:
        docs = read_jsonl_scores(path, keys, lambda: load_model(args.model).predict_records)
    for event, reason in estimator.fallbacks().items():
        print(
            f"zhnews prevalence: warning: {event}: {reason}; its share is the unadjusted mean posterior",
            file=sys.stderr,
        )
    rows = [
        estimator.estimate(docs.relevant_score[rows], docs.topic_scores[rows]).as_dict(group)
        for group, rows in groups(group_labels(docs, args.by))
    ]
    _write(rows, keys, args.format, sys.stdout)
    return 0


def _write(rows: list[dict[str, Any]], keys: list[str], fmt: str, out: TextIO) -> None:
    import csv
    import json

    if fmt == "jsonl":
        out.write("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows))
        return
    fields = ("estimate", "low", "high")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["group", "n", *(f"relevant_{f}" for f in fields), *(f"{k}_{f}" for k in keys for f in fields)])
    for row in rows:
        writer.writerow(
            [
                row["group"],
                row["n"],
                *(row["relevant"][f] for f in fields),
                *(row["topics"][k][f] for k in keys for f in fields),
            ]
        )
