"""``zhnews export --format xlsx``: a workbook of the selected articles and their topic shares per month.

Sheet ``articles``: one row per article, cells flattened as in the CSV export (lists joined,
``topic_scores`` spread over ``score_<topic>`` columns) plus ``source_name``, the outlet as the
report names it.  Sheet ``topic_shares``: per month, the number of dated articles and the share
of them assigned each topic.  Column widths follow the display width of the text (a Chinese
character is two columns wide).  Written row by row with XlsxWriter in constant-memory mode.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from pipeline.io.settings import XLSX_MAX_CELL_CHARS, XLSX_MAX_COLUMN_WIDTH, XLSX_MIN_COLUMN_WIDTH
from pipeline.query.filters import ArticleFilter, display_sources, scan

#: The articles sheet's columns when none are chosen: what a reader scans in a spreadsheet.
DEFAULT_COLUMNS = ("doc_id", "published_date", "source", "title", "url", "relevant", "relevant_score", "topics",
                   "topic_scores", "is_canonical", "dup_cluster_id", "dup_cluster_size", "char_count", "text")
TRUNCATED = "…[truncated]"


def display_width(text: str) -> int:
    """Columns ``text`` takes in a fixed-width view: wide and full-width characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cell(value: Any) -> Any:
    if isinstance(value, str) and len(value) > XLSX_MAX_CELL_CHARS:  # Excel's limit per cell
        return value[: XLSX_MAX_CELL_CHARS - len(TRUNCATED)] + TRUNCATED
    return value


class _Widths:
    """The widest display text seen per column (its first line only: cells wrap)."""

    def __init__(self, header: Sequence[str]) -> None:
        self.widths = [display_width(h) for h in header]

    def see(self, row: Sequence[Any]) -> None:
        for i, value in enumerate(row):
            if value is not None and value != "":
                first_line = str(value).split("\n", 1)[0][: XLSX_MAX_COLUMN_WIDTH]
                self.widths[i] = max(self.widths[i], display_width(first_line))

    def apply(self, sheet: Any) -> None:
        for i, width in enumerate(self.widths):
            sheet.set_column(i, i, min(XLSX_MAX_COLUMN_WIDTH, max(XLSX_MIN_COLUMN_WIDTH, width + 2)))


def _write_sheet(workbook: Any, name: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    sheet = workbook.add_worksheet(name)
    bold = workbook.add_format({"bold": True})
    sheet.write_row(0, 0, list(header), bold)
    sheet.freeze_panes(1, 0)
    widths = _Widths(header)
    count = 0
    for count, row in enumerate(rows, start=1):
        cells = [_cell(v) for v in row]
        sheet.write_row(count, 0, cells)
        widths.see(cells)
    widths.apply(sheet)
    return count


def month_topic_shares(run_dir: Path, article_filter: ArticleFilter) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of the ``topic_shares`` sheet (months in order, topics by frequency)."""
    from pipeline.query.access import DATE_COLUMN, day_of

    per_month: Counter[str] = Counter()
    per_topic: dict[str, Counter[str]] = {}
    for batch in scan(run_dir, [DATE_COLUMN, "topics"], article_filter):
        for day, topics in zip(batch.column(DATE_COLUMN).to_pylist(), batch.column("topics").to_pylist()):
            date = day_of(day)
            if date is None:
                continue
            month = f"{date.year:04d}-{date.month:02d}"
            per_month[month] += 1
            for topic in set(topics or []):
                per_topic.setdefault(topic, Counter())[month] += 1
    topics = sorted(per_topic, key=lambda t: (-sum(per_topic[t].values()), t))
    header = ["month", "articles", *topics]
    rows = [[m, n, *(round(per_topic[t][m] / n, 4) for t in topics)] for m, n in sorted(per_month.items())]
    return header, rows


def write_workbook(run_dir: Path, out: str | Path, columns: Sequence[str] | None = None, relevant_only: bool = False,
                   canonical_only: bool = False, article_filter: ArticleFilter | None = None) -> int:
    """Write the workbook to ``out``; returns the number of article rows."""
    from pipeline.extras import require_extra

    require_extra("xlsx", "xlsx export")
    import xlsxwriter

    from pipeline.io.export import SCORE_PREFIX, bound_filter, flat_row, select_columns, topic_keys

    flt = bound_filter(run_dir, article_filter, relevant_only, canonical_only)
    chosen = select_columns(columns or DEFAULT_COLUMNS)
    keys = topic_keys(scan(run_dir, ["topic_scores"], flt)) if "topic_scores" in chosen else []
    header = [c for c in chosen if c != "topic_scores"]
    if "topic_scores" in chosen:
        at = chosen.index("topic_scores")
        header[at:at] = [SCORE_PREFIX + k for k in keys]
    header.insert(header.index("source") + 1 if "source" in header else 0, "source_name")

    def article_rows() -> Iterable[list[Any]]:
        read = list(dict.fromkeys([*chosen, "source", "url", "text", "source_path"]))
        for batch in scan(run_dir, read, flt):
            names = display_sources(batch)
            for name, row in zip(names, batch.select(chosen).to_pylist(maps_as_pydicts="strict")):
                flat = flat_row(row, keys)
                flat["source_name"] = name
                yield [flat.get(h, "") for h in header]

    workbook = xlsxwriter.Workbook(str(out), {"constant_memory": True, "strings_to_urls": False,
                                              "strings_to_numbers": False, "strings_to_formulas": False})
    try:
        count = _write_sheet(workbook, "articles", header, article_rows())
        shares_header, shares = month_topic_shares(run_dir, flt)
        _write_sheet(workbook, "topic_shares", shares_header, shares)
    finally:
        workbook.close()
    return count
