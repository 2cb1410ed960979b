"""One jieba tokenizer per process, with the domain user dictionary and a private cache dir.

The tokenizer is built on first use and reused for the life of the process.  Its prefix-dict
cache lives in a directory owned by the current user (mode 0700), never in a shared ``/tmp``
file that another user could plant; set ``ZHNEWS_CACHE_DIR`` to choose where.
``jieba.enable_parallel`` is never used: parallelism belongs to the pipeline engine.
"""

from __future__ import annotations

import logging
import os
import stat
import tempfile
import threading
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import jieba

_LOCK = threading.Lock()
_TOKENIZERS: dict[bool, jieba.Tokenizer] = {}


def cache_dir() -> Path:
    """A directory for jieba's cache that only the current user can write."""
    root = os.environ.get("ZHNEWS_CACHE_DIR")
    if root:
        path = Path(root) / "jieba"
    else:
        path = Path(tempfile.gettempdir()) / f"zhnews-{os.getuid()}" / "jieba"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    info = path.stat()
    if info.st_uid != os.getuid() or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        # someone else owns it or can write into it: fall back to a fresh private dir
        path = Path(tempfile.mkdtemp(prefix="zhnews-jieba-"))
    return path


def resource_path(name: str) -> Path:
    """Path of a file shipped in ``pipeline/resources``."""
    return Path(str(resources.files("pipeline").joinpath("resources", name)))


def get_tokenizer(user_dict: bool = True) -> jieba.Tokenizer:
    """The process-wide ``jieba.Tokenizer`` (initialized on first call, then cached)."""
    tok = _TOKENIZERS.get(user_dict)
    if tok is not None:
        return tok
    with _LOCK:
        tok = _TOKENIZERS.get(user_dict)
        if tok is None:
            import jieba

            jieba.setLogLevel(logging.WARNING)
            tok = jieba.Tokenizer()
            tok.tmp_dir = str(cache_dir())
            tok.cache_file = "jieba.cache"
            tok.initialize()
            if user_dict:
                tok.load_userdict(str(resource_path("userdict.txt")))
            _TOKENIZERS[user_dict] = tok
    return tok


def tokenize(text: str, user_dict: bool = True) -> list[str]:
    """Segment ``text`` (Simplified) into words; whitespace-only tokens are dropped."""
    if not text:
        return []
    return [w for w in get_tokenizer(user_dict).lcut(text, HMM=True) if not w.isspace()]


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """The packaged stopword list (function words and punctuation)."""
    lines = resource_path("stopwords.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(s.strip() for s in lines if s.strip() and not s.startswith("#"))
