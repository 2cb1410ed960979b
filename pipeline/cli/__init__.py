"""``zhnews`` command line: one module per command, each with ``register(subparsers)``.

Every command module defines ``register(subparsers)``, which adds its parser (through
:func:`pipeline.cli.flags.add_command`, which adds the shared flags and the example) and sets
``func`` to a ``main(args) -> int``.  Heavy imports happen inside ``main`` so that
``zhnews --help`` is instant.  Bad arguments, unreadable inputs and a missing extra raise
:class:`~pipeline.errors.UsageError`: one line on stderr and exit code 2.  Any other exception
is an internal error: one line and exit code 1 (the traceback with ``-v``).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from pipeline.errors import UsageError

#: Command modules in the order ``zhnews --help`` lists them.
COMMAND_MODULES = (
    "run",
    "crawl",
    "extract_cmd",
    "clean_cmd",
    "train",
    "label",
    "labels",
    "classify",
    "evaluate",
    "prevalence",
    "report",
    "export",
    "kwic",
)


class _VersionAction(argparse.Action):
    """``--version``, reading the installed version only when asked (it costs an import)."""

    def __init__(self, option_strings: list[str], dest: str = argparse.SUPPRESS, help: str | None = None) -> None:
        super().__init__(option_strings, dest=dest, default=argparse.SUPPRESS, nargs=0, help=help)

    def __call__(self, parser: argparse.ArgumentParser, *args: object) -> None:
        from pipeline import __version__

        sys.stdout.write(f"zhnews {__version__}\n")
        parser.exit(0)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with every command registered."""
    parser = _Parser(
        prog="zhnews",
        description="Chinese news-corpus pipeline: clean, normalized, deduplicated, segmented "
        "and classified articles as Parquet.",
    )
    parser.add_argument("--version", action=_VersionAction, help="show the version and exit")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress or status lines")
    parser.add_argument("-v", "--verbose", action="count", help="more logging (-vv for debug)")
    parser.set_defaults(verbose=0, quiet=False)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"pipeline.cli.{name}")
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``zhnews`` console script."""
    import logging

    from pipeline.memory import use_arrow_allocator

    use_arrow_allocator()  # before anything allocates Arrow memory
    parser = build_parser()
    args = parser.parse_args(argv)
    level = logging.WARNING - 10 * min(args.verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    # the level on the handler too: libraries that set their own loggers' levels (distributed
    # sets INFO on its loggers, which propagate here) are shown only at -v / -vv like ours
    for handler in logging.getLogger().handlers:
        handler.setLevel(level)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except UsageError as exc:
        print(f"zhnews {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("zhnews: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        if args.verbose:
            raise
        detail = " ".join(str(exc).split()) or "no message"
        print(f"zhnews {args.command}: internal error: {type(exc).__name__}: {detail} (-v shows the traceback)",
              file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
