"""``zhnews train``: fit a relevance/topic model (or a single-label classifier) from labels."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "train",
        help="train a classifier from labelled JSONL",
        description="Train the relevance + topic model from JSONL records with 'text', optional "
        "'title', and 'relevant'/'topics' (multi-label) or 'label' (single-label).",
    )
    p.add_argument("--labels", required=True, metavar="FILE.jsonl", help="labelled records")
    p.add_argument("--taxonomy", metavar="FILE", help="taxonomy YAML (default: the packaged one)")
    p.add_argument("--out", default="models/default", metavar="DIR", help="model directory (default: %(default)s)")
    p.add_argument("--pool", nargs="*", default=[], metavar="FILE.jsonl", help="unlabelled records for self-training")
    p.add_argument("--cv", action="store_true", help="also run 5-fold CV and put the scores in the model card")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    import shlex
    import sys

    from pipeline.classify.card import write_card
    from pipeline.classify.data import read_jsonl
    from pipeline.classify.persist import save_model
    from pipeline.classify.taxonomy import load_taxonomy
    from pipeline.classify.training import train

    records = read_jsonl(args.labels)
    taxonomy = load_taxonomy(args.taxonomy)
    pool = [r for path in args.pool for r in read_jsonl(path)]
    model = train(records, taxonomy, pool=pool, labels_path=args.labels)
    out = save_model(model, args.out)
    cv = None
    if args.cv:
        from pipeline.classify.cv import cross_validate

        cv = cross_validate(records, taxonomy, pool=pool)
    argv = sys.argv[sys.argv.index("train") + 1 :] if "train" in sys.argv else []
    command = " ".join(["zhnews", "train", *(shlex.quote(a) for a in argv)])
    write_card(out, model.meta, command, cv)
    print(f"model {model.version} written to {out}", file=sys.stderr)
    return 0
