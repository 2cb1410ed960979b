"""The global dedup step: stream records once, keep only hashes and signatures, then cluster."""

from __future__ import annotations

import inspect
import time
from collections.abc import Iterable
from typing import Any

import numpy as np

from pipeline.dedup.clusters import (
    candidate_pairs,
    canonical_order,
    equal_key_pairs,
    lsh_params,
    star_clusters,
    verify_pairs,
)
from pipeline.dedup.minhash import shingle_hashes, signatures
from pipeline.dedup.paragraphs import ParagraphCounter, text_hash
from pipeline.dedup.textkey import dedup_key, split_paragraphs
from pipeline.dedup.types import DedupInput, DedupResult, DupInfo

DEFAULT_THRESHOLD = 0.8
DEFAULT_NGRAM = 5
DEFAULT_NUM_PERM = 128
DEFAULT_MIN_PARAGRAPH_CHARS = 20
# Shingles gathered before a signature batch is computed (bounds the batch's temporaries).
_BATCH_SHINGLES = 200_000


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
) -> DedupResult:
    """Cluster exact and near-duplicate documents; flag repeated paragraphs.

    Two documents are linked when their normalized texts (see :func:`dedup_key`) are equal or
    their MinHash estimate of the Jaccard similarity of character ``ngram`` sets reaches
    ``threshold`` (candidates found by LSH banding).  Documents are taken from most to least
    canonical (earliest published, then longest, then smallest doc_id); each one not yet
    clustered founds a cluster with its unclustered duplicates, so every member is a direct
    duplicate of the canonical copy, whose doc_id is the cluster id.  The result does not depend on the order or partitioning
    of ``records``.  Memory: per document a ``num_perm`` x 4-byte signature, an 8-byte hash and
    its metadata, plus 16 bytes per paragraph; the texts are not kept.
    """
    started = time.perf_counter()
    doc_ids: list[str] = []
    published: list[str | None] = []
    char_counts: list[int] = []
    text_hashes: list[int] = []
    sig_blocks: list[np.ndarray] = []
    pending: list[np.ndarray] = []
    pending_shingles = 0
    para_counter = ParagraphCounter()
    seen: set[str] = set()

    def flush() -> None:
        nonlocal pending_shingles
        if pending:
            sig_blocks.append(signatures(pending, num_perm, seed))
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
        line_keys = [dedup_key(line, to_simplified=to_simplified) for line in split_paragraphs(rec.text)]
        key = "".join(line_keys)
        text_hashes.append(text_hash(key) if key else 0)
        hashes = shingle_hashes(key, ngram)
        pending.append(hashes)
        pending_shingles += len(hashes)
        if pending_shingles >= _BATCH_SHINGLES:
            flush()
        if paragraphs:
            if rec.paragraphs is not None:
                line_keys = [dedup_key(p, to_simplified=to_simplified) for p in rec.paragraphs]
            para_counter.add(row, [k for k in line_keys if len(k) >= min_paragraph_chars])
    flush()
    del seen
    n = len(doc_ids)
    t_sign = time.perf_counter() - started

    sig = np.concatenate(sig_blocks) if sig_blocks else np.empty((0, num_perm), dtype=np.uint32)
    del sig_blocks
    order = canonical_order(doc_ids, published, char_counts)
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    hashes_arr = np.array(text_hashes, dtype=np.uint64)
    active = hashes_arr != 0
    bands, rows = lsh_params(threshold, num_perm)
    candidates = candidate_pairs(sig, rank, active, bands, rows)
    near = verify_pairs(sig, candidates, threshold)
    exact = equal_key_pairs(hashes_arr, rank, active)
    canon = star_clusters(n, np.concatenate((near, exact)), order)
    sizes = np.bincount(canon, minlength=n)[canon] if n else np.empty(0, dtype=np.int64)
    ratios = para_counter.repeated_ratio(n) if paragraphs else np.zeros(n)
    t_cluster = time.perf_counter() - started - t_sign

    out = {
        doc_ids[i]: DupInfo(doc_ids[canon[i]], int(sizes[i]), bool(canon[i] == i), float(ratios[i]))
        for i in range(n)
    }
    stats: dict[str, float | int] = {
        "documents": n,
        "clusters": int(np.count_nonzero(canon == np.arange(n))),
        "duplicate_documents": int(np.count_nonzero(sizes > 1)),
        "candidate_pairs": int(len(candidates)),
        "verified_pairs": int(len(near)),
        "exact_pairs": int(len(exact)),
        "lsh_bands": bands,
        "lsh_rows": rows,
        "seconds_signatures": round(t_sign, 3),
        "seconds_clustering": round(t_cluster, 3),
    }
    return DedupResult(out, stats)


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
