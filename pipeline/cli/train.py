"""``zhnews train``: fit a relevance/topic model (or a single-label classifier) from labels."""

from __future__ import annotations

import argparse

from pipeline.cli.flags import add_command, add_output


def register(subparsers: argparse._SubParsersAction) -> None:
    p = add_command(
        subparsers,
        "train",
        help="train a classifier from labelled JSONL",
        description="Train the relevance + topic model from JSONL records with 'text', optional "
        "'title', 'source' and 'date', and 'relevant'/'topics' (multi-label) or 'label' (single-label).",
        example="zhnews train --labels labels.jsonl --negatives general_news.jsonl -o models/mine --cv",
    )
    p.add_argument("--labels", required=True, metavar="FILE.jsonl", help="labelled records")
    p.add_argument("--taxonomy", metavar="FILE", help="taxonomy YAML (default: the packaged one)")
    add_output(p, "model directory (default: %(default)s)", metavar="DIR", default="models/default")
    p.add_argument("--negatives", nargs="*", default=[], metavar="FILE",
                   help="general news known to be off-topic (.jsonl with text, .csv with a text/content "
                   "column, or one document per line with an optional 'label<TAB>' prefix)")
    p.add_argument("--pool", nargs="*", default=[], metavar="FILE.jsonl", help="unlabelled records for self-training")
    # the default is read in main(): pipeline.classify imports numpy and scikit-learn, which
    # every other command's start-up would then pay for
    p.add_argument("--low-prevalence", type=float, metavar="SHARE",
                   help="the relevance threshold serves the labelled items' mix and general news of which this "
                   "share is relevant, the rest like the --negatives that name medical workers; 0: the labelled "
                   "mix alone, for corpora as topical as the labels (default: 0.1, LOW_PREVALENCE of the classifier's settings)")
    p.add_argument("--cv", action="store_true",
                   help="also cross-validate (leave one source family out; leave one time block out), "
                   "print the tables and put them in the model card")
    p.add_argument("--cv-random", action="store_true",
                   help="with --cv, also show stratified random folds beside the grouped figures")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    import shlex
    import sys

    from pipeline.classify.card import write_card
    from pipeline.classify.data import read_jsonl, read_negatives
    from pipeline.classify.model import TrainConfig
    from pipeline.classify.persist import save_model
    from pipeline.classify.taxonomy import load_taxonomy
    from pipeline.classify.training import train
    from pipeline.cli.flags import status

    records = read_jsonl(args.labels)
    taxonomy = load_taxonomy(args.taxonomy)
    pool = [r for path in args.pool for r in read_jsonl(path)]
    negatives = [r for path in args.negatives for r in read_negatives(path)]
    from pipeline.classify.settings import LOW_PREVALENCE
    from pipeline.errors import UsageError

    share = LOW_PREVALENCE if args.low_prevalence is None else args.low_prevalence
    if not 0 <= share < 1:
        raise UsageError(f"--low-prevalence must be in [0, 1), got {share}")
    cfg = TrainConfig(low_prevalence=share)
    model = train(records, taxonomy, cfg, pool=pool, labels_path=args.labels, negatives=negatives)
    out = save_model(model, args.output)
    cv: dict[str, dict] = {}
    if args.cv:
        from pipeline.classify.cv import SCHEME_NAMES, cross_validate, format_report

        for scheme, name in SCHEME_NAMES.items():
            if scheme == "random" and not args.cv_random:
                continue
            report = cross_validate(records, taxonomy, cfg, pool=pool, scheme=scheme, negatives=negatives)
            cv[scheme] = report
            print(format_report(report, f"cross-validation: {name}"), end="\n\n", flush=True)
    argv = sys.argv[sys.argv.index("train") + 1 :] if "train" in sys.argv else []
    command = " ".join(["zhnews", "train", *(shlex.quote(a) for a in argv)])
    write_card(out, model.meta, command, cv or None)
    status(args, f"model {model.version} written to {out}")
    return 0
