"""The global dedup step: stream records once, keep only hashes and signatures, then cluster."""

from __future__ import annotations

import inspect
import time
from array import array
from collections.abc import Iterable
from typing import Any

import numpy as np

from pipeline.dedup.clusters import (
    candidate_pairs,
    canonical_order,
    equal_key_pairs,
    linkage_clusters,
    lsh_params,
)
from pipeline.dedup.minhash import shingle_hashes, signatures
from pipeline.dedup.paragraphs import ParagraphCounter, text_hash
from pipeline.dedup.textkey import dedup_key, line_keys
from pipeline.dedup.types import DedupInput, DedupResult, DupInfo, DupPairs
from pipeline.dedup.verify import SYNDICATION_MIN_JACCARD, ShingleStore, similarities, syndicated

DEFAULT_THRESHOLD = 0.8
DEFAULT_NGRAM = 5
DEFAULT_NUM_PERM = 128
DEFAULT_MIN_PARAGRAPH_CHARS = 20
DEFAULT_CONTAINMENT = 0.7
DEFAULT_EXACT_MAX_SHINGLES = 512
# Shingles gathered before a signature batch is computed (bounds the batch's temporaries).
_BATCH_SHINGLES = 200_000
_NO_SHINGLES = np.empty(0, dtype=np.uint32)


def find_duplicates(
    records: Iterable[DedupInput],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    ngram: int = DEFAULT_NGRAM,
    num_perm: int = DEFAULT_NUM_PERM,
    paragraphs: bool = True,
    min_paragraph_chars: int = DEFAULT_MIN_PARAGRAPH_CHARS,
    to_simplified: bool = True,
    seed: int = 1,
    containment: float = DEFAULT_CONTAINMENT,
    exact_max_shingles: int = DEFAULT_EXACT_MAX_SHINGLES,
) -> DedupResult:
    """Cluster exact and near-duplicate documents; flag repeated paragraphs.

    Compared text: :func:`~pipeline.dedup.textkey.document_key` (for Weibo-style reposts, the
    reposted part without the reposters' short comments).  Two documents are linked when these
    texts are equal, when the Jaccard similarity of their character ``ngram`` sets reaches
    ``threshold``, or (unless ``containment`` is 0) when one is a syndicated copy of the other
    (see :func:`~pipeline.dedup.verify.syndicated`).  Candidates come from LSH banding over
    MinHash signatures; documents with at most ``exact_max_shingles`` distinct n-grams keep
    them and are verified exactly, longer ones on the signature estimate.  Documents are then
    taken from most to least canonical (earliest published, then longest, then smallest doc_id)
    and join the cluster they are linked to most densely if linked to at least half of its
    members (:func:`~pipeline.dedup.clusters.linkage_clusters`); the canonical copy's doc_id is
    the cluster id.  The result does not depend on the order or partitioning of ``records``.
    Memory per document: a ``num_perm`` x 4-byte signature, hashes and metadata, 20 bytes per
    paragraph and 4 bytes per n-gram of short documents; the texts are not kept.  An exact
    copy of an earlier document (same compared text) is given that document's signature
    instead of having its own computed.
    """
    started = time.perf_counter()
    doc_ids: list[str] = []
    published: list[str | None] = []
    char_counts = array("q")  # compact: 8 bytes per document instead of a Python int each
    text_hashes = array("Q")
    sig_blocks: list[np.ndarray] = []
    pending: list[np.ndarray] = []
    pending_shingles = 0
    # an exact copy (same key hash) takes its first copy's shingle set and signature
    first_with_hash: dict[int, int] = {}
    copies: list[tuple[int, int]] = []
    para_counter = ParagraphCounter()
    key_lengths = array("q")
    store = ShingleStore(exact_max_shingles)
    seen: set[str] = set()

    def flush() -> None:
        nonlocal pending_shingles
        if pending:
            sig_blocks.append(signatures(pending, num_perm, seed))
            store.add_batch(pending)
            pending.clear()
            pending_shingles = 0

    for rec in records:
        if rec.doc_id in seen:
            raise ValueError(f"duplicate doc_id in dedup input: {rec.doc_id}")
        seen.add(rec.doc_id)
        row = len(doc_ids)
        doc_ids.append(rec.doc_id)
        published.append(_date_key(rec.published_at))
        char_counts.append(int(rec.char_count))
        # one normalization pass per line serves both the document key and the paragraph check
        keys = line_keys(rec.text, to_simplified=to_simplified)
        key = "".join(keys)
        key_hash = text_hash(key) if key else 0
        text_hashes.append(key_hash)
        first = first_with_hash.setdefault(key_hash, row) if key_hash else row
        if first != row:
            copies.append((row, first))
        hashes = shingle_hashes(key, ngram) if first == row else _NO_SHINGLES
        pending.append(hashes)
        pending_shingles += len(hashes)
        if pending_shingles >= _BATCH_SHINGLES:
            flush()
        key_lengths.append(len(key))
        if rec.paragraphs is not None:
            keys = [dedup_key(p, to_simplified=to_simplified) for p in rec.paragraphs]
        para_counter.add(row, [k for k in keys if len(k) >= min_paragraph_chars])
    flush()
    del seen
    n = len(doc_ids)
    t_sign = time.perf_counter() - started

    sig = np.concatenate(sig_blocks) if sig_blocks else np.empty((0, num_perm), dtype=np.uint32)
    del sig_blocks, first_with_hash
    if copies:
        copy_rows, firsts = np.array(copies, dtype=np.int64).T
        sig[copy_rows] = sig[firsts]
        store.alias(copy_rows, firsts)
    del copies
    order = canonical_order(doc_ids, published, char_counts)
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    hashes_arr = np.frombuffer(text_hashes, dtype=np.uint64)
    active = hashes_arr != 0
    floor = min(threshold, SYNDICATION_MIN_JACCARD) if containment > 0 else threshold
    bands, rows = lsh_params(floor, num_perm)
    candidates = candidate_pairs(sig, rank, active, bands, rows)
    frozen = store.freeze()
    jac, contain, exact_checked = similarities(sig, frozen, candidates, floor)
    near = jac >= threshold
    if containment > 0:
        lengths = np.frombuffer(key_lengths, dtype=np.int64)
        near |= syndicated(candidates, jac, contain, frozen.sizes, lengths, para_counter, containment)
    same = equal_key_pairs(hashes_arr, rank, active)
    edges = np.concatenate((candidates[near], same))
    canon = linkage_clusters(n, edges, order)
    sizes = np.bincount(canon, minlength=n)[canon] if n else np.empty(0, dtype=np.int64)
    ratios = para_counter.repeated_ratio(n) if paragraphs else np.zeros(n)
    t_cluster = time.perf_counter() - started - t_sign
    pairs = DupPairs(doc_ids, candidates[near], jac[near], contain[near])

    out = {
        doc_ids[i]: DupInfo(doc_ids[canon[i]], int(sizes[i]), bool(canon[i] == i), float(ratios[i]))
        for i in range(n)
    }
    stats: dict[str, float | int] = {
        "documents": n,
        "clusters": int(np.count_nonzero(canon == np.arange(n))),
        "duplicate_documents": int(np.count_nonzero(sizes > 1)),
        "candidate_pairs": int(len(candidates)),
        "verified_pairs": int(np.count_nonzero(near)),
        "jaccard_pairs": int(np.count_nonzero(jac >= threshold)),
        "exactly_verified_candidates": int(np.count_nonzero(exact_checked)),
        "exact_pairs": int(len(same)),
        "lsh_bands": bands,
        "lsh_rows": rows,
        "seconds_signatures": round(t_sign, 3),
        "seconds_clustering": round(t_cluster, 3),
    }
    return DedupResult(out, stats, pairs)


