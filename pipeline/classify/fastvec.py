"""The feature matrix of a fitted state's blocks (:class:`~pipeline.classify.fitted.Features`), batched.

Fitting uses scikit-learn's ``TfidfVectorizer``; its fitted numbers (terms, idf) are applied
here: every text of a batch becomes one array of code points, character n-grams become integer
keys (exact packing for n <= 3, a 64-bit polynomial hash for longer seed terms) looked up in a
hash table, and word n-grams become pairs of word ids.  The result equals the fitted
vectorizer's ``transform`` (tested); blocks with an analyzer this module does not batch have
their terms counted item by item; the co-occurrence block uses its own ``transform``.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any

import numpy as np
import scipy.sparse as sp

from pipeline.classify.features import (
    NO_TITLE,
    body_char_1_3grams,
    body_char_ngrams,
    is_content_word,
    seed_grams,
    title_ngrams,
    word_ngrams,
)
from pipeline.classify.fitted import Features, TfidfBlock
from pipeline.classify.settings import FIRST_CHAR_FILTER_MAX, GATHER_MAX_SHARE
from pipeline.classify.text import Item

_BITS = 21  # every code point fits in 21 bits
_P = np.uint64(0x100000001B3)  # odd multiplier of the rolling hash for n > 3
_TEXT = np.zeros(0x110000, dtype=bool)  # code point is a "text" character (str.isalnum)
_KNOWN = np.zeros(0x110000, dtype=bool)


@dataclass(slots=True)
class Codes:
    """Code points of a batch of texts joined by NUL separators, with the text mask."""

    codes: np.ndarray  # int64 code points
    doc: np.ndarray  # document index of every position
    text: np.ndarray  # bool: position is a text character (n-grams never span a non-text one)
    breaks: np.ndarray  # non-text characters before each position (len(codes) + 1)


def encode(texts: Sequence[str]) -> Codes:
    """Encode ``texts`` (one per document) for n-gram lookups."""
    joined = "\x00".join(t.replace("\x00", " ") for t in texts) + "\x00"
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    new = np.unique(codes[~_KNOWN[codes]])
    if len(new):
        _TEXT[new] = [chr(c).isalnum() for c in new.tolist()]
        _KNOWN[new] = True
    sep = codes == 0
    doc = np.cumsum(sep) - sep
    text = _TEXT[codes]
    breaks = np.zeros(len(codes) + 1, dtype=np.int64)
    np.cumsum(~text, out=breaks[1:])
    return Codes(codes, doc, text, breaks)


def gram_keys(c: Codes, n: int, first: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``(start positions, keys)`` of every n-gram made of text characters only.

    ``first`` (bool per code point), when given, keeps only n-grams starting with a character
    it marks: a small vocabulary then keys a few positions instead of all of them.
    """
    m = len(c.codes) - n + 1
    if m <= 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    whole = c.breaks[n : n + m] == c.breaks[:m]
    if first is not None:
        whole &= first[c.codes[:m]]
    ok = np.flatnonzero(whole)
    # few starts: key only those (gathering their characters), else key every position
    gather = first is not None and len(ok) < GATHER_MAX_SHARE * m
    chars = [c.codes[ok + k] for k in range(n)] if gather else [c.codes[k : k + m] for k in range(n)]
    if n <= 3:
        key = np.zeros(len(chars[0]), dtype=np.int64)
        for part in chars:
            key = (key << _BITS) | part
    else:
        h = np.zeros(len(chars[0]), dtype=np.uint64)
        with np.errstate(over="ignore"):
            for part in chars:
                h = h * _P + part.astype(np.uint64) + np.uint64(1)
        key = h.view(np.int64)
    return ok, key if gather else key[ok]


def term_key(term: str) -> int:
    """The key :func:`gram_keys` gives the n-gram ``term``."""
    _, keys = gram_keys(encode([term]), len(term))
    if len(keys) != 1:
        raise ValueError(f"{term!r} is not a run of text characters")
    return int(keys[0])


