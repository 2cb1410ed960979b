"""Publishing an incremental run: only the partitions that change are written again.

The published dataset holds the rows of the tasks the run carries over (their inputs listed
again unchanged, or no longer listed and not pruned): they are not staged any more.  A
partition is rewritten when new rows go into it, when it holds rows that leave (their input
changed, or was pruned), or when a global stage fills other values into one of its rows (a
new document joins a cluster, or becomes its canonical copy); every other partition's files
are linked into the new tree unchanged.  The result has the rows a clean run over the same
inputs would write (in other files).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipeline.io.atomic import BuildTree
from pipeline.io.card import CARD_COLUMNS, CardStats
from pipeline.io.dataset import ARTICLES, REJECTS
from pipeline.io.rundir import link_or_copy
from pipeline.io.schema import ARTICLE_SCHEMA, REJECT_SCHEMA, partition_key
from pipeline.publish import (
    ArticlesJob,
    Written,
    build_and_swap,
    build_folder,
    merged,
    write_rejects,
    write_staged_articles,
)
from pipeline.publish.partitions import PartitionWriter
from pipeline.publish.settings import MAX_BUFFER_BYTES, READ_THREADS
from pipeline.steps.base import RowFill

#: Prefix of the files holding a rewritten partition's earlier rows (the new rows' files are
#: ``part-GGG-``), so the two never share a name.
EARLIER_PREFIX = "part-earlier-"


def republish(
    output_dir: Path,
    new_task_ids: Sequence[str],
    carried_paths: Collection[str],
    fills: Sequence[RowFill] = (),
    jobs: int = 1,
    run_jobs: Callable[[Callable[[ArticlesJob], Written], list[ArticlesJob]], list[Written]] | None = None,
    schema: pa.Schema = ARTICLE_SCHEMA,
    files: Callable[[Written], Mapping[str, str]] | None = None,
) -> Written:
    """The published dataset with the staged rows of ``new_task_ids`` added, the published rows
    whose ``source_path`` is not in ``carried_paths`` removed, and ``fills`` applied to all;
    ``files`` (the manifest, the card) swapped in with it, as :func:`~pipeline.publish.publish` does."""
    carried = pa.array(sorted(carried_paths), pa.string())
    build = build_folder(output_dir)

    def write() -> Written:
        written = write_staged_articles(output_dir, build, new_task_ids, fills, jobs, run_jobs, schema=schema)
        touched = {key for result in written for key in result.partitions}
        partitions = list(published_partitions(output_dir / ARTICLES))
        parquet_files = [file for _, folder in partitions for file in sorted(folder.glob("*.parquet"))]
        # the columns that decide whether a file changes, and the card's, in one read per file
        # (threads: reading Parquet releases the GIL)
        wanted = list(dict.fromkeys(["doc_id", "source_path", *(c for fill in fills for c in fill.columns),
                                     *CARD_COLUMNS]))
        with ThreadPoolExecutor(max_workers=READ_THREADS) as pool:
            summaries = dict(zip(parquet_files, pool.map(lambda f: pq.ParquetFile(f).read(columns=wanted), parquet_files),
                                 strict=True))
        tree = BuildTree(build, max_pending_bytes=MAX_BUFFER_BYTES)
        try:
            earlier = PartitionWriter(tree, build / ARTICLES, prefix=EARLIER_PREFIX)
            kept = Written({}, CardStats())
            for key, folder in partitions:
                own = sorted(folder.glob("*.parquet"))
                if key in touched or any(_changes(summaries[file], carried, fills) for file in own):
                    for file in own:
                        table = _carried_rows(pq.ParquetFile(file).read(), carried, schema)
                        for fill in fills:
                            table = fill(table)
                        if table.num_rows:
                            earlier.add_table(table)
                    continue
                for file in own:
                    link_or_copy(file, build / ARTICLES / folder.relative_to(output_dir / ARTICLES) / file.name)
                    kept.stats.add(summaries[file])
                    kept.partitions[key] = kept.partitions.get(key, 0) + summaries[file].num_rows
            written += [Written(earlier.close(), earlier.stats), kept]
        finally:
            tree.close()
        rejects = write_rejects(output_dir, new_task_ids, build / REJECTS / "part-00000.parquet",
                                earlier=lambda: _carried_rejects(output_dir / REJECTS, carried))
        return merged(written, rejects)

    return build_and_swap(output_dir, build, write, files)


def published_partitions(root: Path) -> Iterator[tuple[str, Path]]:
    """``(year-month key, folder)`` of every published ``year=/month=`` partition."""
    for folder in sorted(root.glob("*=*/*=*")):
        if folder.is_dir():
            year, month = (int(part.split("=", 1)[1]) for part in folder.relative_to(root).parts)
            yield partition_key(year, month), folder  # the key publishing counts rows under


def _changes(table: pa.Table, carried: pa.Array, fills: Sequence[RowFill]) -> bool:
    """Whether a published file's rows (``table``: some of its columns) lose rows or get other
    values from ``fills``."""
    if not pc.all(pc.is_in(table.column("source_path"), value_set=carried)).as_py():
        return True
    for fill in fills:
        refilled = fill(table)
        if any(not refilled.column(name).equals(table.column(name)) for name in fill.columns):
            return True
    return False


def _carried_rows(table: pa.Table, carried: pa.Array, schema: pa.Schema) -> pa.Table:
    table = table.filter(pc.is_in(table.column("source_path"), value_set=carried))
    return table if table.schema.equals(schema, check_metadata=False) else table.select(schema.names).cast(schema)


def _carried_rejects(folder: Path, carried: pa.Array) -> Iterator[pa.Table]:
    for file in sorted(folder.glob("*.parquet")):
        table = pq.ParquetFile(file).read()
        table = table.filter(pc.is_in(table.column("source_path"), value_set=carried))
        if table.num_rows:
            yield table.select(REJECT_SCHEMA.names).cast(REJECT_SCHEMA)
