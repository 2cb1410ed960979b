"""Dedup's configuration and its corpus-wide index: features gathered, then clustered once."""

from __future__ import annotations

import inspect
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.dedup.clusters import (
    candidate_pairs,
    canonical_order,
    equal_key_pairs,
    linkage_clusters,
    lsh_params,
)
from pipeline.dedup.features import FEATURE_PARAMS, FeatureBatch, featurize
from pipeline.dedup.paragraphs import ParagraphCounter
from pipeline.dedup.settings import (
    CANDIDATE_MARGIN,
    CONTAINMENT,
    MIN_PARAGRAPH_CHARS,
    NGRAM,
    NUM_PERM,
    SYNDICATION_MIN_JACCARD,
    TEXT_BATCH,
    THRESHOLD,
)
from pipeline.dedup.threads import default_threads
from pipeline.dedup.types import DedupInput, DedupResult, DupInfo, DupPairs
from pipeline.dedup.verify import ShingleStore, similarities, syndicated


class DedupIndex:
    """The corpus-wide dedup state: features gathered batch by batch, then clustered once.

    Holds per document its id, date key, length, key hash, signature and set size; its sorted
    distinct shingles; the paragraph hashes (a ``num_perm`` x 4-byte signature, 20 bytes per
    paragraph and 4 bytes per distinct n-gram, the n-grams spilled to a temporary file in
    ``spill_dir`` past :data:`~pipeline.dedup.settings.SHINGLES_IN_MEMORY`; never the texts).
    An exact copy of an earlier document (same compared-text hash) shares that document's stored
    shingles.  Candidates come from LSH banding over the signatures, tuned for
    :data:`~pipeline.dedup.settings.CANDIDATE_MARGIN` below the threshold (or for the
    syndication criterion's lower floor), and every candidate pair is verified on the exact Jaccard of its shingle sets.  Documents are then taken from most to least canonical (earliest published, then
    longest, then smallest doc_id) and join the cluster they are linked to most densely
    (:func:`~pipeline.dedup.clusters.linkage_clusters`); the canonical copy's doc_id is the
    cluster id.  Batches may come in any order: :meth:`result` does not depend on it.
    """

    def __init__(
        self,
        *,
        threshold: float = THRESHOLD,
        num_perm: int = NUM_PERM,
        paragraphs: bool = True,
        containment: float = CONTAINMENT,
        threads: int | None = None,
        spill_dir: str | Path | None = None,
    ) -> None:
        self.threshold = threshold
        self.num_perm = num_perm
        self.paragraphs = paragraphs
        self.containment = containment
        #: threads of :meth:`result`'s array work (the clusters do not depend on it)
        self.threads = default_threads() if threads is None else max(1, int(threads))
        self.seconds_adding = 0.0
        self._doc_ids: list[str] = []
        self._published: list[str | None] = []
        self._char_counts: list[np.ndarray] = []
        self._key_hashes: list[np.ndarray] = []
        self._key_lengths: list[np.ndarray] = []
        self._sig_blocks: list[np.ndarray] = []
        self._first_with_hash: dict[int, int] = {}
        self._copies: list[tuple[np.ndarray, np.ndarray]] = []
        self._store = ShingleStore(spill_dir)
        self._para = ParagraphCounter()
        self._seen: set[str] = set()

    def __len__(self) -> int:
        return len(self._doc_ids)

    def add(self, batch: FeatureBatch) -> None:
        """Add the next documents' features (``batch.signatures`` must have ``num_perm`` columns)."""
        started = time.perf_counter()
        n = len(batch)
        if n == 0:
            return
        if batch.signatures.shape != (n, self.num_perm):
            raise ValueError(f"signatures of shape {batch.signatures.shape}, expected ({n}, {self.num_perm})")
        offset = len(self._doc_ids)
        for doc_id in batch.doc_ids:
            if doc_id in self._seen:
                raise ValueError(f"duplicate doc_id in dedup input: {doc_id}")
            self._seen.add(doc_id)
        firsts = np.fromiter(
            (self._first_with_hash.setdefault(h, offset + i) if h else offset + i
             for i, h in enumerate(batch.key_hashes.tolist())),
            dtype=np.int64, count=n,
        )
        rows = np.arange(offset, offset + n, dtype=np.int64)
        is_copy = firsts != rows
        stored, shingles = batch.stored, batch.shingles
        if is_copy.any():
            self._copies.append((rows[is_copy], firsts[is_copy]))
            # a copy's shingles are its first copy's: keep them once
            drop = stored & is_copy
            if drop.any():
                keep_values = np.repeat(~drop[stored], batch.set_sizes[stored])
                stored, shingles = stored & ~is_copy, shingles[keep_values]
        self._doc_ids.extend(batch.doc_ids)
        self._published.extend(batch.published)
        self._char_counts.append(batch.char_counts)
        self._key_hashes.append(batch.key_hashes)
        self._key_lengths.append(batch.key_lengths)
        self._sig_blocks.append(np.ascontiguousarray(batch.signatures, dtype=np.uint32))
        self._store.add_sets(batch.set_sizes, stored, shingles)
        self._para.add_rows(np.repeat(rows, batch.para_counts), batch.para_hashes, batch.para_lengths)
        self.seconds_adding += time.perf_counter() - started

    def result(self) -> DedupResult:
        """Cluster everything added (the index is emptied)."""
        started = time.perf_counter()
        threshold, containment, num_perm = self.threshold, self.containment, self.num_perm
        doc_ids, published = self._doc_ids, self._published
        n = len(doc_ids)

        def joined(parts: list[np.ndarray], dtype: type) -> np.ndarray:
            return np.concatenate(parts) if parts else np.empty(0, dtype=dtype)

        sig = np.concatenate(self._sig_blocks) if self._sig_blocks else np.empty((0, num_perm), dtype=np.uint32)
        char_counts = joined(self._char_counts, np.int64)
        hashes_arr = joined(self._key_hashes, np.uint64)
        lengths = joined(self._key_lengths, np.int64)
        store, para_counter = self._store, self._para
        copies = self._copies
        self._sig_blocks, self._char_counts, self._key_hashes, self._key_lengths = [], [], [], []
        self._first_with_hash, self._seen, self._copies = {}, set(), []
        if copies:
            copy_rows, firsts = (np.concatenate(parts) for parts in zip(*copies))
            sig[copy_rows] = sig[firsts]
            store.alias(copy_rows, firsts)
        order = canonical_order(doc_ids, published, char_counts)
        rank = np.empty(n, dtype=np.int64)
        rank[order] = np.arange(n)
        active = hashes_arr != 0
        floor = min(threshold, SYNDICATION_MIN_JACCARD) if containment > 0 else threshold
        banding = min(round(threshold - CANDIDATE_MARGIN, 6), floor)
        bands, rows = lsh_params(max(banding, 0.05), num_perm)
        candidates = candidate_pairs(sig, rank, active, bands, rows, self.threads)
        frozen = store.freeze()
        jac, contain, exact_checked = similarities(sig, frozen, candidates, floor, self.threads)
        near = jac >= threshold
        if containment > 0:
            near |= syndicated(candidates, jac, contain, frozen.sizes, lengths, para_counter, containment)
        same = equal_key_pairs(hashes_arr, rank, active)
        edges = np.concatenate((candidates[near], same))
        canon = linkage_clusters(n, edges, order)
        sizes = np.bincount(canon, minlength=n)[canon] if n else np.empty(0, dtype=np.int64)
        ratios = para_counter.repeated_ratio(n) if self.paragraphs else np.zeros(n)
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
            "seconds_adding": round(self.seconds_adding, 3),
            "seconds_clustering": round(time.perf_counter() - started, 3),
        }
        self._doc_ids, self._published = [], []
        self._store, self._para = ShingleStore(store.spill_dir, store.memory_limit), ParagraphCounter()
        return DedupResult(out, stats, pairs)


