"""The dataset card: a README.md written next to a run's output for the people who use it."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from pipeline.io.schema import SCHEMA_VERSION

CARD_COLUMNS = ["published_date", "source", "topics", "relevant", "script", "is_canonical", "input_kind",
                "quality_flags"]


class CardStats:
    """What the card says about the articles, counted table by table as they are written
    (publish jobs count their own tables; the driver merges them, so nothing is read back)."""

    def __init__(self) -> None:
        self.rows = 0
        self.dates: list[Any] = []  # (min, max) of each table's dates
        self.undated = 0
        self.relevant = 0
        self.canonical = 0
        self.counters: dict[str, Counter[Any]] = {
            name: Counter() for name in ("sources", "topics", "scripts", "kinds", "years", "flags")
        }

    def add(self, table: Any) -> None:
        """Count one table of article rows (any subset of rows, in any order)."""
        data = table.select(CARD_COLUMNS).to_pydict()
        self.rows += table.num_rows
        dates = [d for d in data["published_date"] if d is not None]
        if dates:
            self.dates += [min(dates), max(dates)]
        self.undated += table.num_rows - len(dates)
        self.relevant += sum(1 for r in data["relevant"] if r)
        self.canonical += sum(1 for c in data["is_canonical"] if c)
        c = self.counters
        c["sources"].update(s for s in data["source"] if s)
        c["topics"].update(t for row in data["topics"] if row for t in row)
        c["scripts"].update(s or "unknown" for s in data["script"])
        c["kinds"].update(data["input_kind"])
        c["years"].update(str(d.year) for d in dates)
        c["flags"].update(f for row in data["quality_flags"] if row for f in set(row))

    def merge(self, other: CardStats) -> CardStats:
        self.rows += other.rows
        self.dates += other.dates
        self.undated += other.undated
        self.relevant += other.relevant
        self.canonical += other.canonical
        for name, counter in other.counters.items():
            self.counters[name].update(counter)
        return self

    def summary(self) -> dict[str, Any]:
        """The figures the card prints; ties ordered by name, so they do not depend on which
        worker wrote which file."""
        if not self.rows:
            return {"rows": 0}

        def ranked(name: str, limit: int | None = None) -> list[tuple[Any, int]]:
            items = sorted(self.counters[name].items(), key=lambda kv: (-kv[1], str(kv[0])))
            return items[:limit] if limit else items

        years = sorted(self.counters["years"].items())
        return {
            "rows": self.rows,
            "date_min": min(self.dates).isoformat() if self.dates else None,
            "date_max": max(self.dates).isoformat() if self.dates else None,
            "undated": self.undated,
            "sources": ranked("sources", 15),
            "topics": ranked("topics"),
            "relevant": self.relevant,
            "scripts": ranked("scripts"),
            "canonical": self.canonical,
            "kinds": ranked("kinds"),
            "years": years + ([("undated", self.undated)] if self.undated else []),
            "flags": ranked("flags"),
        }


def _summary(articles_dir: Path) -> dict[str, Any]:
    """:meth:`CardStats.summary` of a published articles folder, read file by file."""
    import pyarrow.parquet as pq

    stats = CardStats()
    for path in sorted(articles_dir.rglob("*.parquet")):
        stats.add(pq.read_table(path, columns=CARD_COLUMNS))
    return stats.summary()


def _cell(value: Any) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def _table(rows: list[tuple[Any, Any]], head: tuple[str, str]) -> str:
    lines = [f"| {head[0]} | {head[1]} |", "| --- | ---: |"]
    lines += [f"| {_cell(a)} | {_cell(b)} |" for a, b in rows]
    return "\n".join(lines)


def render_card(output_dir: Path, manifest: dict[str, Any], stats: CardStats | None = None) -> str:
    """Markdown text of the dataset card (``stats``: counted while publishing; else the
    published articles are read)."""
    info = stats.summary() if stats is not None else _summary(output_dir / "articles")
    counts = manifest.get("counts", {})
    reasons = sorted(counts.get("reject_reasons", {}).items(), key=lambda kv: -kv[1])
    parts = [
        "# zhnews dataset",
        "",
        f"Run `{manifest['run_id']}`, zhnews {manifest.get('pipeline_version')}, schema {SCHEMA_VERSION}, "
        f"model `{manifest.get('model_version') or 'none (not classified)'}`, OpenCC `{manifest.get('opencc_config')}`.",
        "",
        "## What is in it",
        f"- `articles/`: {info['rows']} articles, hive-partitioned by integer `year=`/`month=` of publication "
        f"(`year=0/month=0` when no date was found: {info.get('undated', 0)} rows).",
        f"- Publication dates from {info.get('date_min')} to {info.get('date_max')}.",
        f"- `rejects/`: {counts.get('rejects', 0)} inputs that did not become articles, each with stage and reason.",
        f"- Inputs: {counts.get('input_files', 0)} files, {counts.get('documents', 0)} documents; "
        f"documents = articles + rejects.",
        f"- Deduplication: {info.get('canonical', 0)} canonical articles (filter `is_canonical` to count each story once).",
        f"- Relevant to medical-worker welfare (model): {info.get('relevant', 0)} articles.",
        "",
        "## Articles per year of publication",
        _table(info.get("years", []), ("year", "articles")),
        "",
        "## Topics (model predictions)",
        _table(info.get("topics", []), ("topic", "articles")),
        "",
        "## Sources (top 15)",
        _table(info.get("sources", []), ("source", "articles")),
        "",
        "## Scripts of the original text",
        _table(info.get("scripts", []), ("script", "articles")),
        "",
        "## Quality flags (articles carrying each)",
        _table(info.get("flags", []), ("flag", "articles")),
        "",
        "## Rejected inputs by reason",
        _table(reasons, ("reason", "inputs")),
        "",
        "## Reading it",
        "```python",
        "import duckdb",
        "duckdb.sql(\"SELECT * FROM read_parquet('articles/**/*.parquet', hive_partitioning=true) WHERE year = 2020\")",
        "import polars as pl",
        "pl.scan_parquet('articles/**/*.parquet', hive_partitioning=True).filter(pl.col('year') == 2020)",
        "import pandas as pd",
        "pd.read_parquet('articles', filters=[('year', '=', 2020)])",
        "import datasets  # Hugging Face: the stored columns (no year/month; use published_date)",
        "datasets.load_dataset('parquet', data_files='articles/**/*.parquet', split='train')",
        "```",
        "",
        "## Known limits",
        "- Topic labels are predictions of a linear model trained on a few hundred labelled items; "
        "treat per-topic counts as estimates (see the model card for cross-validated F1).",
        "- Publication dates come from page metadata or text patterns; `year=0` holds undated items. "
        "`published_at` is a UTC instant (a time without zone is read as Beijing time); "
        "`published_at_original` keeps the string found, `published_date` its calendar day.",
        "- `text` is normalized to Simplified script; `text_original` keeps the source script.",
        "- Near-duplicate detection is MinHash-based: pairs near the similarity threshold can fall either way.",
        "- `source` is the publisher named by the page, normalized (Simplified script, no 《》 marks; "
        "`source_original` keeps what the page says); it is empty for inputs that name none (e.g. JSONL dumps "
        "without a source field): use `source_path` then.",
        "- Coverage follows what was collected, not what was published: spikes can reflect the sampling.",
        "",
        "Provenance: every row carries `pipeline_version`, `run_id`, `model_version` and `input_sha1`; every "
        f"Parquet file has the schema version in its footer metadata (`zhnews.schema_version` = {SCHEMA_VERSION}). "
        "`zhnews report` draws charts of this folder; `zhnews export --format csv` writes an Excel-ready CSV.",
        "",
        "Columns are documented in the zhnews repository's docs/schema.md; `manifest.json` has the "
        "full configuration, input hashes and library versions.",
        "",
    ]
    return "\n".join(parts)
