"""Publishing, the last stage of a run: staged parts in, hive-partitioned articles and rejects out.

:func:`publish` writes the final ``articles/year=YYYY/month=MM/part-GGG-NNNNN.parquet`` files
(with the columns the global stages fill, :class:`~pipeline.steps.base.RowFill`; each publish
job gathers its tasks' rows per partition, so a partition has few files) and
``rejects/part-00000.parquet`` into a fresh folder, with the files that describe them (the
manifest, the card), and swaps it all in (:func:`build_and_swap`), so readers see either the
previous complete dataset or the new one, and a write error leaves the previous one.  The articles are shared out over publish jobs, run
where the executor runs calls (:func:`publish_jobs_for`).
"""

from __future__ import annotations

import os
import shutil
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.io.atomic import BuildTree, atomic_write, write_text_atomic
from pipeline.io.card import CardStats
from pipeline.io.dataset import ARTICLES, REJECTS
from pipeline.io.schema import ARTICLE_SCHEMA, REJECT_SCHEMA
from pipeline.io.settings import PARQUET_ZSTD_LEVEL
from pipeline.io.staging import ARTICLES_PART, REJECTS_PART, read_part, staging_parts
from pipeline.publish.partitions import PartitionWriter
from pipeline.publish.settings import CORES_PER_PUBLISH_JOB, MAX_BUFFER_BYTES, MIN_JOB_BYTES
from pipeline.steps.base import RowFill

__all__ = ["ArticlesJob", "Written", "build_and_swap", "build_folder", "merged", "publish", "publish_jobs_for",
           "split_tasks", "swap_in", "warm_up", "write_articles", "write_rejects", "write_staged_articles"]


