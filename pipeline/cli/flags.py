"""The flags every command shares, and the parser factory that adds them.

One vocabulary across commands: ``-o/--output`` names what a command writes (older spellings
such as ``--out`` still work but are not shown), ``-q/--quiet`` silences progress and status
lines (warnings and errors still print), ``-v/--verbose`` shows more logging and, on an
internal error, the traceback.  Every ``--help`` ends with an example.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

EXAMPLE_HEADING = "example:"


class HelpFormatter(argparse.HelpFormatter):
    """Wraps the description and keeps the example's lines as written."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if text.startswith(EXAMPLE_HEADING):
            return "".join(indent + line for line in text.splitlines(keepends=True))
        return super()._fill_text(text, width, indent)


def common_flags() -> argparse.ArgumentParser:
    """``-q/--quiet`` and ``-v/--verbose`` as a parent parser.

    Their defaults are suppressed here and set once on the top-level parser, so that a
    command's parser does not overwrite ``zhnews -v COMMAND`` with its own default.
    """
    parent = argparse.ArgumentParser(add_help=False)
    group = parent.add_argument_group("common options")
    group.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS,
                       help="no progress or status lines (warnings and errors still print)")
    group.add_argument("-v", "--verbose", action="count", default=argparse.SUPPRESS,
                       help="more logging (-vv for debug); show the traceback of an internal error")
    return parent


def add_command(subparsers: Any, name: str, *, help: str, description: str, example: str,
                **kwargs: Any) -> argparse.ArgumentParser:
    """A command's parser with the common flags and ``example`` (one or more command lines)
    as the epilog of its ``--help``."""
    lines = "\n".join(f"  {line}" for line in example.strip().splitlines())
    return subparsers.add_parser(
        name, help=help, description=description, epilog=f"{EXAMPLE_HEADING}\n{lines}",
        formatter_class=HelpFormatter, parents=[common_flags()], **kwargs,
    )


def add_output(parser: argparse.ArgumentParser, help: str, *, metavar: str = "FILE", required: bool = False,
               default: Any = None, type: Any = None, aliases: Sequence[str] = ("--out",)) -> None:
    """``-o/--output`` (dest ``output``); ``aliases`` (older spellings) are accepted but left out
    of ``--help``, usage lines and error messages."""
    target: Any = parser.add_mutually_exclusive_group(required=True) if required else parser
    target.add_argument("-o", "--output", dest="output", metavar=metavar, default=default, type=type, help=help)
    for alias in aliases:
        target.add_argument(alias, dest="output", metavar=metavar, default=default, type=type, help=argparse.SUPPRESS)


def status(args: argparse.Namespace, message: str) -> None:
    """A status line on stderr (``zhnews COMMAND: message``) unless ``--quiet``."""
    if not getattr(args, "quiet", False):
        print(f"zhnews {args.command}: {message}", file=sys.stderr, flush=True)


@contextmanager
def output_stream(path: str | Path | None, encoding: str = "utf-8") -> Iterator[TextIO]:
    """Standard output when ``path`` is None, else a text file written atomically (the file
    appears under its name only when the command finished).  Self-contained rather than
    :mod:`pipeline.io.atomic`, which loads pyarrow: ``zhnews extract -o`` stays light."""
    if path is None:
        yield sys.stdout
        sys.stdout.flush()
        return
    from pipeline.io.storage import is_url

    if is_url(str(path)):  # an object: written locally, uploaded whole when the command finished
        from pipeline.io.remote import written_to

        with written_to(str(path)) as local, output_stream(local, encoding) as handle:
            yield handle
        return
    import os
    import tempfile

    target = Path(path)
    if target.is_dir():
        from pipeline.errors import UsageError

        raise UsageError(f"output {target} is a folder, not a file")
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".tmp-{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        umask = os.umask(0o022)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # what open(path, "w") gives; mkstemp makes 0600 files
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