def term_keys(terms: Sequence[str], n: int) -> np.ndarray:
    """:func:`term_key` of many terms of length ``n`` at once (one encoding of all of them)."""
    if not len(terms):
        return np.zeros(0, dtype=np.int64)
    at, keys = gram_keys(encode(terms), n)
    starts = np.arange(len(terms), dtype=np.int64) * (n + 1)  # each term + its NUL separator
    idx = np.searchsorted(at, starts)
    if idx.max() >= len(at) or (at[idx] != starts).any():
        raise ValueError("every term must be a run of text characters")
    return keys[idx]


class KeyTable:
    """An open-addressing hash table int64 key -> int64 value with vectorized lookups.

    Random-access ``searchsorted`` into a sorted key array is cache-bound (~180 ns a query);
    a table sized 4x the keys answers a query in a few probes that stay in cache.
    """

    _MULT = np.uint64(0x9E3779B97F4A7C15)

    def __init__(self, keys: np.ndarray, values: np.ndarray) -> None:
        bits = max(4, int(np.ceil(np.log2(max(len(keys), 1) * 4))))
        self.shift = np.uint64(64 - bits)
        self.mask = (1 << bits) - 1
        self.keys = np.full(1 << bits, -1, dtype=np.int64)  # -1 never occurs as a key (keys >= 0 or hashed)
        self.values = np.full(1 << bits, -1, dtype=np.int64)
        self.probes = 1
        for key, slot, value in zip(keys.tolist(), self._slots(keys).tolist(), values.tolist()):
            for p in range(1 << bits):
                i = (slot + p) & self.mask
                if self.keys[i] == -1 or self.keys[i] == key:
                    self.keys[i], self.values[i] = key, value
                    self.probes = max(self.probes, p + 1)
                    break

    def _slots(self, keys: np.ndarray) -> np.ndarray:
        with np.errstate(over="ignore"):
            return ((keys.view(np.uint64) * self._MULT) >> self.shift).astype(np.int64)

    def get(self, keys: np.ndarray) -> np.ndarray:
        """Values of ``keys`` (-1 where absent)."""
        keys = np.ascontiguousarray(keys, dtype=np.int64)
        out = np.full(len(keys), -1, dtype=np.int64)
        slot = self._slots(keys)
        todo = np.arange(len(keys))
        for _ in range(self.probes):
            stored = self.keys[slot]
            hit = stored == keys
            out[todo[hit]] = self.values[slot[hit]]
            # a key is absent once its probe reaches an empty slot (linear probing, no deletions)
            more = ~hit & (stored != -1)
            if not more.any():
                break
            todo, keys, slot = todo[more], keys[more], (slot[more] + 1) & self.mask
        return out


