"""Shared machinery of ``zhnews extract`` and ``zhnews clean``: one JSON line per input.

Each input goes through the same steps as in ``zhnews run`` (extract or clean, then
normalize), in one process, in input order.  An input that yields no article prints
``{"error": REASON}`` on its line; a missing or unreadable file is a usage error (exit 2).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pipeline.errors import UsageError
from pipeline.record import Doc, Reject, make_doc_id
from pipeline.steps import Step, StepPipeline


def read_inputs(paths: list[str]) -> list[tuple[str, bytes]]:
    """Every input's bytes, checked up front so a bad path fails before any output."""
    loaded = []
    for name in paths:
        path = Path(name)
        try:
            loaded.append((name, path.read_bytes()))
        except OSError as exc:
            raise UsageError(f"cannot read {name}: {exc.strerror or exc}") from exc
    return loaded


def article_json(result: Doc | Reject) -> dict[str, Any]:
    """The output object of one input."""
    if isinstance(result, Reject):
        return {"error": result.reason}
    return {
        "title": result.title,
        "published_at": result.published_at,
        "author": result.author,
        "source": result.source,
        "body": "\n".join(result.paragraphs),
        "script": result.script,
        "text": result.text,
    }


def emit(pipeline: StepPipeline, output: str | None, docs: list[Doc | Reject]) -> int:
    """Run the steps over each doc and write one JSON line per doc to ``output`` (a file, or
    standard output flushed line by line when None)."""
    from pipeline.cli.flags import output_stream

    with output_stream(output) as out:
        for doc in docs:
            result = doc if isinstance(doc, Reject) else pipeline(doc)
            out.write(json.dumps(article_json(result), ensure_ascii=False) + "\n")
            if output is None:
                out.flush()
    return 0


def normalize_step(opencc_config: str) -> Step:
    """The normalize step with its quality filters off: these commands report, not filter."""
    from pipeline.normalize import NormalizeStep

    return NormalizeStep(opencc_config=opencc_config, min_chars=None, min_han_ratio=None,
                         max_mojibake_score=None, max_repetition_ratio=None)


def doc_for(name: str, kind: str, raw: bytes | str, url: str | None = None) -> Doc:
    return Doc(doc_id=make_doc_id(name, url or ""), source_path=name, input_kind=kind, raw=raw, url=url)
