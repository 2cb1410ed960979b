"""jieba's segmentation, computed by jieba-rs where the two agree (``accelerate=True``).

``jieba.Tokenizer.cut`` splits a text into runs of "Han" characters (``re_han_default``: CJK
U+4E00-U+9FD5, ASCII letters and digits, ``+#&._%-``) and the rest.  Outside the runs, every
non-whitespace character is its own token.  Inside a run, jieba builds the word DAG from its
dictionary, takes the most probable route and gives leftover single characters to its HMM.
jieba-rs implements the same DAG, route and HMM over the same dictionary; it differs from jieba
only in how it cuts runs holding ``.``, ``-`` and the other symbols (``5-8``, ``15.926Z``,
``t.cntv.cn``) and in that it counts CJK extension blocks as Han.  So this function repeats
jieba's outer loop itself and hands each run to:

* jieba-rs, when the run holds only CJK U+4E00-U+9FD5 and ASCII letters and digits;
* jieba, for the other runs (those with symbols), so their tokens stay jieba's.

The tokens are jieba's on real text except, rarely, a tie of the HMM on a run repeating one
word (agreement and speed: ``benchmarks/throughput.py --agreement``, docs/BENCHMARKS.md).
Whitespace-only tokens are dropped, as in :func:`pipeline.segment.tokenizer.tokenize`.
"""

from __future__ import annotations

import re

from pipeline.segment.rjieba_backend import get_segmenter
from pipeline.segment.tokenizer import get_tokenizer

#: ``jieba.re_han_default`` (the runs ``Tokenizer.cut`` hands to its DAG + HMM cutter).
_RUNS = re.compile(r"([\u4E00-\u9FD5a-zA-Z0-9+#&\._%\-]+)")
#: Runs jieba-rs cuts exactly as jieba does.
_PLAIN_RUN = re.compile(r"[\u4E00-\u9FD5a-zA-Z0-9]+").fullmatch


def accelerated_tokenize(text: str, user_dict: bool = True) -> list[str]:
    """Segment ``text`` (Simplified) like :func:`~pipeline.segment.tokenizer.tokenize`, faster."""
    if not text:
        return []
    fast = get_segmenter(user_dict).cut
    slow = get_tokenizer(user_dict).lcut
    tokens: list[str] = []
    # re.split with one group alternates: outside, run, outside, run, ..., outside
    for index, part in enumerate(_RUNS.split(text)):
        if not part:
            continue
        if index & 1:
            tokens += fast(part, True) if _PLAIN_RUN(part) else slow(part, HMM=True)
        else:
            tokens += [char for char in part if not char.isspace()]
    return tokens
