"""``zhnews export RUN_DIR --format csv|jsonl|xlsx [-o FILE] [filters]``: the articles for spreadsheets or scripts."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from pipeline.cli.flags import add_command, add_output
from pipeline.query.filters import add_filter_arguments


def register(subparsers: Any) -> None:
    parser = add_command(
        subparsers,
        "export",
        help="export a run's articles as CSV (UTF-8 with BOM, for Excel), JSON Lines or an xlsx workbook",
        description="Write the articles of a run folder as CSV, JSON Lines or xlsx. CSV: UTF-8 with BOM, list "
        "columns joined (paragraphs by newlines, tokens by spaces, others by '; '), topic_scores spread "
        "over score_<topic> columns. JSONL keeps lists and topic_scores as JSON arrays/objects. xlsx (needs "
        "-o, and the 'xlsx' extra): a sheet 'articles' (flattened like CSV, plus source_name) and a sheet "
        "'topic_shares' per month.",
        example="zhnews export corpus/processed -o articles.csv --relevant-only\n"
        "zhnews export corpus/processed -f jsonl --columns doc_id,title,topics | head\n"
        "zhnews export corpus/processed -f xlsx --since 2020-01 --until 2020-06 --topic wages -o wages.xlsx",
    )
    parser.add_argument("run_dir", metavar="RUN_DIR", help="output folder of `zhnews run`")
    parser.add_argument("--format", "-f", choices=["csv", "jsonl", "xlsx"], default="csv",
                        help="output format (default: csv)")
    add_output(parser, "output file (default: standard output; required for xlsx)")
    parser.add_argument("--columns", help="comma-separated columns to export (default: all, for xlsx a reading "
                        "selection; see docs/schema.md)")
    add_filter_arguments(parser)
    parser.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    import io

    from pipeline.cli.flags import status
    from pipeline.errors import UsageError
    from pipeline.io.export import export_articles, export_to_path
    from pipeline.io.remote import readable_run_folder, written_to
    from pipeline.io.storage import redacted
    from pipeline.query.filters import filter_from_args

    columns = [c.strip() for c in args.columns.split(",") if c.strip()] if args.columns else None
    article_filter = filter_from_args(args)
    run_dir = readable_run_folder(args.run_dir)  # a run in an object store: its snapshot, fetched
    if args.output:
        with written_to(args.output) as local:
            rows = export_to_path(run_dir, args.format, local, columns=columns, article_filter=article_filter)
        status(args, f"wrote {rows} articles to {redacted(args.output)}")
        return 0
    if args.format == "xlsx":
        raise UsageError("--format xlsx writes a workbook: give the file with -o/--output FILE.xlsx")
    encoding = "utf-8-sig" if args.format == "csv" else "utf-8"
    handle = io.TextIOWrapper(sys.stdout.buffer, encoding=encoding, newline="", write_through=True)
    try:
        export_articles(run_dir, args.format, handle, columns=columns, article_filter=article_filter)
        handle.flush()
    except BrokenPipeError:  # the reader (e.g. `head`) stopped early
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    finally:
        handle.detach()
    return 0
