"""Optional segmentation backend: jieba-rs through ``rjieba`` (install ``zhnews[rjieba]``).

Same dictionary, same HMM for unknown words and the same domain user dictionary as the
jieba backend, so tokens follow jieba's conventions (whitespace-only tokens dropped, as in
:func:`pipeline.segment.tokenizer.tokenize`); the agreement with jieba is measured by
``benchmarks/throughput.py``.  One ``rjieba.Jieba`` per process and user-dictionary setting.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import rjieba

_SPACE = re.compile(r"\s")
_LOCK = threading.Lock()
_SEGMENTERS: dict[bool, rjieba.Jieba] = {}


def _user_words() -> list[tuple[str, int | None, str | None]]:
    """Entries of the packaged user dictionary: ``word [freq] [tag]`` per line, as jieba reads it."""
    from pipeline.segment.tokenizer import resource_path

    entries: list[tuple[str, int | None, str | None]] = []
    for line in resource_path("userdict.txt").read_text(encoding="utf-8").splitlines():
        parts = line.strip().split()
        if not parts or parts[0].startswith("#"):
            continue
        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        tag = parts[-1] if len(parts) > 1 and not parts[-1].isdigit() else None
        entries.append((parts[0], freq, tag))
    return entries


def get_segmenter(user_dict: bool = True) -> rjieba.Jieba:
    """The process-wide jieba-rs segmenter (built on first call, then cached)."""
    seg = _SEGMENTERS.get(user_dict)
    if seg is not None:
        return seg
    with _LOCK:
        seg = _SEGMENTERS.get(user_dict)
        if seg is None:
            try:
                import rjieba
            except ImportError as exc:  # pragma: no cover - depends on the environment
                raise ImportError("the rjieba backend needs the optional extra: pip install 'zhnews[rjieba]'") from exc
            seg = rjieba.Jieba()
            if user_dict:
                for word, freq, tag in _user_words():
                    seg.add_word(word, freq, tag)
            _SEGMENTERS[user_dict] = seg
    return seg


def rjieba_tokenize(text: str, user_dict: bool = True) -> list[str]:
    """Segment ``text`` (Simplified) into words with jieba-rs; whitespace-only tokens dropped."""
    if not text:
        return []
    words = get_segmenter(user_dict).cut(text, True)
    if _SPACE.search(text) is None:  # nothing to drop: skip the per-token check
        return words
    return [w for w in words if not w.isspace()]


# jieba-rs segments each run of Han, Latin and digit characters on its own and emits any other
# non-space character as a token of its own, so texts joined by this character are segmented as
# they are one by one, with the separator as a token between them
_SEPARATOR = "\x00"


def rjieba_tokenize_many(texts: Sequence[str], user_dict: bool = True) -> list[list[str]]:
    """:func:`rjieba_tokenize` of every text, from one jieba-rs call (saves a call per text)."""
    if not texts or any(_SEPARATOR in t for t in texts):
        return [rjieba_tokenize(t, user_dict) for t in texts]
    words = get_segmenter(user_dict).cut(_SEPARATOR.join(texts), True)
    out: list[list[str]] = []
    start = 0
    for text in texts:
        end = words.index(_SEPARATOR, start) if len(out) < len(texts) - 1 else len(words)
        part = words[start:end]
        out.append(part if _SPACE.search(text) is None else [w for w in part if not w.isspace()])
        start = end + 1
    return out
