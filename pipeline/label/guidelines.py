"""The page and the labelling guidelines, rendered from package templates (autoescaped).

The guidelines' topic list comes from the taxonomy in use; a taxonomy whose name has a
relevance text in ``templates/relevance/<name>.html`` (the packaged one has) gets it too.
"""

from __future__ import annotations

import functools
from typing import Any

from pipeline.label import settings


@functools.lru_cache(maxsize=1)
def _env() -> Any:  # -> jinja2.Environment
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("pipeline.label", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _relevance_template(name: str) -> str | None:
    import jinja2

    path = f"relevance/{name}.html"
    try:
        _env().get_template(path)
    except jinja2.TemplateNotFound:
        return None
    return path


def _context(taxonomy: Any) -> dict[str, Any]:
    return {
        "taxonomy": taxonomy,
        "topics": list(taxonomy.topics),
        "relevance_terms": list(taxonomy.relevance_terms),
        "relevance_template": _relevance_template(taxonomy.name),
        "note_max": settings.NOTE_MAX_CHARS,
    }


def render_guidelines(taxonomy: Any) -> str:
    """The guidelines as a page of their own."""
    return str(_env().get_template("guidelines.html").render(**_context(taxonomy)))


def render_page(taxonomy: Any) -> str:
    """The labelling page (the item itself is filled in by ``label.js`` from the API)."""
    return str(_env().get_template("page.html").render(**_context(taxonomy)))
