"""Staging: each task's rows and rejects in bounded parts, written by the ``stage`` step.

A task writes ``_staging/<task>/articles-NNNNN.arrow`` and ``rejects-NNNNN.arrow`` (Arrow IPC
files, :func:`~pipeline.io.atomic.write_staging_atomic`), each articles part's rows ordered by
year/month partition; a step after ``stage`` may write files of its own beside each articles
part (dedup's signatures: ``dedup-NNNNN.arrow``).  The stages after the map read them back
(:func:`staging_parts`, :func:`read_part`, :func:`iter_part_columns`).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.ipc as ipc

from pipeline.io.atomic import STAGING_SUFFIX, write_staging_atomic
from pipeline.io.schema import article_schema, articles_table, doc_to_row, partition_of, reject_to_row, rejects_table
from pipeline.io.settings import STAGING_BATCH_DOCS
from pipeline.record import Doc, Reject
from pipeline.steps.base import DOCS, PARTS, StreamStep, TaskContext

if TYPE_CHECKING:
    from pipeline.config import RunConfig

STAGING = "_staging"
ARTICLES_PART = "articles"
REJECTS_PART = "rejects"


def staging_dir(output_dir: str | Path, task_id: str) -> Path:
    return Path(output_dir) / STAGING / task_id


def part_path(directory: Path, kind: str, index: int) -> Path:
    """The staged file of ``kind`` (``articles``, ``rejects``, ``dedup`` ...) of part ``index``."""
    return directory / f"{kind}-{index:05d}{STAGING_SUFFIX}"


def beside(articles: Path, kind: str) -> Path:
    """The file of ``kind`` staged beside the articles part ``articles``."""
    return articles.with_name(articles.name.replace(f"{ARTICLES_PART}-", f"{kind}-", 1))


@dataclass(frozen=True)
class StagedPart:
    """An articles part just written: its folder, its number and its rows (partition order)."""

    directory: Path
    index: int
    rows: Sequence[Mapping[str, Any]]

    @property
    def path(self) -> Path:
        return part_path(self.directory, ARTICLES_PART, self.index)


class StageStep(StreamStep):
    """Writes the task's rows and rejects as staging parts of about ``batch_docs`` documents
    and gives each articles part written to the steps after it; counts rows and rejects.

    The task's staging folder is emptied first: a task that died midway is redone whole.
    """

    name = "stage"
    consumes = DOCS
    produces = PARTS

    def __init__(self, batch_docs: int = STAGING_BATCH_DOCS) -> None:
        super().__init__()
        self.batch_docs = batch_docs

    @classmethod
    def from_config(cls, config: RunConfig, section: Mapping[str, Any]) -> StageStep:
        return cls(batch_docs=config.batch_docs)

    def setup(self) -> None:
        # pyarrow imports its pandas bridge (with pandas, when installed: about 0.2 CPU-s) the
        # first time it builds a table from Python rows: done here, a fork server's workers
        # inherit it instead of each importing it during its first task
        rejects_table([])

    def run(self, data: Iterator[list[Doc | Reject]], context: TaskContext) -> Iterator[StagedPart]:
        out_dir = staging_dir(context.output_dir, context.task_id)
        if out_dir.exists():  # a previous attempt died mid-task: redo it from scratch
            shutil.rmtree(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        schema = article_schema(context.columns)
        rows: list[dict[str, Any]] = []
        rejects: list[dict[str, Any]] = []
        part = 0

        def flush(final: bool = False) -> Iterator[StagedPart]:
            nonlocal rows, rejects, part
            if rows or (final and part == 0):
                # rows of one year/month partition are contiguous: publish regroups them by slicing
                rows.sort(key=lambda row: partition_of(row["published_date"]))
                write_staging_atomic(articles_table(rows, schema), part_path(out_dir, ARTICLES_PART, part))
                yield StagedPart(out_dir, part, rows)
            if rejects or (final and part == 0):
                write_staging_atomic(rejects_table(rejects), part_path(out_dir, REJECTS_PART, part))
            rows, rejects = [], []
            part += 1

        for batch in data:
            for outcome in batch:
                context.documents += 1
                if isinstance(outcome, Reject):
                    context.reject_reasons[outcome.reason] += 1
                    context.rejects += 1
                    rejects.append(reject_to_row(outcome, context.provenance))
                else:
                    context.rows += 1
                    rows.append(doc_to_row(outcome, context.provenance, context.columns))
            if len(rows) + len(rejects) >= self.batch_docs:
                yield from flush()
        yield from flush(final=True)


# -- reading staged parts back ----------------------------------------------------------------
def staging_parts(output_dir: Path, task_ids: Sequence[str], kind: str) -> Iterator[tuple[str, Path]]:
    """``(task_id, path)`` of every staging part of ``kind`` (articles/rejects), in task order."""
    for task_id in task_ids:
        folder = staging_dir(output_dir, task_id)
        for path in sorted(folder.glob(f"{kind}-*{STAGING_SUFFIX}"), key=lambda p: p.name):
            yield task_id, path


def read_part(path: Path, schema: pa.Schema | None = None) -> pa.Table:
    """One staging part, whole, in ``schema`` when given.

    The file is memory-mapped: its uncompressed buffers are the page cache's pages, not copies
    into freshly allocated memory (whose first touch is most of a copy's cost), and they stay
    valid after the file is removed.  Staged files are only ever replaced by a rename, never
    rewritten in place.
    """
    with pa.memory_map(str(path)) as source:
        table = ipc.open_file(source).read_all()
    return table if schema is None else _conformed(table, schema)


def _conformed(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """``table`` in ``schema``: columns in its order, cast, the missing ones all null."""
    if table.schema.equals(schema, check_metadata=False):
        return table
    names = set(table.column_names)
    columns = [table.column(field.name).cast(field.type) if field.name in names
               else pa.nulls(table.num_rows, field.type) for field in schema]
    return pa.Table.from_arrays(columns, schema=schema)


def iter_part_columns(path: Path, columns: Sequence[str], batch_size: int = 10_000) -> Iterator[dict[str, list[Any]]]:
    """Some columns of one staging part, in record batches of at most ``batch_size`` rows."""
    with pa.OSFile(str(path)) as source:
        reader = ipc.open_file(source)
        wanted = [reader.schema.get_field_index(name) for name in columns]
        if -1 in wanted:
            raise KeyError(f"{path}: no column {columns[wanted.index(-1)]!r}")
        reader = ipc.open_file(source, options=ipc.IpcReadOptions(included_fields=wanted))
        for index in range(reader.num_record_batches):
            batch = reader.get_batch(index)
            for start in range(0, batch.num_rows, batch_size):
                yield batch.slice(start, batch_size).select(list(columns)).to_pydict()


def iter_staging_columns(
    output_dir: Path, task_ids: Sequence[str], columns: Sequence[str], batch_size: int = 10_000
) -> Iterator[dict[str, list[Any]]]:
    """Stream some columns of the staged articles in bounded record batches."""
    for _, path in staging_parts(output_dir, task_ids, ARTICLES_PART):
        yield from iter_part_columns(path, columns, batch_size)
