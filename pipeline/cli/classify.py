"""``zhnews classify``: one JSON line per input record, in input order."""

from __future__ import annotations

import argparse

from pipeline.cli.flags import add_command, add_output


def register(subparsers: argparse._SubParsersAction) -> None:
    p = add_command(
        subparsers,
        "classify",
        help="relevance and topics of JSONL records or a run folder",
        description="Print {id, relevant, relevant_score, topics, topic_scores} per input record. "
        "INPUT is a JSONL file (id, text, optional title; either script) or a zhnews run folder.",
        example="zhnews classify posts.jsonl -o classified.jsonl\nzhnews classify corpus/processed | head",
    )
    p.add_argument("input", metavar="FILE.jsonl|RUN_DIR")
    add_output(p, "JSONL file to write (default: standard output)", metavar="FILE.jsonl")
    p.add_argument("--model", metavar="DIR", help="model directory (default: models/default or $ZHNEWS_MODEL_DIR)")
    p.add_argument("--batch-size", type=int, default=512, help="records scored together (default: %(default)s)")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    import itertools
    import json
    import os
    import sys

    from pipeline.classify.data import iter_run_dir, read_jsonl
    from pipeline.classify.persist import load_model
    from pipeline.cli.flags import output_stream
    from pipeline.errors import UsageError
    from pipeline.io.remote import readable_run_folder
    from pipeline.io.run_folder import articles_root

    path = readable_run_folder(args.input)  # a run in an object store: its snapshot, fetched
    if args.batch_size < 1:
        raise UsageError("--batch-size must be positive")
    if path.is_dir():
        articles_root(path)  # a run with articles, checked before the model loads
        records, simplified = iter_run_dir(path), True
    elif path.is_file():
        records, simplified = iter(read_jsonl(path)), False
    else:
        raise UsageError(f"no such file or folder: {path}")
    model = load_model(args.model)
    try:
        with output_stream(args.output) as out:
            while batch := list(itertools.islice(records, args.batch_size)):
                lines = []
                for res in model.predict_records(batch, simplified=simplified):
                    if model.kind == "multiclass":
                        res["label"] = res["topics"][0]
                    lines.append(json.dumps(res, ensure_ascii=False) + "\n")
                out.write("".join(lines))
    except BrokenPipeError:
        # the reader went away (``| head``): stop quietly; point stdout at devnull so the
        # interpreter's final flush does not raise again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0