class Deduplicator:
    """The dedup configuration, recorded in the run manifest through :meth:`get_params`.

    Two documents are linked when their compared texts (:func:`~pipeline.dedup.textkey.document_key`)
    are equal, when the Jaccard similarity of their character ``ngram`` sets reaches
    ``threshold``, or (unless ``containment`` is 0) when one is a syndicated copy of the other
    (:func:`~pipeline.dedup.verify.syndicated`); clusters: :class:`DedupIndex`.
    """

    def __init__(
        self,
        threshold: float = THRESHOLD,
        ngram: int = NGRAM,
        num_perm: int = NUM_PERM,
        paragraphs: bool = True,
        min_paragraph_chars: int = MIN_PARAGRAPH_CHARS,
        to_simplified: bool = True,
        seed: int = 1,
        containment: float = CONTAINMENT,
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

    def get_params(self) -> dict[str, Any]:
        """The constructor's keyword arguments."""
        names = [p for p in inspect.signature(type(self).__init__).parameters if p != "self"]
        return {p: getattr(self, p) for p in names}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"Deduplicator({args})"

    def index(self, spill_dir: str | Path | None = None) -> DedupIndex:
        """An empty :class:`DedupIndex` with this configuration's clustering settings (its
        shingle sets spilled to ``spill_dir`` when they outgrow memory)."""
        return DedupIndex(threshold=self.threshold, num_perm=self.num_perm, paragraphs=self.paragraphs,
                          containment=self.containment, spill_dir=spill_dir)

    def featurized(self, records: Iterable[DedupInput], batch_size: int = TEXT_BATCH) -> Iterator[FeatureBatch]:
        """The features of ``records`` (:func:`~pipeline.dedup.features.featurize`), in batches
        of ``batch_size`` documents, for an index of this configuration."""
        params = self.feature_params()
        batch: list[DedupInput] = []
        for record in records:
            batch.append(record)
            if len(batch) >= batch_size:
                yield featurize(batch, **params)
                batch = []
        if batch:
            yield featurize(batch, **params)

    def feature_params(self) -> dict[str, Any]:
        """The parameters :func:`~pipeline.dedup.features.featurize` takes from this configuration."""
        params = self.get_params()
        return {name: params[name] for name in FEATURE_PARAMS}
