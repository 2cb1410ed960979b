"""Optional parts of zhnews and the packages each needs (``pip install 'zhnews[EXTRA]'``).

A command that needs an extra calls :func:`require_extra` before its heavy imports, so a
missing package gives one line naming the extra instead of an ``ImportError`` traceback.
"""

from __future__ import annotations

import importlib

from pipeline.errors import UsageError

#: Import names of each extra's packages (the extras themselves are declared in pyproject.toml).
EXTRA_MODULES: dict[str, tuple[str, ...]] = {
    "report": ("matplotlib", "pandas"),
    "crawl": ("httpx", "protego", "courlan"),
    "dask": ("dask", "distributed"),
    "label": ("starlette", "uvicorn", "jinja2"),
    "xlsx": ("xlsxwriter",),
    "interactive": ("altair", "vl_convert"),
}


class MissingExtra(UsageError):
    """A package of an optional extra is not installed."""


def missing_modules(extra: str) -> list[str]:
    """The import names of ``extra`` that cannot be imported here."""
    missing = []
    for name in EXTRA_MODULES[extra]:
        try:
            importlib.import_module(name)
        except ImportError:
            missing.append(name)
    return missing


def require_extra(extra: str, feature: str) -> None:
    """``MissingExtra`` naming ``extra`` and how to install it when one of its packages is missing."""
    missing = missing_modules(extra)
    if missing:
        raise MissingExtra(
            f"{feature} needs the '{extra}' extra ({', '.join(missing)} missing): pip install 'zhnews[{extra}]'"
        )
