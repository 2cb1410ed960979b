"""Sentence-level co-occurrence features: do sentences about medical workers discuss a topic?

The labelling rule is "the text *substantially* discusses medical-worker welfare", so a
seed term counts here only when it occurs in a sentence that names medical workers (or in
the sentence right after one).  Per topic: log1p of such sentences, their share of all
sentences and the longest run of consecutive ones; globally: worker sentences, welfare
sentences (worker + any topic term) and whether the title names workers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from pipeline.classify.text import Item

_SENTENCE_END = re.compile(r"[。！？!?\n]+")
_SENTENCE = re.compile(r"[^。！？!?\n]+")


def _alternation(terms: Sequence[str]) -> re.Pattern[str] | None:
    terms = sorted({t for t in terms if t}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, terms))) if terms else None


def worker_pattern(worker_terms: Sequence[str]) -> re.Pattern[str] | None:
    """The alternation of ``worker_terms`` (None without terms)."""
    return _alternation(worker_terms)


def names_workers(items: Sequence[tuple[Any, ...]], workers: re.Pattern[str] | None) -> np.ndarray:
    """Boolean per item (an :data:`Item` or a prepared ``(title, body)`` pair): its title or body
    names medical workers (matches ``workers``, from :func:`worker_pattern`), the rule of the
    relevance gate; all False without a pattern."""
    if workers is None:
        return np.zeros(len(items), dtype=bool)
    return np.array([bool(workers.search(it[0]) or workers.search(it[1])) for it in items], dtype=bool)


def split_sentences(text: str) -> list[str]:
    """Non-empty sentences of ``text`` (split on 。！？!? and line breaks)."""
    return [s for s in _SENTENCE_END.split(text) if s.strip()]


def spans_matching(pattern: re.Pattern[str] | None, joined: str, starts: np.ndarray) -> np.ndarray:
    """Per span of ``joined`` (spans begin at the sorted offsets ``starts``), whether ``pattern``
    matches in it: one scan of the whole text.  Exact for the term alternations here, whose
    matches never hold the character that separates the spans."""
    flags = np.zeros(len(starts), dtype=bool)
    if pattern is None:
        return flags
    pos = [m.start() for m in pattern.finditer(joined)]
    if pos:
        flags[np.searchsorted(starts, np.asarray(pos, dtype=np.int64), side="right") - 1] = True
    return flags


def _longest_runs(flags: np.ndarray, doc: np.ndarray, n_docs: int) -> np.ndarray:
    """Per document, the longest run of consecutive ``True`` sentences (``doc``: sentence -> document)."""
    out = np.zeros(n_docs)
    idx = np.flatnonzero(flags)
    if len(idx):
        new = np.ones(len(idx), dtype=bool)
        new[1:] = (np.diff(idx) != 1) | (doc[idx[1:]] != doc[idx[:-1]])
        lengths = np.bincount(np.cumsum(new) - 1)
        np.maximum.at(out, doc[idx[new]], lengths)
    return out


class CoocFeatures:
    """A stateless transformer of :data:`Item` lists into a dense block (as CSR).

    ``worker_terms`` name the population; ``topic_terms`` maps topic key -> seed terms.
    Output columns: per topic (log1p count, share, longest run), then log1p worker
    sentences, worker share, welfare share, title names workers.
    """

    def __init__(self, worker_terms: Sequence[str] = (), topic_terms: Mapping[str, Sequence[str]] | None = None) -> None:
        self.worker_terms = list(worker_terms)
        self.topic_terms = {k: list(v) for k, v in (topic_terms or {}).items()}

    # scikit-learn transformer protocol (FeatureUnion) ------------------------------------
    def get_params(self, deep: bool = True) -> dict:
        return {"worker_terms": self.worker_terms, "topic_terms": self.topic_terms}

    def set_params(self, **params) -> CoocFeatures:
        for k, v in params.items():
            setattr(self, k, v)
        return self

    def fit(self, items, y=None) -> CoocFeatures:
        return self

    def fit_transform(self, items, y=None) -> sp.csr_matrix:
        return self.transform(items)

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        names = [f"{k}:{s}" for k in self.topic_terms for s in ("log", "share", "run")]
        return np.array(names + ["workers:log", "workers:share", "welfare:share", "title:workers"], dtype=object)

    def patterns(self) -> tuple[re.Pattern[str] | None, list[re.Pattern[str] | None]]:
        """The compiled worker-term alternation and one alternation per topic (compiled once)."""
        cache = self.__dict__.get("_compiled")
        if cache is None:
            cache = (_alternation(self.worker_terms), [_alternation(v) for v in self.topic_terms.values()])
            self.__dict__["_compiled"] = cache
        return cache

    def __getstate__(self) -> dict:
        return {"worker_terms": self.worker_terms, "topic_terms": self.topic_terms}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)

    def transform(self, items: Sequence[Item]) -> sp.csr_matrix:
        """All items at once: one regex scan per pattern over the joined bodies (a topic's over the
        sentences it can count in)."""
        workers, topics = self.patterns()
        k = len(topics)
        out = np.zeros((len(items), 3 * k + 4), dtype=np.float32)
        if workers is None or not len(items):
            return sp.csr_matrix(out)
        for i, item in enumerate(items):
            if item[0] and workers.search(item[0]):
                out[i, 3 * k + 3] = 1.0
        joined = "\n".join(item[1] for item in items)
        doc_starts = np.cumsum([0] + [len(item[1]) + 1 for item in items[:-1]])
        runs = [(m.start(), m.group()) for m in _SENTENCE.finditer(joined)]
        sentences = [text for _, text in runs if not text.isspace()]
        if not sentences:
            return sp.csr_matrix(out)
        starts = np.asarray([at for at, text in runs if not text.isspace()], dtype=np.int64)
        doc = np.searchsorted(doc_starts, starts, side="right") - 1
        n_docs = len(items)
        n = np.bincount(doc, minlength=n_docs)
        same_next = np.append(doc[1:] == doc[:-1], False)  # sentence i+1 is in the same document

        w = spans_matching(workers, joined, starts)
        if not w.any():
            return sp.csr_matrix(out)
        # a worker sentence "covers" itself and the next sentence
        cover = w.copy()
        cover[1:] |= w[:-1] & same_next[:-1]
        welfare = np.zeros(len(starts), dtype=bool)
        denom = np.maximum(n, 1)
        # a topic term counts only in a covered sentence: only those are searched
        covered = np.flatnonzero(cover)
        text = "\n".join([sentences[i] for i in covered.tolist()])
        text_starts = np.cumsum([0] + [len(sentences[i]) + 1 for i in covered[:-1].tolist()])
        for j, pat in enumerate(topics):
            if pat is None:
                continue
            hit = np.zeros(len(starts), dtype=bool)
            hit[covered] = spans_matching(pat, text, text_starts)
            # attribute a hit in the following sentence to the worker sentence before it
            nxt = np.append(hit[1:], False) & same_next
            pair = w & (hit | nxt)
            welfare |= pair
            cnt = np.bincount(doc, weights=pair, minlength=n_docs)
            out[:, 3 * j] = np.log1p(cnt)
            out[:, 3 * j + 1] = cnt / denom
            out[:, 3 * j + 2] = np.log1p(_longest_runs(pair, doc, n_docs))
        n_w = np.bincount(doc, weights=w, minlength=n_docs)
        out[:, 3 * k] = np.log1p(n_w)
        out[:, 3 * k + 1] = n_w / denom
        out[:, 3 * k + 2] = np.bincount(doc, weights=welfare, minlength=n_docs) / denom
        return sp.csr_matrix(out)
