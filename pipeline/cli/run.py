"""``zhnews run``: the whole pipeline from inputs to a Parquet dataset.

Exit status: 0 when the run finished (rejected inputs are counted in the summary and kept in
``rejects/`` with their reasons: every real corpus has some); with ``--strict``, 3 when any
input was rejected; 2 on bad arguments or unreadable inputs (an output path that is a file, a
folder without inputs), an output folder another run is using, or one holding a dataset of other
inputs without ``--overwrite``; 1 when the output cannot be written (disk full, file too large,
permission denied: one line, the previous dataset left as it was) or on an unexpected failure.
"""

from __future__ import annotations

import argparse
import errno
import sys
from typing import Any

from pipeline.cli.flags import add_command, add_output
from pipeline.config import DEFAULT_INPUT, DEFAULT_OUTPUT

EXIT_OK = 0
EXIT_WRITE_FAILED = 1
EXIT_REJECTS = 3
#: Errors of writing the output that are the disk's or the folder's, not a bug: one line, no traceback.
DISK_ERRORS = frozenset({errno.EFBIG, errno.ENOSPC, errno.EDQUOT, errno.EACCES, errno.EPERM, errno.EROFS})


def register(subparsers: Any) -> None:
    parser = add_command(
        subparsers,
        "run",
        help="run the whole pipeline on inputs and write a Parquet dataset",
        description="Ingest HTML pages, text dumps, JSONL and WARC files; extract or clean, normalize, "
        "segment, classify and deduplicate; write hive-partitioned Parquet, rejects, manifest.json "
        "and a dataset card. On an output that holds a run of the same settings, only new or changed inputs "
        "are processed and the dataset gains their rows (inputs no longer listed keep theirs unless --prune); "
        "an output holding a dataset none of whose inputs are listed is replaced only with --overwrite. "
        "One run at a time per output folder. "
        "Exit status: 0 the run finished (rejects are counted, not failures), "
        "3 with --strict when any input was rejected, 2 usage error (also: the output is in use by another "
        "run, or holds a dataset of other inputs), 1 the output cannot be written (the previous dataset "
        "is kept) or an internal error.",
        example="zhnews run corpus/raw -o corpus/processed --workers 4",
    )
    parser.add_argument("inputs", nargs="*", metavar="INPUT",
                        help=f"files, directories or globs (default: {DEFAULT_INPUT})")
    add_output(parser, f"output directory (default: {DEFAULT_OUTPUT})", metavar="DIR", aliases=("--out",))
    parser.add_argument("--config", help="YAML, JSON or TOML file with run and step settings")
    parser.add_argument("--workers", type=int, help="worker processes (default: all cores)")
    parser.add_argument("--engine", choices=["local", "dask"], help="executor (default: local)")
    parser.add_argument("--scheduler", help="Dask scheduler address (default: a LocalCluster)")
    parser.add_argument("--model", dest="model_dir", help="classification model folder (default: models/default)")
    parser.add_argument("--no-classify", action="store_true", help="skip topic classification")
    parser.add_argument("--no-dedup", action="store_true", help="skip deduplication")
    parser.add_argument("--prune", action="store_true",
                        help="drop the rows of inputs an earlier run on OUTPUT published and this run does not list")
    parser.add_argument("--keep-staging", action="store_true",
                        help="keep _staging/ (every task's staged rows) after publishing")
    parser.add_argument("--strict", action="store_true", help="exit 3 when any input was rejected (default: 0)")
    parser.add_argument("--overwrite", action="store_true",
                        help="replace a dataset in the output folder even when none of its inputs are in this run")
    parser.set_defaults(func=main)


def _make_config(args: argparse.Namespace):
    from pipeline.config import make_config

    if args.workers is not None and args.workers < 1:
        from pipeline.errors import UsageError

        raise UsageError("--workers must be at least 1")
    config = make_config(
        args.config,
        inputs=list(args.inputs) or None,
        output=args.output,
        workers=args.workers,
        engine=args.engine,
        scheduler=args.scheduler,
        classify_enabled=False if args.no_classify else None,
        dedup_enabled=False if args.no_dedup else None,
        prune=True if args.prune else None,
        keep_staging=True if args.keep_staging else None,
        overwrite=True if args.overwrite else None,
    )
    if args.model_dir:
        config.params["classify"] = config.section("classify") | {"model_dir": args.model_dir}
    return config


def main(args: argparse.Namespace) -> int:
    config = _make_config(args)
    from pathlib import Path

    from pipeline.errors import UsageError

    if Path(config.output).exists() and not Path(config.output).is_dir():
        raise UsageError(f"output {config.output} is a file, not a folder")
    try:
        summary = _run(args, config)
    except OSError as exc:
        if exc.errno not in DISK_ERRORS:
            raise
        where = f" ({exc.filename})" if exc.filename else ""
        print(f"zhnews run: error: cannot write the output in {config.output}: {exc.strerror}{where}; "
              "the previous dataset is unchanged", file=sys.stderr)
        return EXIT_WRITE_FAILED
    if not args.quiet:
        from pipeline.cli.progress import print_summary

        print_summary(summary, file=sys.stderr)
    return EXIT_REJECTS if args.strict and summary.rejects else EXIT_OK


def _run(args: argparse.Namespace, config: Any) -> Any:
    """The run under the output folder's lock, with its progress bar; its summary."""
    from pipeline.engine.start import start_executor
    from pipeline.io.lock import run_lock_for

    with run_lock_for(config.output) as lock:  # a second run on the folder stops here, before any worker starts
        # first, before the heavy imports: the workers set up while this process imports and plans
        executor = start_executor(config)
        try:
            from pipeline.cli.progress import RunProgress
            from pipeline.runner import run_pipeline

            progress = RunProgress(enabled=not args.quiet)
        except BaseException:
            executor.close()
            raise
        try:
            return run_pipeline(config, on_task_done=progress.task_done, on_plan=progress.plan, executor=executor,
                                lock=lock)
        finally:
            progress.close()
