"""Search terms as the pipeline saw the text: normalized (OpenCC), segmented (jieba), matched as whole words."""

from __future__ import annotations

from collections.abc import Sequence


def normalize_term(term: str, opencc_config: str = "t2s") -> str:
    """A search term as the pipeline normalized the text (Unicode clean-up, OpenCC)."""
    from pipeline.normalize.step import normalize_text

    return normalize_text(term.strip(), opencc_config)


def segment_term(term: str) -> list[str]:
    """The jieba tokens of a search term (whitespace-separated parts segmented one by one)."""
    from pipeline.segment import tokenize

    return words([token for part in term.split() for token in tokenize(part)])


def words(tokens: Sequence[str]) -> list[str]:
    """Tokens with bound suffixes joined to the word before (jieba cuts 医生们 as 医生 + 们)."""
    from pipeline.query.settings import BOUND_SUFFIXES

    out: list[str] = []
    for token in tokens:
        if token in BOUND_SUFFIXES and out and not out[-1].isspace():
            out[-1] += token
        else:
            out.append(token)
    return out


def find_token_runs(tokens: Sequence[str], term: Sequence[str]) -> list[int]:
    """Start indices where ``term`` occurs in ``tokens`` as consecutive whole tokens (both as :func:`words`)."""
    n = len(term)
    if not n:
        return []
    first = term[0]
    return [i for i, token in enumerate(tokens) if token == first and list(tokens[i:i + n]) == list(term)]
