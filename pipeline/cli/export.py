"""``zhnews export RUN_DIR --format csv|jsonl [-o FILE]``: the articles as CSV (Excel-ready) or JSONL."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from pipeline.cli.flags import add_command, add_output


def register(subparsers: Any) -> None:
    parser = add_command(
        subparsers,
        "export",
        help="export a run's articles as CSV (UTF-8 with BOM, for Excel) or JSON Lines",
        description="Write the articles of a run folder as CSV or JSON Lines. CSV: UTF-8 with BOM, list "
        "columns joined (paragraphs by newlines, tokens by spaces, others by '; '), topic_scores spread "
        "over score_<topic> columns. JSONL keeps lists and topic_scores as JSON arrays/objects.",
        example="zhnews export corpus/processed -o articles.csv --relevant-only\n"
        "zhnews export corpus/processed -f jsonl --columns doc_id,title,topics | head",
    )
    parser.add_argument("run_dir", metavar="RUN_DIR", help="output folder of `zhnews run`")
    parser.add_argument("--format", "-f", choices=["csv", "jsonl"], default="csv", help="output format (default: csv)")
    add_output(parser, "output file (default: standard output)")
    parser.add_argument("--columns", help="comma-separated columns to export (default: all; see docs/schema.md)")
    parser.add_argument("--relevant-only", action="store_true", help="only articles the model found relevant")
    parser.add_argument("--canonical-only", action="store_true", help="one article per duplicate cluster")
    parser.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    import io
    from pathlib import Path

    from pipeline.cli.flags import status
    from pipeline.io.export import export_articles, export_to_path

    options = {
        "columns": [c.strip() for c in args.columns.split(",") if c.strip()] if args.columns else None,
        "relevant_only": args.relevant_only,
        "canonical_only": args.canonical_only,
    }
    if args.output:
        rows = export_to_path(Path(args.run_dir), args.format, Path(args.output), **options)
        status(args, f"wrote {rows} articles to {args.output}")
        return 0
    encoding = "utf-8-sig" if args.format == "csv" else "utf-8"
    handle = io.TextIOWrapper(sys.stdout.buffer, encoding=encoding, newline="", write_through=True)
    try:
        export_articles(Path(args.run_dir), args.format, handle, **options)
        handle.flush()
    except BrokenPipeError:  # the reader (e.g. `head`) stopped early
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    finally:
        handle.detach()
    return 0
