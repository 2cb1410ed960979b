"""``zhnews extract FILE.html... [--url URL]``: one JSON article per page, in input order."""

from __future__ import annotations

import argparse
from typing import Any

from pipeline.cli.flags import add_command, add_output


def register(subparsers: Any) -> None:
    parser = add_command(
        subparsers,
        "extract",
        help="extract the article from saved HTML pages (one JSON line per page)",
        description="For each page, in input order, print one JSON object with title, published_at "
        "(ISO-8601 or null), author, source, body (paragraphs joined by newlines), script and text "
        "(normalized); a page that yields no article prints {\"error\": REASON}.",
        example="zhnews extract page.html --url https://news.example.cn/2021/05/12/a.html\nzhnews extract saved/*.html -o articles.jsonl",
    )
    parser.add_argument("files", nargs="+", metavar="FILE.html")
    parser.add_argument("--url", help="the page's URL (for a single page; helps metadata)")
    add_output(parser, "JSONL file to write (default: standard output)", metavar="FILE.jsonl")
    parser.add_argument("--opencc", default="t2s", help="OpenCC config for the text field (default t2s)")
    parser.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    from pipeline.cli.single import doc_for, emit, normalize_step, read_inputs
    from pipeline.errors import UsageError
    from pipeline.extract import ExtractStep
    from pipeline.steps import StepPipeline

    if args.url and len(args.files) > 1:
        raise UsageError("--url applies to a single page")
    inputs = read_inputs(args.files)
    pipeline = StepPipeline([ExtractStep(), normalize_step(args.opencc)])
    return emit(pipeline, args.output, [doc_for(name, "html", data, args.url) for name, data in inputs])
