"""The published folders of a run, ``articles/`` and ``rejects/``, and what is left of a killed one.

Tasks stage their output first (:mod:`pipeline.io.staging`); :mod:`pipeline.publish` builds the
published folders aside and swaps them in.  Helpers here read what was published.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipeline.io.schema import REJECT_SCHEMA

ARTICLES = "articles"
REJECTS = "rejects"


def remove_leftovers(output_dir: Path) -> None:
    """Delete half-built publish folders and trash left by a killed run.

    A run killed between the two renames of a swap left ``articles`` or ``rejects`` only in
    its trash: that previous folder is put back first, so the output is whole again.
    """
    for trash in sorted(output_dir.glob("_trash-*")):
        for name in (ARTICLES, REJECTS, "manifest.json", "README.md"):
            if (trash / name).exists() and not (output_dir / name).exists():
                (trash / name).rename(output_dir / name)
    for pattern in ("_publish-*", "_trash-*"):
        for path in output_dir.glob(pattern):
            shutil.rmtree(path, ignore_errors=True)


def read_rejects(output_dir: Path) -> pa.Table:
    path = output_dir / REJECTS
    tables = [pq.read_table(p) for p in sorted(path.glob("*.parquet"))]
    return pa.concat_tables(tables) if tables else REJECT_SCHEMA.empty_table()


def value_counts(table: pa.Table, column: str) -> dict[str, int]:
    if table.num_rows == 0:
        return {}
    counted = pc.value_counts(table.column(column))
    return {str(item["values"]): int(item["counts"]) for item in counted.to_pylist()}
