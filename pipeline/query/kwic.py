"""Keyword in context: every occurrence of a term in the normalized text of a run's articles.

The term is normalized like the text (OpenCC, so a Traditional term finds Simplified text) and
matched as whole jieba tokens by default, i.e. against the article's ``tokens`` column with bound
suffixes joined back (jieba cuts 医生们 as 医生 + 们): 医生 then does not match inside 医生们.  ``substring=True`` matches it anywhere in the text.  Articles are
selected by an :class:`~pipeline.query.filters.ArticleFilter` and a pushed-down substring test,
so only articles containing the term are read into Python.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from pipeline.errors import UsageError
from pipeline.query.access import DATE_COLUMN, day_of
from pipeline.query.filters import ArticleFilter, display_sources, scan
from pipeline.query.settings import KWIC_WINDOW
from pipeline.query.terms import find_token_runs, normalize_term, segment_term, words

#: The fields of one hit, in output order (a contract of ``zhnews kwic --format csv|jsonl``).
FIELDS = ("doc_id", "date", "source", "title", "left", "match", "right", "offset")

_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Hit:
    """One occurrence: its article, the match and ``window`` characters of text on each side."""

    doc_id: str
    date: str | None
    source: str
    title: str
    left: str
    match: str
    right: str
    #: character offset of the match in the article's normalized text
    offset: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def token_spans(text: str, tokens: Sequence[str]) -> list[tuple[int, int]]:
    """Character ``(start, end)`` of each token in ``text`` (tokens are the text's, in order, whitespace
    dropped); a token not found from the current position gets an empty span there."""
    spans = []
    at = 0
    for token in tokens:
        start = text.find(token, at)
        if start < 0:
            spans.append((at, at))
            continue
        at = start + len(token)
        spans.append((start, at))
    return spans


def match_spans(text: str, tokens: Sequence[str], term: str, term_tokens: Sequence[str],
                substring: bool) -> list[tuple[int, int]]:
    """Character spans of ``term`` in ``text``: anywhere, or where its tokens are whole tokens."""
    if substring:
        return [(m.start(), m.end()) for m in re.finditer(re.escape(term), text)]
    merged = words(tokens)
    starts = find_token_runs(merged, term_tokens)
    if not starts:
        return []
    spans = token_spans(text, merged)
    n = len(term_tokens)
    return [(spans[i][0], spans[i + n - 1][1]) for i in starts if spans[i][1] > spans[i][0]]


def _flat(text: str) -> str:
    return _SPACE.sub(" ", text)


def kwic(run_dir: Path, term: str, window: int = KWIC_WINDOW, article_filter: ArticleFilter | None = None,
         substring: bool = False) -> Iterator[Hit]:
    """Every hit of ``term`` in the run's articles matching the filter, article by article."""
    if window < 0:
        raise UsageError("--window must be zero or more")
    flt = (article_filter or ArticleFilter()).for_run(Path(run_dir))
    needle = normalize_term(term, flt.opencc_config)
    if not needle:
        raise UsageError("the search term is empty")
    needle_tokens = segment_term(needle)
    compact = "".join(needle.split())
    columns = ["doc_id", DATE_COLUMN, "title", "text", "tokens", "source", "url", "source_path"]
    for batch in scan(Path(run_dir), columns, flt, text_contains=needle if substring else compact):
        names = display_sources(batch)
        rows = batch.select(["doc_id", DATE_COLUMN, "title", "text", "tokens"]).to_pylist()
        for name, row in zip(names, rows):
            text = row["text"] or ""
            day = day_of(row[DATE_COLUMN])
            for start, end in match_spans(text, row["tokens"] or [], needle, needle_tokens, substring):
                yield Hit(
                    doc_id=row["doc_id"],
                    date=day.isoformat() if day else None,
                    source=name,
                    title=_flat(row["title"] or ""),
                    left=_flat(text[max(0, start - window): start]),
                    match=text[start:end],
                    right=_flat(text[end: end + window]),
                    offset=start,
                )