def publish_jobs_for(workers: int, cores: int | None = None, local: bool = True) -> int:
    """Publish jobs worth running for ``workers`` worker processes.

    On this machine (``local``) one job already keeps :data:`CORES_PER_PUBLISH_JOB` cores busy,
    so a second one only pays for itself when there are cores for it; a cluster of other
    machines gets a job per worker process.
    """
    if not local:
        return max(1, workers)
    usable = min(max(1, workers), cores or os.cpu_count() or 1)
    return max(1, usable // CORES_PER_PUBLISH_JOB)


def warm_up() -> None:
    """Import what a publish job runs (the initializer of processes that will run them)."""
    import pipeline.publish.partitions  # noqa: F401


@dataclass
class Written:
    """What publishing wrote: rows per ``year-month`` partition, and the card's figures."""

    partitions: dict[str, int]
    stats: CardStats
    rejects: int = 0  # rows of the rejects file

    @property
    def rows(self) -> int:
        return sum(self.partitions.values())


@dataclass(frozen=True)
class ArticlesJob:
    """One share of the articles publish: the staged rows of some tasks, with the columns the
    global stages fill, written as ``part-<index>-NNNNN.parquet`` files into the build folder."""

    output_dir: str
    build: str
    task_ids: list[str]
    index: int
    fills: Sequence[RowFill] = field(default_factory=tuple)
    schema: pa.Schema = ARTICLE_SCHEMA


def publish(
    output_dir: Path,
    task_ids: Sequence[str],
    fills: Sequence[RowFill] = (),
    jobs: int = 1,
    run_jobs: Callable[[Callable[[ArticlesJob], Written], list[ArticlesJob]], list[Written]] | None = None,
    min_job_bytes: int | None = None,
    schema: pa.Schema = ARTICLE_SCHEMA,
    files: Callable[[Written], Mapping[str, str]] | None = None,
) -> Written:
    """Write the final articles (in ``schema``, ``fills`` applied) and rejects folders from
    staging; returns rows per partition and the dataset card's figures.

    The articles are written by up to ``jobs`` :class:`ArticlesJob` (each a contiguous share of
    the tasks, see :func:`split_tasks`) run by ``run_jobs`` (an executor's ``map_calls``; in
    this process when not given), while this process writes the rejects.  ``files`` gives the
    texts of files published with them (the manifest, the card), by name.  Everything is built
    aside and swapped in together: when writing fails (a full disk, a file-size limit, a
    permission error) the error is raised and the previous dataset is left as it was.
    """
    build = build_folder(output_dir)

    def write() -> Written:
        results = write_staged_articles(output_dir, build, task_ids, fills, jobs, run_jobs, min_job_bytes, schema)
        rejects = write_rejects(output_dir, task_ids, build / REJECTS / "part-00000.parquet")
        return merged(results, rejects)

    return build_and_swap(output_dir, build, write, files)


def build_and_swap(output_dir: Path, build: Path, write: Callable[[], Written],
                   files: Callable[[Written], Mapping[str, str]] | None = None) -> Written:
    """Build the dataset in ``build`` (``write``), then the ``files`` describing it (by name),
    and swap them all in together.  On any failure the build folder is removed (a full disk
    gets its space back), the error raised, and the published dataset left as it was."""
    try:
        written = write()
        (build / ARTICLES).mkdir(parents=True, exist_ok=True)
        extra = dict(files(written)) if files else {}
        for name, text in extra.items():
            write_text_atomic(build / name, text)
    except BaseException:
        shutil.rmtree(build, ignore_errors=True)
        raise
    swap_in(output_dir, build, (ARTICLES, REJECTS, *extra))
    return written


def build_folder(output_dir: Path) -> Path:
    """A fresh name for the folder a publish builds before swapping it in."""
    return output_dir / f"_publish-{int(time.time() * 1000)}"


def merged(results: Sequence[Written], rejects: int = 0) -> Written:
    """The rows per partition and card figures of several writes together (with ``rejects``
    rows of rejects)."""
    counts: dict[str, int] = defaultdict(int)
    stats = CardStats()
    for result in results:
        for key, rows in result.partitions.items():
            counts[key] += rows
        stats.merge(result.stats)
    return Written(dict(sorted(counts.items())), stats, rejects)


def write_staged_articles(
    output_dir: Path,
    build: Path,
    task_ids: Sequence[str],
    fills: Sequence[RowFill] = (),
    jobs: int = 1,
    run_jobs: Callable[[Callable[[ArticlesJob], Written], list[ArticlesJob]], list[Written]] | None = None,
    min_job_bytes: int | None = None,
    schema: pa.Schema = ARTICLE_SCHEMA,
) -> list[Written]:
    """The staged articles of ``task_ids`` written into ``build`` by up to ``jobs`` :class:`ArticlesJob`."""
    if not task_ids:
        return []
    groups = split_tasks(output_dir, task_ids, jobs, MIN_JOB_BYTES if min_job_bytes is None else min_job_bytes)
    shares = [fills] if len(groups) == 1 else [[fill.share(group) for fill in fills] for group in groups]
    work = [ArticlesJob(str(output_dir), str(build), group, index, tuple(share), schema)
            for index, (group, share) in enumerate(zip(groups, shares, strict=True))]
    if run_jobs is None or len(work) <= 1:
        return [write_articles(job) for job in work]
    return run_jobs(write_articles, work)


def split_tasks(output_dir: Path, task_ids: Sequence[str], jobs: int, min_job_bytes: int = MIN_JOB_BYTES) -> list[list[str]]:
    """``task_ids`` cut into at most ``jobs`` contiguous groups of about equal staged bytes
    (at least ``min_job_bytes`` each), so the files, in name order, keep the tasks' row order."""
    sizes = [sum(path.stat().st_size for _, path in staging_parts(output_dir, [task_id], ARTICLES_PART))
             for task_id in task_ids]
    total = sum(sizes)
    jobs = max(1, min(jobs, len(task_ids), total // max(1, min_job_bytes)))
    groups: list[list[str]] = [[]]
    done = 0
    for task_id, size in zip(task_ids, sizes, strict=True):
        if done >= total * len(groups) / jobs and len(groups) < jobs:
            groups.append([])
        groups[-1].append(task_id)
        done += size
    return groups


def write_articles(job: ArticlesJob) -> Written:
    """Run one :class:`ArticlesJob` (in any process): the staged articles of its tasks, their
    columns filled, regrouped by partition."""
    build = Path(job.build)
    tree = BuildTree(build, max_pending_bytes=MAX_BUFFER_BYTES)  # rows held + rows being written: 2 caps at most
    try:
        writer = PartitionWriter(tree, build / ARTICLES, prefix=f"part-{job.index:03d}-")
        for _, path in staging_parts(Path(job.output_dir), job.task_ids, ARTICLES_PART):
            table = read_part(path, job.schema)
            for fill in job.fills:
                table = fill(table)
            if table.num_rows:
                writer.add_table(table)
            del table
        return Written(writer.close(), writer.stats)
    finally:
        tree.close()  # every file of the new tree is on disk before it is swapped in


def write_rejects(output_dir: Path, task_ids: Sequence[str], target: Path,
                  earlier: Callable[[], Iterator[pa.Table]] | None = None) -> int:
    """All staged rejects into one file (after the ``earlier`` ones, when given), streamed part
    by part (never all in memory); returns how many rows it holds."""
    rows = 0

    def write(tmp: str) -> None:
        nonlocal rows
        with pq.ParquetWriter(tmp, REJECT_SCHEMA, compression="zstd", compression_level=PARQUET_ZSTD_LEVEL) as out:
            for table in earlier() if earlier is not None else ():
                out.write_table(table)
                rows += table.num_rows
            for _, path in staging_parts(output_dir, task_ids, REJECTS_PART):
                table = read_part(path, REJECT_SCHEMA)
                out.write_table(table)
                rows += table.num_rows

    atomic_write(target, write)
    return rows


def swap_in(output_dir: Path, build: Path, names: Sequence[str]) -> None:
    """Replace ``output_dir/<name>`` by ``build/<name>`` for each name, old trees removed last.

    A rename that fails (a permission error) puts back what was already swapped, so the
    previous dataset stays whole, and raises."""
    trash = output_dir / f"_trash-{build.name}"
    trash.mkdir(parents=True, exist_ok=True)
    done: list[tuple[str, bool]] = []  # (name, whether a previous one went to the trash)
    try:
        for name in names:
            current = output_dir / name
            had = current.exists()
            if had:
                current.rename(trash / name)
            done.append((name, had))
            (build / name).rename(current)
    except BaseException:
        for name, had in reversed(done):
            current = output_dir / name
            if current.exists() and not (build / name).exists():
                current.rename(build / name)
            if had:
                (trash / name).rename(current)
        shutil.rmtree(trash, ignore_errors=True)
        raise
    shutil.rmtree(trash, ignore_errors=True)
    shutil.rmtree(build, ignore_errors=True)
