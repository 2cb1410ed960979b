"""Optional segmentation backend: jieba-rs through ``rjieba`` (install ``zhnews[rjieba]``).

Same dictionary, same HMM for unknown words and the same domain user dictionary as the
jieba backend, so tokens follow jieba's conventions (whitespace-only tokens dropped, as in
:func:`pipeline.segment.tokenizer.tokenize`); the agreement with jieba is measured by
``benchmarks/throughput.py``.  One ``rjieba.Jieba`` per process and user-dictionary setting.
"""

from __future__ import annotations

import re
import threading
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
