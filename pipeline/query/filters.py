"""The article filters of ``export``, ``report``, ``prevalence`` and ``kwic``, and their argparse group.

A filter is applied in two parts while the Parquet files are scanned, batch by batch:

* pushed down to the scan (:meth:`ArticleFilter.pushdown`): dates, relevance, canonical copies, a
  named source, and a substring of the text that any ``--query`` match needs; row groups and
  files that cannot match are skipped by their statistics;
* on each scanned batch (:meth:`ArticleFilter.mask`): the ``topics`` list, jieba-token matches of
  ``--query``, and sources known only by their display name (:mod:`pipeline.query.sources`).

Nothing is loaded into pandas to be filtered.  ``--query`` and ``--source`` values are compared
after the run's OpenCC conversion, so a Traditional query finds Simplified text.
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.errors import UsageError

if TYPE_CHECKING:  # pyarrow loads in the functions: ``zhnews --help`` stays instant
    import pyarrow as pa
    import pyarrow.compute as pc

_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")

#: Columns a filter reads besides those the caller asks for.
SOURCE_COLUMNS = ("source", "url", "text", "source_path")


def parse_day(value: str, end: bool = False) -> dt.date:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` as a date: the first day of the period, or its
    last day when ``end`` (so ``--until 2020`` includes 31 December 2020)."""
    match = _DATE.match(value.strip())
    if not match:
        raise UsageError(f"not a date: {value!r} (use YYYY, YYYY-MM or YYYY-MM-DD)")
    year, month, day = int(match[1]), int(match[2] or (12 if end else 1)), match[3]
    try:
        if day is None:
            return dt.date(year, month, calendar.monthrange(year, month)[1] if end else 1)
        return dt.date(year, month, int(day))
    except ValueError as exc:
        raise UsageError(f"not a date: {value!r} ({exc})") from None


