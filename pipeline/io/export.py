"""Export a run's articles as CSV (UTF-8 with BOM, for Excel), JSON Lines or an xlsx workbook, streamed in batches.

CSV cells are flat: list columns are joined (``paragraphs`` by newlines, ``tokens`` by spaces,
others by ``"; "``) and ``topic_scores`` becomes one ``score_<topic>`` column per topic.
JSON Lines keeps lists as arrays and ``topic_scores`` as an object.  Dates are ISO-8601 and
float32 columns are written with 6 significant digits.  Articles are selected with an
:class:`~pipeline.query.filters.ArticleFilter`, applied while the Parquet files are scanned;
the xlsx workbook is written by :mod:`pipeline.io.xlsx`.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any

import pyarrow as pa
import pyarrow.compute as pc

from pipeline.errors import UsageError
from pipeline.io.schema import ARTICLE_SCHEMA
from pipeline.query.filters import ArticleFilter, scan

FORMATS = ("csv", "jsonl", "xlsx")
#: Formats written as text (xlsx is a binary workbook).
TEXT_FORMATS = ("csv", "jsonl")
LIST_SEPARATORS = {"paragraphs": "\n", "tokens": " "}
DEFAULT_LIST_SEPARATOR = "; "
SCORE_PREFIX = "score_"
_FLOAT32 = {f.name for f in ARTICLE_SCHEMA if f.type == pa.float32()}


def bound_filter(run_dir: Path, article_filter: ArticleFilter | None, relevant_only: bool = False,
                 canonical_only: bool = False) -> ArticleFilter:
    """``article_filter`` (or none) with the two legacy switches folded in, bound to the run."""
    from dataclasses import replace

    flt = article_filter or ArticleFilter()
    flt = replace(flt, relevant_only=flt.relevant_only or relevant_only,
                  canonical_only=flt.canonical_only or canonical_only)
    return flt.for_run(run_dir)


def select_columns(columns: Sequence[str] | None) -> list[str]:
    """The schema columns to export, in schema order; UsageError on unknown names."""
    names = [f.name for f in ARTICLE_SCHEMA]
    if not columns:
        return names
    unknown = [c for c in columns if c not in names]
    if unknown:
        raise UsageError(f"unknown column(s): {', '.join(unknown)} (see docs/schema.md)")
    return [n for n in names if n in set(columns)]


def topic_keys(batches: Iterable[pa.RecordBatch]) -> list[str]:
    """Every topic of ``topic_scores`` (a list of ``{topic, score}``), in order of first
    appearance (the model's topic order)."""
    seen: dict[str, None] = {}
    for batch in batches:
        column = batch.column("topic_scores")
        for key in pc.unique(pc.struct_field(pc.list_flatten(column), "topic")).to_pylist():
            seen.setdefault(key, None)
    return list(seen)


def scores_of(value: list[dict[str, Any]] | None) -> dict[str, float]:
    """``topic_scores`` (a list of ``{topic, score}``) as ``{topic: score}``."""
    return {e["topic"]: e["score"] for e in value or []}


def _scalar(name: str, value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if name in _FLOAT32 and value is not None:
        return float(f"{value:.6g}")
    return value


def _rows(run_dir: Path, columns: list[str], article_filter: ArticleFilter) -> Iterator[dict[str, Any]]:
    for batch in scan(run_dir, columns, article_filter):
        yield from batch.to_pylist()


def flat_row(row: dict[str, Any], keys: Sequence[str]) -> dict[str, Any]:
    """One CSV row: lists joined, ``topic_scores`` spread over ``score_<topic>`` cells."""
    out: dict[str, Any] = {}
    for name, value in row.items():
        if name == "topic_scores":
            scores = scores_of(value)
            for key in keys:
                score = scores.get(key)
                out[SCORE_PREFIX + key] = "" if score is None else float(f"{score:.6g}")
        elif name == "evidence":
            # one cell: "topic: sentence | sentence" per topic, one topic per line
            out[name] = "\n".join(f"{e['topic']}: {' | '.join(e['sentences'])}" for e in value or [])
        elif isinstance(value, list):
            out[name] = LIST_SEPARATORS.get(name, DEFAULT_LIST_SEPARATOR).join(str(v) for v in value)
        elif value is None:
            out[name] = ""
        else:
            out[name] = _scalar(name, value)
    return out


def write_csv(handle: IO[str], rows: Iterator[dict[str, Any]], columns: list[str], keys: Sequence[str]) -> int:
    header = [c for c in columns if c != "topic_scores"]
    if "topic_scores" in columns:
        index = columns.index("topic_scores")
        header[index:index] = [SCORE_PREFIX + k for k in keys]
    writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\r\n")
    writer.writeheader()
    count = 0
    for row in rows:
        writer.writerow(flat_row(row, keys))
        count += 1
    return count


def write_jsonl(handle: IO[str], rows: Iterator[dict[str, Any]]) -> int:
    count = 0
    for row in rows:
        record = {}
        for name, value in row.items():
            if name == "topic_scores":
                record[name] = {k: float(f"{v:.6g}") for k, v in scores_of(value).items()}
            else:
                record[name] = _scalar(name, value)
        handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count


def export_articles(run_dir: Path, fmt: str, handle: IO[str], columns: Sequence[str] | None = None,
                    relevant_only: bool = False, canonical_only: bool = False,
                    article_filter: ArticleFilter | None = None) -> int:
    """Write the run's articles matching the filter to an open text ``handle``; returns the number of rows.

    For CSV open the handle with ``encoding="utf-8-sig", newline=""`` (see :func:`export_to_path`).
    """
    if fmt not in TEXT_FORMATS:
        raise UsageError(f"format {fmt!r} is not text (csv or jsonl; xlsx needs an output file)")
    chosen = select_columns(columns)
    flt = bound_filter(run_dir, article_filter, relevant_only, canonical_only)
    rows = _rows(run_dir, chosen, flt)
    if fmt == "jsonl":
        return write_jsonl(handle, rows)
    keys = topic_keys(scan(run_dir, ["topic_scores"], flt)) if "topic_scores" in chosen else []
    return write_csv(handle, rows, chosen, keys)


def export_to_path(run_dir: Path, fmt: str, out: Path, **options: Any) -> int:
    """Export into the file ``out``, written atomically (CSV with a UTF-8 BOM, xlsx as a workbook)."""
    from pipeline.io.atomic import atomic_write

    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r} ({', '.join(FORMATS)})")
    counted: list[int] = []

    def write(tmp: str) -> None:
        if fmt == "xlsx":
            from pipeline.io.xlsx import write_workbook

            counted.append(write_workbook(run_dir, tmp, **options))
            return
        encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
        with open(tmp, "w", encoding=encoding, newline="") as handle:
            counted.append(export_articles(run_dir, fmt, handle, **options))

    atomic_write(Path(out), write)
    return counted[0]
