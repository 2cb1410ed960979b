"""TF-IDF features: jieba word 1-2-grams, body character n-grams and a weighted title block.

A model input is an :data:`Item`: ``(title, body, body_tokens, title_tokens)``, all Simplified.
The analyzers are module-level functions so that a saved model can name them (the loader looks
the names up in :data:`pipeline.classify.fitted.ANALYZERS`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from pipeline.classify.text import Item
from pipeline.segment.backends import get_tokenize
from pipeline.segment.tokenizer import stopwords

# a "word" worth a feature: contains a Han character, a letter or a digit
_WORDY = re.compile(r"[\w\u3400-\u9fff]")
_NON_TEXT = re.compile(r"[\s\W_]+")


#: the one term of an untitled item's title block
NO_TITLE = "<no title>"


def make_item(title: str, body: str, tokens: Sequence[str] | None = None, segmenter: str = "jieba") -> Item:
    """Build an :data:`Item`, segmenting (with ``segmenter``) only what is not segmented yet."""
    cut = get_tokenize(segmenter)
    body_tokens = tokens if tokens else cut(body)
    return (title, body, body_tokens, cut(title) if title else [])


def is_content_word(token: str) -> bool:
    """A token worth a word feature: not a stopword, with a Han character, letter or digit."""
    return token not in stopwords() and _WORDY.search(token) is not None


def _content_words(tokens: Iterable[str]) -> list[str]:
    stop = stopwords()
    return [t for t in tokens if t not in stop and _WORDY.search(t)]


def _char_grams(text: str, lo: int, hi: int) -> list[str]:
    out: list[str] = []
    for chunk in _NON_TEXT.split(text):
        n_chars = len(chunk)
        for n in range(lo, hi + 1):
            out.extend(chunk[i : i + n] for i in range(n_chars - n + 1))
    return out


def word_ngrams(item: Item) -> list[str]:
    """Content words of title and body, as unigrams and adjacent bigrams."""
    words = _content_words(item[3]) + _content_words(item[2])
    return words + [f"{a} {b}" for a, b in zip(words, words[1:])]


def body_char_ngrams(item: Item) -> list[str]:
    """Character 2-3-grams of the body (runs of punctuation and space break n-grams)."""
    return _char_grams(item[1], 2, 3)


def body_char_1_3grams(item: Item) -> list[str]:
    """Character 1-3-grams of the body (single-label sets: short titles need the unigrams)."""
    return _char_grams(item[1], 1, 3)


def title_ngrams(item: Item) -> list[str]:
    """Title character 1-3-grams and title words (weighted as a separate block).

    An untitled item yields one marker, so a corpus without titles still has a vocabulary.
    """
    if not item[0]:
        return [NO_TITLE]
    return _char_grams(item[0], 1, 3) + ["w:" + w for w in _content_words(item[3])]


def seed_grams(item: Item) -> list[str]:
    """Character 2-6-grams of title and body, looked up against a fixed seed-term vocabulary."""
    return _char_grams(item[0], 2, 6) + _char_grams(item[1], 2, 6)


@dataclass(frozen=True, slots=True)
class FeatureConfig:
    """Sizes and weights of the TF-IDF blocks."""

    words: bool = True
    word_features: int = 12000
    #: shortest body character n-gram: 2 (multi-label default) or 1 (adds character unigrams)
    char_min_n: int = 2
    char_features: int = 20000
    title_features: int = 4000
    title_weight: float = 1.0
    min_df: int = 2
    seed_weight: float = 0.3
    #: weight of the sentence-level worker x topic co-occurrence block (0: off)
    cooc_weight: float = 0.4


def build_features(
    cfg: FeatureConfig = FeatureConfig(),
    seed_terms: Sequence[str] = (),
    worker_terms: Sequence[str] = (),
    topic_terms: Mapping[str, Sequence[str]] | None = None,
):  # -> FeatureUnion
    """An unfitted FeatureUnion of the TF-IDF blocks described by ``cfg``.

    ``seed_terms`` (the taxonomy's) add a block of log-scaled seed-term counts;
    ``worker_terms`` and ``topic_terms`` add the sentence co-occurrence block
    (:class:`~pipeline.classify.cooc.CoocFeatures`) when ``cfg.cooc_weight > 0``.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion

    def vec(analyzer, max_features: int) -> TfidfVectorizer:
        return TfidfVectorizer(
            analyzer=analyzer,
            lowercase=False,
            sublinear_tf=True,
            min_df=cfg.min_df,
            max_features=max_features,
            dtype=np.float32,
        )

    if cfg.char_min_n not in (1, 2):
        raise ValueError(f"char_min_n must be 1 or 2, not {cfg.char_min_n}")
    chars = body_char_1_3grams if cfg.char_min_n == 1 else body_char_ngrams
    blocks = [("chars", vec(chars, cfg.char_features))]
    weights = {"chars": 1.0}
    if cfg.words:
        blocks.append(("words", vec(word_ngrams, cfg.word_features)))
        weights["words"] = 1.0
    if cfg.title_weight > 0:
        blocks.append(("title", vec(title_ngrams, cfg.title_features)))
        weights["title"] = cfg.title_weight
    terms = sorted({t for t in seed_terms if len(t) >= 2})
    if terms and cfg.seed_weight > 0:
        blocks.append(
            (
                "seeds",
                TfidfVectorizer(
                    analyzer=seed_grams, vocabulary=terms, lowercase=False, use_idf=False,
                    sublinear_tf=True, norm=None, dtype=np.float32,
                ),
            )
        )
        weights["seeds"] = cfg.seed_weight
    if worker_terms and topic_terms and cfg.cooc_weight > 0:
        from pipeline.classify.cooc import CoocFeatures

        blocks.append(("cooc", CoocFeatures(worker_terms, topic_terms)))
        weights["cooc"] = cfg.cooc_weight
    return FeatureUnion(blocks, transformer_weights=weights)