class GramTable:
    """Character n-grams (lengths may differ) -> values, found by their integer keys."""

    def __init__(self, terms: Sequence[str], values: Sequence[int]) -> None:
        self.by_len: dict[int, KeyTable] = {}
        #: per length, the code points its terms start with (None: most characters do)
        self.first: dict[int, np.ndarray | None] = {}
        groups: dict[int, tuple[list[str], list[int]]] = {}
        for term, value in zip(terms, values):
            if term and term.isalnum():
                group = groups.setdefault(len(term), ([], []))
                group[0].append(term)
                group[1].append(int(value))
        for n, (group_terms, group_values) in groups.items():
            self.by_len[n] = KeyTable(term_keys(group_terms, n), np.asarray(group_values, dtype=np.int64))
            starts = {ord(t[0]) for t in group_terms}
            self.first[n] = _code_set(starts) if len(starts) <= FIRST_CHAR_FILTER_MAX else None

    def matches(self, c: Codes) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(document, start position, value)`` of every occurrence (overlaps included)."""
        docs, pos, vals = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
        for n, table in self.by_len.items():
            at, k = gram_keys(c, n, self.first[n])
            v = table.get(k)
            hit = v >= 0
            docs.append(c.doc[at[hit]])
            pos.append(at[hit])
            vals.append(v[hit])
        return np.concatenate(docs), np.concatenate(pos), np.concatenate(vals)


def _code_set(code_points: set[int]) -> np.ndarray:
    """A bool per code point, True for ``code_points``."""
    out = np.zeros(0x110000, dtype=bool)
    out[list(code_points)] = True
    return out


def _counts(rows: np.ndarray, cols: np.ndarray, n_rows: int, n_cols: int) -> sp.csr_matrix:
    """Sparse count matrix of ``(row, col)`` occurrences (one sort, no per-row work)."""
    key = np.sort(rows.astype(np.int64) * n_cols + cols)
    first = np.flatnonzero(np.concatenate([[True], key[1:] != key[:-1]])) if len(key) else key
    counts = np.diff(np.append(first, len(key))).astype(np.float32)
    uniq = key[first]
    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(np.bincount(uniq // n_cols, minlength=n_rows), out=indptr[1:])
    return sp.csr_matrix((counts, (uniq % n_cols).astype(np.int32), indptr), shape=(n_rows, n_cols))


def _tfidf(m: sp.csr_matrix, vec: TfidfBlock) -> sp.csr_matrix:
    """Apply a fitted block's sublinear tf, idf and norm (l2 or none) to raw counts."""
    m = m.astype(np.float32)
    if vec.sublinear_tf:
        np.log(m.data, m.data)
        m.data += 1
    if vec.idf_ is not None:
        m.data *= vec.idf_.astype(np.float32)[m.indices]
    if vec.norm == "l2":
        norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
        norms[norms == 0] = 1
        m.data /= np.repeat(norms, np.diff(m.indptr)).astype(np.float32)
    return m


# lookup tables derived from fitted vectorizers (kept beside them, never saved with them)
_TABLES: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()


def _gram_table(vec: TfidfBlock) -> GramTable:
    table = _TABLES.get(vec)
    if table is None:
        terms = list(vec.vocabulary_)
        table = _TABLES[vec] = GramTable(terms, [vec.vocabulary_[t] for t in terms])
    return table


def _char_block(vec: TfidfBlock, texts: Sequence[str]) -> sp.csr_matrix:
    c = encode(texts)
    docs, _, cols = _gram_table(vec).matches(c)
    return _tfidf(_counts(docs, cols, len(texts), len(vec.vocabulary_)), vec)


_DROP = -2


class _TokenIds(dict[str, int]):
    """Token -> word id; an unseen token gets ``unknown`` (content word) or ``_DROP`` on first use."""

    def __init__(self, words: dict[str, int], unknown: int) -> None:
        super().__init__(words)
        self.unknown = unknown

    def __missing__(self, token: str) -> int:
        value = self[token] = self.unknown if is_content_word(token) else _DROP
        return value


class _WordIndex:
    """Word ids of a fitted word-n-gram vocabulary: unigram columns and bigram keys."""

    def __init__(self, vocabulary: dict[str, int]) -> None:
        words: dict[str, int] = {}
        for term in vocabulary:
            for w in term.split(" "):
                words.setdefault(w, len(words))
        self.n_words = len(words)
        #: token -> word id; DROP for known non-content tokens (filled lazily for unseen tokens)
        self.ids = _TokenIds(words, len(words))
        self.unigram_col = np.full(len(words) + 1, -1, dtype=np.int64)  # last slot: unknown word
        pairs = []
        for term, col in vocabulary.items():
            parts = term.split(" ")
            if len(parts) == 1:
                self.unigram_col[words[parts[0]]] = col
            else:
                pairs.append((words[parts[0]] * (len(words) + 1) + words[parts[1]], col))
        arr = np.array(pairs, dtype=np.int64).reshape(-1, 2)
        self.pairs = KeyTable(arr[:, 0], arr[:, 1])


