"""Read a run folder (``articles/``, ``rejects/``, ``manifest.json``) into pandas frames."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.dataset as ds

from pipeline.config import DEFAULT_OUTPUT
from pipeline.errors import UsageError
from pipeline.io.articles import ArticlesReader
from pipeline.query.filters import ArticleFilter

#: Environment variable naming the run folder the notebook explores.
RUN_DIR_ENV = "ZHNEWS_RUN_DIR"

#: The article columns the report views need (``text_original``/``paragraphs`` are left out).
REPORT_COLUMNS = (
    "doc_id", "url", "source_path", "title", "published_date", "source", "text", "tokens", "char_count",
    "han_ratio", "mojibake_score", "quality_flags", "dup_cluster_id", "dup_cluster_size",
    "is_canonical", "relevant", "relevant_score", "topics", "topic_scores", "script", "input_kind",
    "extractor", "evidence", "year", "month",
)


@dataclass
class RunData:
    """A run's articles and rejects as DataFrames, its manifest, and display names of topics."""

    run_dir: Path
    articles: pd.DataFrame
    rejects: pd.DataFrame
    manifest: dict[str, Any]
    topic_names: dict[str, str] = field(default_factory=dict)
    #: the articles' filter (all articles when empty)
    article_filter: ArticleFilter = field(default_factory=ArticleFilter)

    def topic_label(self, key: str) -> str:
        """``名称 (key)`` when the taxonomy names the topic, else the key."""
        name = self.topic_names.get(key)
        return f"{name} ({key})" if name and name != key else key


def resolve_run_dir(value: str | os.PathLike[str] | None = None, base: Path | None = None) -> Path:
    """The run folder: ``value``, else ``$ZHNEWS_RUN_DIR``, else ``corpus/processed``.

    A relative path is tried against ``base`` (default: the working directory) and its parents,
    so the notebook finds ``corpus/processed`` whether it runs from the repository or ``notebooks/``.
    """
    raw = Path(value or os.environ.get(RUN_DIR_ENV) or DEFAULT_OUTPUT).expanduser()
    if raw.is_absolute():
        return raw
    start = (base or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if (folder / raw / "articles").is_dir():
            return folder / raw
    return start / raw


def articles_dataset(run_dir: Path) -> ds.Dataset:
    """The hive-partitioned articles as a pyarrow dataset (``year``/``month`` as integers from
    schema 2.0, strings before; :class:`~pipeline.io.articles.ArticlesReader` reads both alike)."""
    return ArticlesReader(run_dir).dataset


def read_articles(run_dir: Path, columns: Sequence[str] | None = REPORT_COLUMNS,
                  article_filter: ArticleFilter | None = None) -> pd.DataFrame:
    """The articles matching ``article_filter`` (applied while scanning the Parquet files) as a
    DataFrame in the current schema, whichever version wrote them (list columns as Python lists,
    ``topic_scores`` as ``{topic: score}`` dicts), with ``source_name``."""
    from pipeline.query.filters import SOURCE_COLUMNS, display_sources, read_table

    names = ArticlesReader(run_dir).names
    flt = (article_filter or ArticleFilter()).for_run(Path(run_dir))
    if columns is None:  # every column, in the schema's order
        table = read_table(Path(run_dir), None, flt)
        sources = display_sources(table)
    else:
        wanted = [c for c in columns if c in names]
        table = read_table(Path(run_dir), list(dict.fromkeys([*wanted, *(c for c in SOURCE_COLUMNS if c in names)])), flt)
        sources = display_sources(table)
        table = table.select(wanted)
    frame = table.to_pandas()
    frame["source_name"] = pd.Series(sources, index=frame.index, dtype=object)
    for name in ("tokens", "topics", "quality_flags", "paragraphs"):
        if name in frame:
            frame[name] = [list(v) if v is not None else [] for v in frame[name]]
    if "topic_scores" in frame:  # list of {topic, score} -> {topic: score}
        frame["topic_scores"] = [{e["topic"]: e["score"] for e in v} if v is not None else {} for v in frame["topic_scores"]]
    if "evidence" in frame:  # list of {topic, sentences} -> {topic: [sentence, ...]}
        frame["evidence"] = [{e["topic"]: list(e["sentences"]) for e in v} if v is not None else {} for v in frame["evidence"]]
    if "published_date" in frame:
        frame["published_date"] = pd.to_datetime(frame["published_date"])
    return frame


def read_rejects(run_dir: Path) -> pd.DataFrame:
    """The rejects table (empty frame with the reason columns when there are none)."""
    from pipeline.io.dataset import read_rejects as read_table

    return read_table(Path(run_dir)).to_pandas()


def read_manifest(run_dir: Path) -> dict[str, Any]:
    path = Path(run_dir) / "manifest.json"
    if not path.exists():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read {path}: {exc}") from exc


def topic_names() -> dict[str, str]:
    """Chinese display names of the packaged taxonomy's topics (empty when unavailable)."""
    try:
        from pipeline.classify.taxonomy import load_taxonomy

        return {t.key: t.name for t in load_taxonomy().topics}
    except Exception:  # noqa: BLE001 - names are cosmetic; keys still work
        return {}


def load_run(run_dir: str | os.PathLike[str] | None = None, columns: Sequence[str] | None = REPORT_COLUMNS,
             article_filter: ArticleFilter | None = None) -> RunData:
    """Everything the views need from one run folder (its articles matching ``article_filter``)."""
    path = resolve_run_dir(run_dir)
    flt = article_filter or ArticleFilter()
    return RunData(
        run_dir=path,
        articles=read_articles(path, columns, flt),
        article_filter=flt,
        rejects=read_rejects(path),
        manifest=read_manifest(path),
        topic_names=topic_names(),
    )


def model_rates(run: RunData) -> dict | None:
    """The cross-validated rates (``meta["quantification"]``) of the model that scored the run,
    or None when that model is not at hand (another version) or has none."""
    from pipeline.classify.persist import model_file, read_meta

    section = (run.manifest.get("config") or {}).get("classify") or {}
    try:
        meta = read_meta(model_file(section.get("model_dir") or None))
    except (UsageError, OSError, ValueError):  # no readable model at hand: the chart says so
        return None
    if meta.get("model_version") != run.manifest.get("model_version"):
        return None
    return meta.get("quantification") or None
