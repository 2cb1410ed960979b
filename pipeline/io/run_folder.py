"""The one check every reader of a run folder makes: it is a run, and it has articles."""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import UsageError

ARTICLES = "articles"
#: written by every finished run, with or without articles
MANIFEST = "manifest.json"


def articles_root(run_dir: str | Path) -> Path:
    """``run_dir/articles``; ``UsageError`` (one line) when ``run_dir`` is not a run folder or
    when the run wrote no article (every input rejected)."""
    run_dir = Path(run_dir)
    if not run_dir.is_dir():
        raise UsageError(f"no such folder: {run_dir}")
    root = run_dir / ARTICLES
    if not root.is_dir() and not (run_dir / MANIFEST).is_file():
        raise UsageError(f"{run_dir} is not a zhnews run folder (no {ARTICLES}/ inside)")
    if not (root.is_dir() and has_articles(root)):
        rejects = run_dir / "rejects"
        where = f"; see the reasons in {rejects}" if rejects.is_dir() else ""
        raise UsageError(f"{run_dir} is a run without articles{where}")
    return root


def has_articles(root: Path) -> bool:
    """Whether any Parquet file lies under ``root`` (temporary files of a writer excluded)."""
    return any(not p.name.startswith(".") for p in root.rglob("*.parquet"))
