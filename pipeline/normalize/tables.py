"""Character tables the normalizer needs, shipped prebuilt and keyed by what they are built from.

Building them at start-up costs about a second (jieba's dictionary for the mojibake scorer, one
OpenCC pass over every Han code point for script detection), which a one-page ``zhnews extract``
would pay for nothing.  So each table is built once, at release time, into
``pipeline/resources/<name>.json`` together with its *key*: the versions and files it was built
from.  At run time a table is read from the package when its key matches the installed
dictionaries, else from the user's private cache folder (``<name>-<key>.json``), else built and
written to that cache.

Rebuild the packaged tables after upgrading jieba or OpenCC or editing ``resources/userdict.txt``
(a test fails while they are stale)::

    python -m pipeline.normalize.tables
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["load_table", "packaged_path", "write_table"]

#: Bumped when the layout of a table changes, so that old caches are not read.
FORMAT = 1

_RESOURCES = Path(__file__).resolve().parent.parent / "resources"


def packaged_path(name: str) -> Path:
    """Where the prebuilt table ``name`` ships."""
    return _RESOURCES / f"{name}.json"


def _read(path: Path) -> dict[str, Any] | None:
    # plain JSON: decompressing would cost more start-up time than the disk read it saves
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def write_table(path: Path, key: str, table: dict[str, Any]) -> None:
    """Write ``table`` with its ``key`` (atomically: a reader never sees half a file)."""
    from pipeline.io.atomic import atomic_write

    payload = json.dumps({"key": key, "table": table}, ensure_ascii=False, sort_keys=True)

    def write(tmp: str) -> None:
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write(payload)

    atomic_write(path, write)


def _cache_path(name: str, key: str) -> Path:
    from pipeline.segment.tokenizer import cache_dir

    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", key)
    return cache_dir() / f"{name}-{safe}.json"  # the private per-user cache folder


def load_table(name: str, key: str, build: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """The table ``name`` for ``key``: packaged, else cached, else built now (and cached)."""
    for path in (packaged_path(name), _cache_path(name, key)):
        data = _read(path)
        if data is not None and data.get("key") == key:
            return data["table"]
    table = build()
    try:
        write_table(_cache_path(name, key), key, table)
    except OSError:
        pass  # a read-only home: build again next time rather than fail
    return table


def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def module_dir(module: str) -> Path | None:
    """The folder of an installed package, found without importing it."""
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent


_VERSION = re.compile(r"""^__version__\s*=\s*['"]([^'"]+)['"]""", re.MULTILINE)


def source_version(module: str) -> str:
    """``__version__`` as written in a package's ``__init__.py`` (read, not imported: importing
    jieba costs a quarter of a second)."""
    folder = module_dir(module)
    if folder is None:
        return "missing"
    match = _VERSION.search((folder / "__init__.py").read_text(encoding="utf-8", errors="replace"))
    return match.group(1) if match else "unknown"


def jieba_key() -> str:
    """What the jieba-derived tables depend on: jieba's version and dictionary, our user dictionary."""
    folder = module_dir("jieba")
    size = (folder / "dict.txt").stat().st_size if folder is not None else 0
    return f"{FORMAT}-jieba{source_version('jieba')}-{size}-user{_file_digest(_RESOURCES / 'userdict.txt')}"


def opencc_key() -> str:
    """What the OpenCC-derived tables depend on: the OpenCC version."""
    import opencc

    return f"{FORMAT}-opencc{getattr(opencc, '__version__', 'unknown')}"


def main() -> None:
    """Rebuild every packaged table from the installed dictionaries."""
    from pipeline.normalize import mojibake, script

    for name, key, build in (
        (mojibake.TABLE_NAME, jieba_key(), mojibake.build_tables),
        (script.TABLE_NAME, opencc_key(), script.build_tables),
    ):
        write_table(packaged_path(name), key, build())
        print(f"{packaged_path(name)}: {key}")


if __name__ == "__main__":
    main()
