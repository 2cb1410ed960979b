"""The dataset card: a README.md written next to a run's output for the people who use it."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from pipeline.io.schema import SCHEMA_VERSION

CARD_COLUMNS = ["published_date", "source", "topics", "relevant", "script", "is_canonical", "input_kind",
                "quality_flags"]


def _summary(articles_dir: Path) -> dict[str, Any]:
    files = sorted(articles_dir.rglob("*.parquet"))
    if not files:
        return {"rows": 0}
    import pyarrow.dataset as ds  # imported when a card is written (it pulls in pandas)

    table = ds.dataset([str(p) for p in files], format="parquet").to_table(columns=CARD_COLUMNS)
    data = table.to_pydict()
    dates = [d for d in data["published_date"] if d is not None]
    topics: Counter[str] = Counter(t for row in data["topics"] if row for t in row)
    return {
        "rows": table.num_rows,
        "date_min": min(dates).isoformat() if dates else None,
        "date_max": max(dates).isoformat() if dates else None,
        "undated": table.num_rows - len(dates),
        "sources": Counter(s for s in data["source"] if s).most_common(15),
        "topics": topics.most_common(),
        "relevant": sum(1 for r in data["relevant"] if r),
        "scripts": Counter(s or "unknown" for s in data["script"]).most_common(),
        "canonical": sum(1 for c in data["is_canonical"] if c),
        "kinds": Counter(data["input_kind"]).most_common(),
        "years": sorted(Counter(str(d.year) for d in dates).items()) + ([("undated", table.num_rows - len(dates))]
                                                                      if len(dates) < table.num_rows else []),
        "flags": Counter(f for row in data["quality_flags"] if row for f in set(row)).most_common(),
    }


def _cell(value: Any) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def _table(rows: list[tuple[Any, Any]], head: tuple[str, str]) -> str:
    lines = [f"| {head[0]} | {head[1]} |", "| --- | ---: |"]
    lines += [f"| {_cell(a)} | {_cell(b)} |" for a, b in rows]
    return "\n".join(lines)


def render_card(output_dir: Path, manifest: dict[str, Any]) -> str:
    """Markdown text of the dataset card."""
    info = _summary(output_dir / "articles")
    counts = manifest.get("counts", {})
    reasons = sorted(counts.get("reject_reasons", {}).items(), key=lambda kv: -kv[1])
    parts = [
        "# zhnews dataset",
        "",
        f"Run `{manifest['run_id']}`, zhnews {manifest.get('pipeline_version')}, schema {SCHEMA_VERSION}, "
        f"model `{manifest.get('model_version') or 'none (not classified)'}`, OpenCC `{manifest.get('opencc_config')}`.",
        "",
        "## What is in it",
        f"- `articles/`: {info['rows']} articles, hive-partitioned by `year=`/`month=` of publication "
        f"(`unknown` when no date was found: {info.get('undated', 0)} rows).",
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
        "duckdb.sql(\"SELECT * FROM read_parquet('articles/**/*.parquet', hive_partitioning=true)\")",
        "import polars as pl",
        "pl.scan_parquet('articles/**/*.parquet', hive_partitioning=True)",
        "```",
        "",
        "## Known limits",
        "- Topic labels are predictions of a linear model trained on a few hundred labelled items; "
        "treat per-topic counts as estimates (see the model card for cross-validated F1).",
        "- Publication dates come from page metadata or text patterns; `unknown` partitions hold undated items.",
        "- `text` is normalized to Simplified script; `text_original` keeps the source script.",
        "- Near-duplicate detection is MinHash-based: pairs near the similarity threshold can fall either way.",
        "- `source` is the publisher named by the page; it is empty for inputs that name none (e.g. JSONL dumps "
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