@dataclass(frozen=True)
class ArticleFilter:
    """Which articles a command reads; the default keeps every article."""

    since: dt.date | None = None
    until: dt.date | None = None
    topics: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    relevant_only: bool = False
    canonical_only: bool = False
    query: str | None = None
    #: match ``query`` anywhere in the text, not only as whole jieba tokens
    substring: bool = False
    #: OpenCC config that made the run's text (the manifest's), applied to ``query``
    opencc_config: str = "t2s"
    _query_tokens: tuple[str, ...] = field(default=(), compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.since and self.until and self.since > self.until:
            raise UsageError(f"--since {self.since} is after --until {self.until}")
        if self.query is not None and not self.query.strip():
            raise UsageError("--query is empty")

    @property
    def is_empty(self) -> bool:
        return self == ArticleFilter(substring=self.substring, opencc_config=self.opencc_config)

    def for_run(self, run_dir: Path) -> ArticleFilter:
        """This filter with the run's OpenCC config and ``query`` normalized and segmented as its text was."""
        from pipeline.report.load import read_manifest

        config = read_manifest(Path(run_dir)).get("opencc_config") or self.opencc_config
        if self.query is None:
            return replace(self, opencc_config=config)
        from pipeline.query.terms import normalize_term, segment_term

        query = normalize_term(self.query, config)
        return replace(self, query=query, opencc_config=config, _query_tokens=tuple(segment_term(query)))

    def columns(self) -> list[str]:
        """The columns :meth:`mask` reads."""
        needed = []
        if self.topics:
            needed.append("topics")
        if self.query is not None and not self.substring:
            needed.append("tokens")
        if self.sources:
            needed.extend(SOURCE_COLUMNS)
        return needed

    def pushdown(self, stored: pa.Schema | None = None) -> pc.Expression | None:
        """The part of the filter a Parquet scan evaluates (None when it keeps every row);
        ``stored``: the dataset's schema as stored, whose ``year`` partition lets whole years be skipped."""
        import pyarrow.compute as pc

        from pipeline.query.access import date_field, year_bounds

        parts: list[pc.Expression] = []
        if self.since is not None:
            parts.append(date_field() >= pc.scalar(self.since))
        if self.until is not None:
            parts.append(date_field() <= pc.scalar(self.until))
        if stored is not None and (self.since is not None or self.until is not None):
            parts.extend(year_bounds(stored, self.since, self.until))
        if self.relevant_only:
            parts.append(pc.field("relevant") == pc.scalar(True))
        if self.canonical_only:
            parts.append(pc.field("is_canonical") | pc.field("is_canonical").is_null())
        if self.sources:
            # a named source must contain one of them (its display name drops labels and brackets);
            # an unnamed one is decided by its display name in :meth:`mask`
            unnamed = pc.field("source").is_null() | (pc.field("source") == pc.scalar(""))
            for name in self.sources:
                unnamed = unnamed | pc.match_substring(pc.field("source"), name)
            parts.append(unnamed)
        if self.query is not None:
            # whole words: the tokens were cut from the text with its spaces dropped
            needle = self.query if self.substring else "".join(self.query.split())
            parts.append(pc.match_substring(pc.field("text"), needle))
        if not parts:
            return None
        expression = parts[0]
        for part in parts[1:]:
            expression = expression & part
        return expression

    def mask(self, batch: pa.RecordBatch) -> pa.Array | None:
        """Rows of a scanned batch that pass the parts a scan cannot evaluate (None: all)."""
        import numpy as np
        import pyarrow as pa

        from pipeline.query.terms import find_token_runs, words

        keep = np.ones(batch.num_rows, dtype=bool)
        if self.topics:
            keep &= _any_in_list(batch.column("topics"), self.topics)
        if self.query is not None and not self.substring:
            tokens = batch.column("tokens").to_pylist()
            keep &= np.array([bool(find_token_runs(words(t or []), self._query_tokens)) for t in tokens], dtype=bool)
        if self.sources:
            keep &= np.isin(np.array(display_sources(batch), dtype=object), list(self.sources))
        return None if keep.all() else pa.array(keep)


def _any_in_list(column: pa.Array, values: Sequence[str]):  # -> np.ndarray
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    flat = pc.list_flatten(column)
    hit = pc.is_in(flat, value_set=pa.array(list(values), pa.string())).to_numpy(zero_copy_only=False)
    rows = pc.list_parent_indices(column).to_numpy()
    keep = np.zeros(len(column), dtype=bool)
    keep[rows[hit]] = True
    return keep


def display_sources(batch: pa.RecordBatch | pa.Table) -> list[str]:
    """The display name of each row's outlet (columns absent from ``batch`` count as empty)."""
    from pipeline.query.sources import source_name

    names = batch.schema.names
    columns = [batch.column(c).to_pylist() if c in names else [None] * batch.num_rows for c in SOURCE_COLUMNS]
    return [source_name(s, u, t, p) for s, u, t, p in zip(*columns)]


def scan(run_dir: Path, columns: Sequence[str] | None, article_filter: ArticleFilter | None = None,
         batch_size: int | None = None, text_contains: str | None = None) -> Iterator[pa.RecordBatch]:
    """The run's articles matching ``article_filter``, as record batches of ``columns`` (all when None)
    in the current schema, whichever schema version wrote the run.

    The filter must be bound to the run (:meth:`ArticleFilter.for_run`) when it has a query.
    ``text_contains``: also require this substring of ``text`` (pushed down too).
    """
    import pyarrow.compute as pc

    from pipeline.query.access import open_articles
    from pipeline.query.settings import SCAN_BATCH_ROWS

    reader = open_articles(Path(run_dir))
    present = reader.names
    wanted = [c for c in columns if c in present] if columns is not None else None  # None: all, in schema order
    flt = article_filter or ArticleFilter()
    extra = [c for c in flt.columns() if c not in wanted and c in present] if wanted is not None else []
    expression = flt.pushdown(reader.dataset.schema)
    if text_contains:
        contains = pc.match_substring(pc.field("text"), text_contains)
        expression = contains if expression is None else expression & contains
    read = None if wanted is None else wanted + extra
    for batch in reader.batches(read, filter=expression, batch_size=batch_size or SCAN_BATCH_ROWS):
        if not batch.num_rows:
            continue
        keep = flt.mask(batch)
        if keep is not None:
            batch = batch.filter(keep)
            if not batch.num_rows:
                continue
        yield batch.select(wanted) if extra and wanted is not None else batch


def read_table(run_dir: Path, columns: Sequence[str] | None, article_filter: ArticleFilter | None = None) -> pa.Table:
    """The matching articles as one Arrow table of the current schema (empty, with the columns
    the run has, when none match)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from pipeline.query.access import open_articles

    batches = list(scan(run_dir, columns, article_filter))
    if batches:
        return pa.Table.from_batches(batches)
    reader = open_articles(Path(run_dir))
    names = [c for c in columns if c in reader.names] if columns is not None else None
    return reader.table(names, filter=pc.scalar(False))


def add_filter_arguments(parser: argparse.ArgumentParser) -> None:
    """The filter options, one group, the same on every command that reads a run's articles."""
    group = parser.add_argument_group("article filters")
    group.add_argument("--since", metavar="DATE", help="published on or after DATE (YYYY, YYYY-MM or YYYY-MM-DD)")
    group.add_argument("--until", metavar="DATE", help="published on or before DATE (the end of a YYYY or YYYY-MM period)")
    group.add_argument("--topic", action="append", default=[], metavar="T",
                       help="articles assigned topic T (repeat for any of several)")
    group.add_argument("--source", action="append", default=[], metavar="S",
                       help="articles from outlet S, as the report names it (repeat for any of several)")
    group.add_argument("--relevant-only", action="store_true", help="only articles the model found relevant")
    group.add_argument("--canonical-only", action="store_true", help="one article per duplicate cluster")
    group.add_argument("--query", metavar="TEXT",
                       help="articles whose text contains TEXT as whole jieba tokens (Traditional matches Simplified)")
    group.add_argument("--substring", action="store_true",
                       help="match --query (and kwic's TERM) anywhere, also inside longer words")


def filter_from_args(args: argparse.Namespace) -> ArticleFilter:
    """The filter the options of :func:`add_filter_arguments` describe."""
    return ArticleFilter(
        since=parse_day(args.since) if args.since else None,
        until=parse_day(args.until, end=True) if args.until else None,
        topics=tuple(dict.fromkeys(t.strip() for t in args.topic if t.strip())),
        sources=tuple(dict.fromkeys(s.strip() for s in args.source if s.strip())),
        relevant_only=args.relevant_only,
        canonical_only=args.canonical_only,
        query=args.query,
        substring=args.substring,
    )


def describe(article_filter: ArticleFilter) -> str:
    """One line naming the active filters (empty when none), for report notes and logs."""
    f = article_filter
    parts: list[Any] = []
    if f.since or f.until:
        parts.append(f"published {f.since or '…'} to {f.until or '…'}")
    if f.topics:
        parts.append("topic " + " or ".join(f.topics))
    if f.sources:
        parts.append("source " + " or ".join(f.sources))
    if f.relevant_only:
        parts.append("relevant only")
    if f.canonical_only:
        parts.append("canonical only")
    if f.query is not None:
        parts.append(f"text contains {f.query!r}" + (" (substring)" if f.substring else " (whole tokens)"))
    return "; ".join(str(p) for p in parts)
