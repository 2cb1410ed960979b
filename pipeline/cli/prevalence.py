"""``zhnews prevalence``: shares of relevant items and topics per group, with 95 % intervals that
carry the classifier's errors (methods: :mod:`pipeline.classify.prevalence`)."""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from pipeline.cli.flags import add_command, add_output
from pipeline.query.filters import add_filter_arguments

# no pipeline.classify import here: that package loads scikit-learn, and ``zhnews --help`` stays instant

#: ``--by`` values: one group, calendar periods of ``published_at``, or the publisher.
GROUPINGS = ("none", "month", "quarter", "year", "source")

#: ``--method`` values (as :data:`pipeline.classify.prevalence.METHODS`, kept here for ``--help``).
METHODS = ("pcc", "pacc", "ppi")

NO_RATES = "model has no cross-validation rates; retrain with zhnews train"


def register(subparsers: argparse._SubParsersAction) -> None:
    p = add_command(
        subparsers,
        "prevalence",
        help="corrected shares of relevant items and topics, per period or source",
        description="Print one object per group: {group, n, relevant: {estimate, low, high}, topics: "
        "{topic: {estimate, low, high}}}, each value a share of the group's documents with a 95 % "
        "interval. Without --labels: the mean posterior, its interval widened by how much the "
        "classifier's bias moved between the outlets of its cross-validation. With --labels (a random "
        "sample of this corpus): prediction-powered inference, the mean posterior plus the labelled "
        "items' mean error. INPUT is a zhnews run folder or JSONL (the output of 'zhnews classify', or "
        "records with text).",
        example="zhnews prevalence corpus/processed --by year --format csv -o shares.csv",
    )
    p.add_argument("input", metavar="FILE.jsonl|RUN_DIR")
    p.add_argument("--model", metavar="DIR", help="model directory (default: models/default or $ZHNEWS_MODEL_DIR)")
    p.add_argument("--by", choices=GROUPINGS, default="none", help="grouping (default: %(default)s)")
    p.add_argument("--format", choices=("jsonl", "csv"), default="jsonl", help="output format (default: %(default)s)")
    p.add_argument(
        "--labels",
        metavar="LABELS.jsonl",
        help="labels of a random sample of this corpus (e.g. from 'zhnews label --strategy random'): "
        "the classifier's error is measured on them instead of taken from the model",
    )
    p.add_argument(
        "--method",
        choices=METHODS,
        help="pcc: mean posterior (default without --labels); ppi: prediction-powered, needs --labels "
        "(default with it); pacc: adjusted classify-and-count with the model's rates, or with --labels "
        "the labelled sample's",
    )
    add_output(p, "file to write (default: standard output)")
    p.add_argument("--bootstrap", type=int, metavar="N", help="bootstrap replicates of --method pacc (default: 1000)")
    p.add_argument("--seed", type=int, help="bootstrap seed of --method pacc (default: 0)")
    add_filter_arguments(p)
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    import sys

    from pipeline.classify.persist import load_model, model_file, read_meta
    from pipeline.classify.prevalence import META_KEY, Prevalence
    from pipeline.classify.scored import (
        group_labels,
        groups,
        read_jsonl_scores,
        read_run_scores,
    )
    from pipeline.classify.settings import (
        PREVALENCE_BOOTSTRAP,
        PREVALENCE_LABELLED_METHOD,
        PREVALENCE_METHOD,
        PREVALENCE_SEED,
    )
    from pipeline.cli.flags import output_stream
    from pipeline.errors import UsageError
    from pipeline.io.remote import readable_run_folder
    from pipeline.io.run_folder import articles_root
    from pipeline.query.filters import filter_from_args

    n_bootstrap = PREVALENCE_BOOTSTRAP if args.bootstrap is None else args.bootstrap
    seed = PREVALENCE_SEED if args.seed is None else args.seed
    if n_bootstrap < 1:
        raise UsageError("--bootstrap must be positive")
    if seed < 0:
        raise UsageError("--seed must be non-negative")
    method = args.method or (PREVALENCE_LABELLED_METHOD if args.labels else PREVALENCE_METHOD)
    if method == "ppi" and not args.labels:
        raise UsageError("--method ppi needs --labels (a labelled random sample of this corpus)")
    if method == "pcc" and args.labels:
        raise UsageError("--method pcc does not use --labels; use ppi or pacc")
    path = readable_run_folder(args.input)  # a run in an object store: its snapshot, fetched
    if not path.exists():
        raise UsageError(f"no such file or folder: {path}")
    article_filter = filter_from_args(args)
    if path.is_dir():
        articles_root(path)
    elif not article_filter.is_empty:
        raise UsageError("the article filters apply to a run folder, not to a JSONL file")
    meta = read_meta(model_file(args.model))  # the rates only: scored inputs never load the classifier
    state = meta.get(META_KEY)
    if not state:
        raise UsageError(NO_RATES)
    estimator = Prevalence("pcc" if method == "ppi" else method, n_bootstrap, seed=seed).fit(state)
    keys = estimator.keys_
    if path.is_dir():
        docs = read_run_scores(
            path, keys, article_filter, with_sources=args.by == "source", with_ids=bool(args.labels)
        )
    else:
        docs = read_jsonl_scores(path, keys, lambda: load_model(args.model).predict_records)
    labels = group_labels(docs, args.by)
    if args.labels:
        group_of = dict(zip(docs.ids or [], labels))
        estimator = _with_corpus_labels(estimator, method, args, n_bootstrap, seed, group_of)
    for event, reason in estimator.fallbacks().items():
        print(
            f"zhnews prevalence: warning: {event}: {reason}; its share is the unadjusted mean posterior",
            file=sys.stderr,
        )
    rows = [
        estimator.estimate(docs.relevant_score[rows], docs.topic_scores[rows], group).as_dict(group)
        for group, rows in groups(labels)
    ]
    with output_stream(args.output) as out:
        _write(rows, keys, args.format, out)
    return 0


