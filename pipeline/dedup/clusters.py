"""From signatures to clusters: LSH banding, exact-text pairs, canonical order, linkage clustering.

Everything here is a function of the set of documents, never of their arrival order: rows are
ranked by the canonical order (earliest published, longest, smallest doc_id), candidate pairs and
clusters are derived from signatures and that rank only.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np

from pipeline.dedup.minhash import _fmix64
from pipeline.dedup.settings import BUCKET_WINDOW, CANDIDATE_RECALL
from pipeline.dedup.threads import thread_map

_U64 = np.uint64


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


def candidate_pairs(
    sig: np.ndarray, rank: np.ndarray, active: np.ndarray, bands: int, rows: int, threads: int = 1
) -> np.ndarray:
    """Unique candidate pairs over all bands, among the rows where ``active`` is true (the
    bands hashed and bucketed by up to ``threads`` threads; the result does not depend on it)."""
    idx = np.flatnonzero(active)
    n = np.int64(len(sig))
    active_sig, active_rank = sig[idx], rank[idx]

    def band_codes(band: int) -> np.ndarray:
        pairs = bucket_pairs(band_keys(active_sig, band, rows), active_rank)
        a, b = idx[pairs[:, 0]], idx[pairs[:, 1]]
        return np.minimum(a, b) * n + np.maximum(a, b)

    codes = np.concatenate([np.empty(0, dtype=np.int64), *thread_map(band_codes, range(bands), threads)])
    codes.sort()
    if len(codes):
        codes = codes[np.concatenate(([True], codes[1:] != codes[:-1]))]
    return np.stack((codes // n, codes % n), axis=1)


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


def canonical_order(doc_ids: Sequence[str], published: Sequence[str | None],
                    char_counts: Sequence[int] | np.ndarray) -> np.ndarray:
    """Row indices from most to least canonical: earliest published, then longest, then doc_id.

    Undated rows come after dated ones; dates compare as ISO-8601 strings.
    """
    def key(i: int) -> tuple[bool, str, int, str]:
        pub = published[i]
        return (pub is None, pub or "", -char_counts[i], doc_ids[i])

    return np.array(sorted(range(len(doc_ids)), key=key), dtype=np.int64)


def linkage_clusters(n: int, edges: np.ndarray, order: np.ndarray) -> np.ndarray:
    """For each row, the row index of its cluster's center (canonical member).

    Rows are visited from most to least canonical (``order``).  A row joins the existing
    cluster it is linked to most densely (ties: the most canonical center) when it is linked to
    at least half of that cluster's current members, the center counting as one of them
    (average-linkage style); otherwise it founds a cluster.  Every member thus resembles most
    of the copies that were there before it, so a chain of reposts A~B~C~D, or a clique of
    posts that each resemble one central post but not each other, is not merged into one
    cluster, as connected components or a star around the center would.  Depends only on the
    edges and the order.
    """
    if len(edges) == 0:
        return np.arange(n, dtype=np.int64)
    sym = (np.r_[edges[:, 0], edges[:, 1]], np.r_[edges[:, 1], edges[:, 0]])
    from scipy.sparse import csr_matrix

    graph = csr_matrix((np.ones(len(sym[0]), dtype=np.int8), sym), shape=(n, n))
    # a sequential pass over Python lists: most rows have a few links, where numpy's per-call
    # cost would dominate (the work is linear in the number of links)
    indptr, indices = graph.indptr.tolist(), graph.indices.tolist()
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    pos = rank.tolist()
    center = list(range(n))
    size = [1] * n
    assigned = [False] * n
    linked = np.diff(graph.indptr) > 0
    for row in order[linked[order]].tolist():
        links: dict[int, int] = {}
        for other in indices[indptr[row] : indptr[row + 1]]:
            if assigned[other]:
                c = center[other]
                links[c] = links.get(c, 0) + 1
        assigned[row] = True
        best, best_key = -1, (0.0, 0)
        for c, count in links.items():
            if 2 * count >= size[c]:
                key = (-count / size[c], pos[c])  # most densely linked, then most canonical
                if best < 0 or key < best_key:
                    best, best_key = c, key
        if best >= 0:
            center[row] = best
            size[best] += 1
    return np.array(center, dtype=np.int64)
