"""Vectorized MinHash signatures over character n-grams, bit-compatible with datasketch.

datasketch's ``MinHash.update_batch`` hashes every value in Python; for a million documents that
is the bottleneck.  Here the n-gram hashes of a whole batch of documents are computed with numpy
from the code points, then datasketch's default permutation scheme (``affine32``: a MurmurHash3
finalizer, then ``a_k * h + b_k mod 2**32`` with datasketch's own ``(a, b)``) is applied to the
batch at once.  The result equals ``datasketch.MinHash(num_perm, seed, scheme="affine32",
hashfunc=int).update_batch(shingle_hashes(text, n))`` value for value, so the signatures can be
wrapped in ``datasketch.LeanMinHash`` and fed to ``MinHashLSH`` when wanted.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np

from pipeline.dedup.settings import MINHASH_BLOCK

_U32 = np.uint32
_U64 = np.uint64
_MAX32 = np.uint32(0xFFFFFFFF)
# Odd 64-bit multiplier for the polynomial over code points (golden-ratio constant).
_POLY = np.uint64(0x9E3779B97F4A7C15)


def _fmix64(h: np.ndarray) -> np.ndarray:
    h = h ^ (h >> _U64(33))
    h = h * _U64(0xFF51AFD7ED558CCD)
    h = h ^ (h >> _U64(33))
    h = h * _U64(0xC4CEB9FE1A85EC53)
    return h ^ (h >> _U64(33))


def _fmix32(h: np.ndarray) -> np.ndarray:
    h = h ^ (h >> _U32(16))
    h = h * _U32(0x85EBCA6B)
    h = h ^ (h >> _U32(13))
    h = h * _U32(0xC2B2AE35)
    return h ^ (h >> _U32(16))


def shingle_hashes(key: str, n: int) -> np.ndarray:
    """32-bit hashes (uint32) of the character ``n``-grams of ``key``; one hash if it is shorter.

    Empty ``key`` gives an empty array.
    """
    if not key:
        return np.empty(0, dtype=_U32)
    cp = np.frombuffer(key.encode("utf-32-le"), dtype="<u4").astype(_U64)
    if len(cp) < n:
        n = len(cp)
    width = len(cp) - n + 1
    with np.errstate(over="ignore"):
        h = cp[:width].copy()
        for k in range(1, n):
            h = h * _POLY + cp[k : k + width]
        h = _fmix64(h + _U64(n))
    return (h >> _U64(32)).astype(_U32)


@functools.lru_cache(maxsize=8)
def permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's ``(a, b)`` permutation parameters (uint32) for ``num_perm`` and ``seed``.

    Drawn as ``datasketch.MinHash(num_perm, seed, scheme="affine32")`` draws them (odd ``a``,
    then ``b``, from one ``RandomState(seed)``), without importing datasketch: its package
    imports scipy's optimize, integrate, linalg and spatial modules and asyncio, about 0.2
    CPU-s that every worker process would pay on its first task.
    """
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=_U32) * _U32(2) + _U32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=_U32)
    return a, b


def signatures(hash_sets: Sequence[np.ndarray], num_perm: int, seed: int = 1) -> np.ndarray:
    """MinHash signatures (``len(hash_sets)`` x ``num_perm``, uint32) of the given shingle-hash sets.

    A document without shingles gets the all-``0xFFFFFFFF`` signature (datasketch's empty MinHash).
    """
    a, b = permutations(num_perm, seed)
    out = np.full((len(hash_sets), num_perm), _MAX32, dtype=_U32)
    sizes = np.fromiter((len(h) for h in hash_sets), dtype=np.int64, count=len(hash_sets))
    nonempty = np.flatnonzero(sizes)
    if len(nonempty) == 0:
        return out
    flat = np.concatenate([hash_sets[i] for i in nonempty.tolist()])
    owner = np.repeat(nonempty, sizes[nonempty])
    buffer = np.empty((min(MINHASH_BLOCK, len(flat)), num_perm), dtype=_U32)  # reused: no page faults per block
    with np.errstate(over="ignore"):
        mixed = _fmix32(flat)
        for start in range(0, len(flat), MINHASH_BLOCK):
            stop = min(start + MINHASH_BLOCK, len(flat))
            phv = buffer[: stop - start]
            np.multiply(mixed[start:stop, None], a[None, :], out=phv)
            np.add(phv, b[None, :], out=phv)
            rows = owner[start:stop]
            # rows is sorted: reduce each run of equal owners, then merge with what is there.
            cut = np.flatnonzero(np.diff(rows)) + 1
            starts = np.concatenate(([0], cut))
            mins = np.minimum.reduceat(phv, starts, axis=0)
            idx = rows[starts]
            out[idx] = np.minimum(out[idx], mins)
    return out


def estimate_jaccard(sig_a: np.ndarray, sig_b: np.ndarray) -> np.ndarray:
    """Row-wise share of equal MinHash values (the Jaccard estimate) of two signature matrices."""
    return np.count_nonzero(sig_a == sig_b, axis=-1) / sig_a.shape[-1]
