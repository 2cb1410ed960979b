"""``zhnews report RUN_DIR [--out FILE.html]``: a self-contained HTML report of a run."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from pipeline.query.filters import add_filter_arguments


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "report",
        help="write a self-contained HTML report (charts and tables) of a run",
        description="Articles per month by topic, topic shares over time, top terms per topic, discovered "
        "(NMF) topics, sources, duplicate clusters, an example per topic and extraction quality, as one "
        "HTML file with inline SVG charts.",
    )
    parser.add_argument("run_dir", metavar="RUN_DIR", help="output folder of `zhnews run`")
    parser.add_argument("--out", "-o", help="HTML file to write (default: RUN_DIR/report.html)")
    parser.add_argument("--static", action="store_true",
                        help="SVG charts only (default: also interactive charts when zhnews[interactive] is installed)")
    add_filter_arguments(parser)
    parser.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    from pathlib import Path

    from pipeline.errors import UsageError
    from pipeline.query.filters import filter_from_args
    from pipeline.report.html import write_report
    from pipeline.report.load import load_run

    run_dir = Path(args.run_dir)
    if not (run_dir / "articles").is_dir():
        raise UsageError(f"{run_dir} is not a zhnews run folder (no articles/ inside)")
    out = Path(args.out) if args.out else run_dir / "report.html"
    write_report(load_run(run_dir, article_filter=filter_from_args(args)), out, interactive=not args.static)
    print(f"wrote {out}", file=sys.stderr)
    return 0
