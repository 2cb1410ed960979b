"""``zhnews kwic TERM RUN_DIR [--window N] [filters] [--format table|csv|jsonl] [-o FILE]``: keyword in context."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from typing import Any, TextIO

from pipeline.cli.flags import add_command, add_output
from pipeline.query.filters import add_filter_arguments


def register(subparsers: Any) -> None:
    parser = add_command(
        subparsers,
        "kwic",
        help="keyword in context: every occurrence of a term in a run's articles, with its surroundings",
        description="Print each occurrence of TERM in the normalized text of the run's articles with WINDOW "
        "characters on each side, and the article's doc_id, date, source and title. TERM matches whole jieba "
        "tokens (医生 does not match inside 医生们) unless --substring; a Traditional TERM finds Simplified text.",
        example="zhnews kwic 欠薪 corpus/processed --since 2020 | head\n"
        "zhnews kwic 农民工 corpus/processed --topic wages -f csv -o kwic.csv",
    )
    parser.add_argument("term", metavar="TERM", help="word or phrase to find")
    parser.add_argument("run_dir", metavar="RUN_DIR", help="output folder of `zhnews run`")
    parser.add_argument("--window", "-w", type=int, metavar="N", help="characters of context on each side (default: 20)")
    parser.add_argument("--format", "-f", choices=("table", "csv", "jsonl"), default="table",
                        help="output format (default: %(default)s)")
    add_output(parser, "file to write (default: standard output)")
    add_filter_arguments(parser)
    parser.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:

    from pipeline.cli.flags import output_stream, status
    from pipeline.io.remote import readable_run_folder
    from pipeline.io.run_folder import articles_root
    from pipeline.query.filters import filter_from_args
    from pipeline.query.kwic import kwic
    from pipeline.query.settings import KWIC_WINDOW

    window = KWIC_WINDOW if args.window is None else args.window
    article_filter = filter_from_args(args)
    run_dir = readable_run_folder(args.run_dir)  # a run in an object store: its snapshot, fetched
    articles_root(run_dir)
    hits = kwic(run_dir, args.term, window, article_filter, substring=args.substring)
    try:
        with output_stream(args.output) as out:
            count = _write(hits, args.format, out, window)
    except BrokenPipeError:  # the reader (e.g. `head`) stopped early
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    status(args, f"{count} hits" + (f" written to {args.output}" if args.output else ""))
    return 0


def _write(hits: Iterable[Any], fmt: str, out: TextIO, window: int) -> int:
    import csv
    import json

    from pipeline.io.xlsx import display_width
    from pipeline.query.kwic import FIELDS

    count = 0
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(FIELDS)
    for hit in hits:
        count += 1
        if fmt == "jsonl":
            out.write(json.dumps(hit.as_dict(), ensure_ascii=False) + "\n")
        elif fmt == "csv":
            writer.writerow([getattr(hit, f) for f in FIELDS])
        else:  # left context right-aligned so the matches line up in a column
            pad = " " * max(0, 2 * window - display_width(hit.left))
            out.write(f"{hit.date or '----------'}  {hit.doc_id}  {pad}{hit.left} 【{hit.match}】 {hit.right}"
                      f"  ({hit.source} · {hit.title})\n")
    return count
