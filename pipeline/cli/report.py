"""``zhnews report RUN_DIR [-o FILE.html]``: a self-contained HTML report of a run."""

from __future__ import annotations

import argparse
from typing import Any

from pipeline.cli.flags import add_command, add_output


def register(subparsers: Any) -> None:
    parser = add_command(
        subparsers,
        "report",
        help="write a self-contained HTML report (charts and tables) of a run",
        description="Articles per month by topic, topic shares over time, top terms per topic, discovered "
        "(NMF) topics, sources, duplicate clusters, an example per topic and extraction quality, as one "
        "HTML file with inline SVG charts. Needs the 'report' extra.",
        example="zhnews report corpus/processed -o report.html",
    )
    parser.add_argument("run_dir", metavar="RUN_DIR", help="output folder of `zhnews run`")
    add_output(parser, "HTML file to write (default: RUN_DIR/report.html)", metavar="FILE.html")
    parser.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    from pathlib import Path

    from pipeline.cli.flags import status
    from pipeline.extras import require_extra
    from pipeline.io.run_folder import articles_root

    run_dir = Path(args.run_dir)
    articles_root(run_dir)
    require_extra("report", "the HTML report")
    from pipeline.report.html import write_report
    from pipeline.report.load import load_run

    out = Path(args.output) if args.output else run_dir / "report.html"
    write_report(load_run(run_dir), out)
    status(args, f"wrote {out}")
    return 0
