"""From signatures to clusters: LSH banding, candidate verification, components, canonical copy.

Everything here is a function of the set of documents, never of their arrival order: rows are
ranked by the canonical order (earliest published, longest, smallest doc_id), candidate pairs and
clusters are derived from signatures and that rank only.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np
from scipy.sparse import csr_matrix

from pipeline.dedup.minhash import _fmix64, estimate_jaccard

_U64 = np.uint64
# Neighbours (in doc_id order) paired inside one LSH bucket; larger buckets are also joined
# to their first member, so a bucket of k copies costs O(k * window) pairs, not O(k**2).
BUCKET_WINDOW = 16
_VERIFY_CHUNK = 1 << 18
#: A row may join a cluster through a member at this depth (1: two hops from the center).
ATTACH_DEPTH = 1


#: Probability that a pair at exactly the threshold becomes a candidate.  Candidates are
#: verified on the full signature afterwards, so banding is tuned for recall, not precision.
CANDIDATE_RECALL = 0.99


@functools.lru_cache(maxsize=32)
def lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows per band): the most selective banding that still makes a pair at
    ``threshold`` a candidate with probability >= :data:`CANDIDATE_RECALL`.

    (datasketch's ``MinHashLSH`` balances false positives and negatives instead: at 0.8 and 128
    permutations it finds only 40 % of the pairs at exactly 0.8.)
    """
    for rows in range(num_perm, 0, -1):
        bands = num_perm // rows
        if 1.0 - (1.0 - threshold**rows) ** bands >= CANDIDATE_RECALL:
            return bands, rows
    return num_perm, 1


def band_keys(sig: np.ndarray, band: int, rows: int) -> np.ndarray:
    """64-bit hash of the ``band``-th slice of ``rows`` columns of each signature."""
    block = sig[:, band * rows : (band + 1) * rows].astype(_U64)
    with np.errstate(over="ignore"):
        h = np.full(len(sig), _U64(band + 1) * _U64(0x9E3779B97F4A7C15), dtype=_U64)
        for col in range(block.shape[1]):
            h = _fmix64(h ^ block[:, col])
    return h


def bucket_pairs(keys: np.ndarray, rank: np.ndarray, window: int = BUCKET_WINDOW) -> np.ndarray:
    """Candidate pairs (m x 2 row indices, lower ``rank`` first) of rows sharing a key."""
    order = np.lexsort((rank, keys))
    sk = keys[order]
    out = []
    for d in range(1, min(window, len(order) - 1) + 1):
        hit = np.flatnonzero(sk[:-d] == sk[d:])
        if len(hit) == 0:
            break  # no bucket has more than d members
        out.append(np.stack((order[hit], order[hit + d]), axis=1))
    if out and len(out) == window:  # buckets larger than the window: star to the first member
        pos = np.arange(len(sk))
        start = np.concatenate(([True], sk[1:] != sk[:-1]))
        first = np.maximum.accumulate(np.where(start, pos, 0))
        far = np.flatnonzero(pos - first > window)
        out.append(np.stack((order[first[far]], order[far]), axis=1))
    if not out:
        return np.empty((0, 2), dtype=np.int64)
    return np.concatenate(out).astype(np.int64)


def candidate_pairs(sig: np.ndarray, rank: np.ndarray, active: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """Unique candidate pairs over all bands, among the rows where ``active`` is true."""
    idx = np.flatnonzero(active)
    n = np.int64(len(sig))
    codes = np.empty(0, dtype=np.int64)
    for band in range(bands):
        pairs = bucket_pairs(band_keys(sig[idx], band, rows), rank[idx])
        if len(pairs):
            a, b = idx[pairs[:, 0]], idx[pairs[:, 1]]
            codes = np.union1d(codes, np.minimum(a, b) * n + np.maximum(a, b))
    return np.stack((codes // n, codes % n), axis=1)


def verify_pairs(sig: np.ndarray, pairs: np.ndarray, threshold: float) -> np.ndarray:
    """The pairs whose estimated Jaccard similarity reaches ``threshold``."""
    keep = np.zeros(len(pairs), dtype=bool)
    for start in range(0, len(pairs), _VERIFY_CHUNK):
        chunk = pairs[start : start + _VERIFY_CHUNK]
        keep[start : start + len(chunk)] = estimate_jaccard(sig[chunk[:, 0]], sig[chunk[:, 1]]) >= threshold
    return pairs[keep]


def equal_key_pairs(hashes: np.ndarray, rank: np.ndarray, active: np.ndarray) -> np.ndarray:
    """Pairs linking each row to the lowest-``rank`` row with the same exact-text hash."""
    idx = np.flatnonzero(active)
    order = idx[np.lexsort((rank[idx], hashes[idx]))]
    sh = hashes[order]
    pos = np.arange(len(order))
    start = np.concatenate(([True], sh[1:] != sh[:-1])) if len(order) else np.empty(0, dtype=bool)
    first = np.maximum.accumulate(np.where(start, pos, 0)) if len(order) else pos
    dup = np.flatnonzero(~start)
    return np.stack((order[first[dup]], order[dup]), axis=1).astype(np.int64)


def canonical_order(doc_ids: Sequence[str], published: Sequence[str | None], char_counts: Sequence[int]) -> np.ndarray:
    """Row indices from most to least canonical: earliest published, then longest, then doc_id.

    Undated rows come after dated ones; dates compare as ISO-8601 strings.
    """
    def key(i: int) -> tuple[bool, str, int, str]:
        pub = published[i]
        return (pub is None, pub or "", -char_counts[i], doc_ids[i])

    return np.array(sorted(range(len(doc_ids)), key=key), dtype=np.int64)


def star_clusters(n: int, edges: np.ndarray, order: np.ndarray) -> np.ndarray:
    """For each row, the row index of its cluster's center (canonical member).

    Rows are visited from most to least canonical (``order``).  An unassigned row with an edge to
    a center or to a center's direct duplicate joins that (most canonical such) cluster; otherwise
    it becomes a center and takes every still unassigned row it has an edge to.  So each member
    is at most two hops from its canonical copy (syndicated copies with different footers, each
    close to the clean copy, stay together) while chains of reposts (A~B~C~D...) do not merge
    dissimilar ends, as connected components would.  Depends only on the edges and the order.
    """
    center = np.arange(n, dtype=np.int64)
    if len(edges) == 0:
        return center
    sym = (np.r_[edges[:, 0], edges[:, 1]], np.r_[edges[:, 1], edges[:, 0]])
    graph = csr_matrix((np.ones(len(sym[0]), dtype=np.int8), sym), shape=(n, n))
    indptr, indices = graph.indptr, graph.indices
    pos = np.empty(n, dtype=np.int64)
    pos[order] = np.arange(n)
    depth = np.full(n, -1, dtype=np.int8)  # -1 unassigned, 0 center, 1 direct, 2 attached
    linked = np.diff(indptr) > 0
    for row in order[linked[order]].tolist():
        if depth[row] >= 0:
            continue
        nbrs = indices[indptr[row] : indptr[row + 1]]
        near = nbrs[(depth[nbrs] == 0) | (depth[nbrs] == ATTACH_DEPTH)]
        if len(near):
            center[row] = center[near[np.argmin(pos[near])]]
            depth[row] = 2
            continue
        depth[row] = 0
        free = nbrs[depth[nbrs] < 0]
        center[free] = row
        depth[free] = 1
    return center