def _date_key(value: str | None) -> str | None:
    """``published_at`` as a comparable ISO-like string (``/`` and ``.`` dates become ``-``)."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    return value.replace("/", "-").replace(".", "-", 2) if value[:4].isdigit() else value


class Deduplicator:
    """The dedup configuration, recorded in the run manifest through :meth:`get_params`."""

    name = "dedup"

    def __init__(
        self,
        threshold: float = DEFAULT_THRESHOLD,
        ngram: int = DEFAULT_NGRAM,
        num_perm: int = DEFAULT_NUM_PERM,
        paragraphs: bool = True,
        min_paragraph_chars: int = DEFAULT_MIN_PARAGRAPH_CHARS,
        to_simplified: bool = True,
        seed: int = 1,
        containment: float = DEFAULT_CONTAINMENT,
        exact_max_shingles: int = DEFAULT_EXACT_MAX_SHINGLES,
    ) -> None:
        if not 0.0 < threshold <= 1.0:
            raise ValueError(f"threshold must be in (0, 1], got {threshold}")
        if ngram < 1 or num_perm < 1:
            raise ValueError("ngram and num_perm must be positive")
        self.threshold = threshold
        self.ngram = ngram
        self.num_perm = num_perm
        self.paragraphs = paragraphs
        self.min_paragraph_chars = min_paragraph_chars
        self.to_simplified = to_simplified
        self.seed = seed
        self.containment = containment
        self.exact_max_shingles = exact_max_shingles

    def get_params(self) -> dict[str, Any]:
        """The constructor's keyword arguments."""
        names = [p for p in inspect.signature(type(self).__init__).parameters if p != "self"]
        return {p: getattr(self, p) for p in names}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"Deduplicator({args})"

    def run(self, records: Iterable[DedupInput]) -> DedupResult:
        """Deduplicate ``records`` (a single pass over the stream)."""
        return find_duplicates(records, **self.get_params())