def _with_corpus_labels(
    model_estimator: Any, method: str, args: argparse.Namespace, n_bootstrap: int, seed: int, group_of: dict[str, str]
) -> Any:
    """The estimator that uses the labelled corpus sample: prediction-powered for every event (each
    labelled item in its output group, ``group_of`` by id), or PACC with the sample's rates where it
    has enough items of both classes."""
    from pipeline.classify.corpus_rates import corpus_rate_events, corpus_state, labelled_records
    from pipeline.classify.persist import load_model
    from pipeline.classify.prevalence import Prevalence
    from pipeline.classify.settings import CORPUS_RATES_MIN_PER_CLASS
    from pipeline.cli.flags import status
    from pipeline.errors import UsageError

    records = labelled_records(args.labels, args.input)
    if len(records) < 2:
        raise UsageError(f"{args.labels}: {len(records)} labelled item; at least 2 are needed")
    placed = [group_of.get(str(r["id"]), "") for r in records]
    state = corpus_state(records, model_estimator.keys_, load_model(args.model).predict_records, placed)
    if method == "ppi":
        outside = sum(not g for g in placed)
        status(
            args,
            f"prediction-powered shares with {len(records)} labelled items"
            + (f" ({outside} outside the documents estimated: corpus-wide residual only)" if outside else ""),
        )
        return Prevalence("ppi", n_bootstrap, seed=seed).fit(state, model_estimator.keys_)
    events = corpus_rate_events(state)
    # PACC's rates are class-conditional means of the whole sample: its bootstrap draws items, not groups
    items = {key: value for key, value in state.items() if key != "groups"}
    model_estimator.use_rates_of(Prevalence("pacc", n_bootstrap, seed=seed).fit(items), events)
    kept = [e for e in ("relevant", *model_estimator.keys_) if e not in events]
    limit = f" (fewer than {CORPUS_RATES_MIN_PER_CLASS} labelled positives or negatives)"
    status(
        args,
        f"rates from {len(records)} labelled items for {', '.join(events) or 'no event'}"
        + (f"; the model's rates for {', '.join(kept)}{limit}" if kept else ""),
    )
    return model_estimator


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