def _word_block(vec: TfidfBlock, items: Sequence[Item]) -> sp.csr_matrix:
    index = _TABLES.get(vec)
    if index is None:
        index = _TABLES[vec] = _WordIndex(vec.vocabulary_)
    ids, unknown = index.ids, index.n_words
    if len(ids) > index.n_words + 200_000:  # bound the memo of unseen tokens
        index.ids = ids = _TokenIds({t: i for t, i in ids.items() if 0 <= i < unknown}, unknown)
    lengths = [len(item[3]) + len(item[2]) for item in items]
    tokens = chain.from_iterable(chain(item[3], item[2]) for item in items)
    w = np.fromiter(map(ids.__getitem__, tokens), dtype=np.int64, count=sum(lengths))
    doc = np.repeat(np.arange(len(items), dtype=np.int64), lengths)
    keep_w = w != _DROP
    w, doc = w[keep_w], doc[keep_w]
    uni = index.unigram_col[w] if len(w) else w
    keep = uni >= 0
    rows, cols = [doc[keep]], [uni[keep]]
    if len(w) > 1:
        same = (doc[1:] == doc[:-1]) & (w[1:] != unknown) & (w[:-1] != unknown)
        col = index.pairs.get(w[:-1] * (unknown + 1) + w[1:])
        hit = same & (col >= 0)
        rows.append(doc[:-1][hit])
        cols.append(col[hit])
    return _tfidf(_counts(np.concatenate(rows), np.concatenate(cols), len(items), len(vec.vocabulary_)), vec)


def _analyzer_terms(vec: TfidfBlock, items: Sequence[Item]) -> tuple[np.ndarray, np.ndarray]:
    """``(item, column)`` of every term of the block's analyzer found in its vocabulary."""
    vocab = vec.vocabulary_
    rows: list[int] = []
    cols: list[int] = []
    for i, item in enumerate(items):
        for term in vec.analyzer(item):
            col = vocab.get(term)
            if col is not None:
                rows.append(i)
                cols.append(col)
    return np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)


def _analyzer_block(vec: TfidfBlock, items: Sequence[Item]) -> sp.csr_matrix:
    """Any other callable analyzer: its terms of each item counted against the vocabulary."""
    rows, cols = _analyzer_terms(vec, items)
    return _tfidf(_counts(rows, cols, len(items), len(vec.vocabulary_)), vec)


def _title_block(vec: TfidfBlock, items: Sequence[Item]) -> sp.csr_matrix:
    """Title terms; an untitled item (every sentence of evidence) holds the no-title term alone."""
    titled = np.asarray([i for i, item in enumerate(items) if item[0]], dtype=np.int64)
    rows, cols = _analyzer_terms(vec, [items[i] for i in titled.tolist()])
    rows = titled[rows]
    col = vec.vocabulary_.get(NO_TITLE)
    if col is not None and len(titled) < len(items):
        untitled = np.setdiff1d(np.arange(len(items), dtype=np.int64), titled)
        rows = np.concatenate([rows, untitled])
        cols = np.concatenate([cols, np.full(len(untitled), col, dtype=np.int64)])
    return _tfidf(_counts(rows, cols, len(items), len(vec.vocabulary_)), vec)


_BLOCKS: dict[Callable, Callable[[TfidfBlock, Sequence[Item]], sp.csr_matrix]] = {
    body_char_ngrams: lambda vec, items: _char_block(vec, [it[1] for it in items]),
    body_char_1_3grams: lambda vec, items: _char_block(vec, [it[1] for it in items]),
    title_ngrams: _title_block,
    seed_grams: lambda vec, items: _char_block(vec, [f"{it[0]}\x00{it[1]}" for it in items]),
    word_ngrams: _word_block,
}


def transform_union(union: Features, items: Sequence[Item]) -> sp.csr_matrix:
    """The weighted blocks of ``union`` side by side: what the fitted ``FeatureUnion`` gives."""
    weights = union.transformer_weights or {}
    mats = []
    for name, block in union.transformer_list:
        if isinstance(block, TfidfBlock):
            m = _BLOCKS.get(block.analyzer, _analyzer_block)(block, items)
        else:
            m = sp.csr_matrix(block.transform(list(items)))
        w = weights.get(name, 1.0)
        mats.append(m * np.float32(w) if w != 1.0 else m)
    return sp.hstack(mats, format="csr", dtype=np.float32)
