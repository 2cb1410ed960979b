"""``zhnews report RUN_DIR [-o FILE.html]``: a self-contained HTML report of a run."""

from __future__ import annotations

import argparse
from typing import Any

from pipeline.cli.flags import add_command, add_output
from pipeline.query.filters import add_filter_arguments


def register(subparsers: Any) -> None:
    parser = add_command(
        subparsers,
        "report",
        help="write a self-contained HTML report (charts and tables) of a run",
        description="Articles per month by topic, topic shares over time, top terms per topic, discovered "
        "(NMF) topics, sources, duplicate clusters, an example per topic and extraction quality, as one "
        "HTML file with inline SVG charts. Needs the 'report' extra.",
        example="zhnews report corpus/processed -o report.html\nzhnews report corpus/processed --since 2020 --source 新华网 -o xinhua.html",
    )
    parser.add_argument("run_dir", metavar="RUN_DIR", help="output folder of `zhnews run`")
    add_output(parser, "HTML file to write (default: RUN_DIR/report.html)", metavar="FILE.html")
    parser.add_argument("--static", action="store_true",
                        help="SVG charts only (default: also interactive charts when zhnews[interactive] is installed)")
    add_filter_arguments(parser)
    parser.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:

    from pipeline.cli.flags import status
    from pipeline.extras import missing_modules, require_extra
    from pipeline.io import storage
    from pipeline.io.remote import readable_run_folder, written_to
    from pipeline.io.run_folder import articles_root
    from pipeline.query.filters import filter_from_args

    run_dir = readable_run_folder(args.run_dir)  # a run in an object store: its snapshot, fetched
    articles_root(run_dir)
    article_filter = filter_from_args(args)
    require_extra("report", "the HTML report")
    from pipeline.report.html import write_report
    from pipeline.report.load import load_run

    interactive = not args.static
    if interactive and missing_modules("interactive"):
        status(args, "SVG charts only: interactive charts need the 'interactive' extra "
               "(pip install 'zhnews[interactive]')")
    out = args.output or storage.join(storage.local_path(args.run_dir), "report.html")
    with written_to(out) as local:
        write_report(load_run(run_dir, article_filter=article_filter), local, interactive=interactive)
    status(args, f"wrote {storage.redacted(str(out))}")
    return 0
