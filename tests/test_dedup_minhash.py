"""The vectorized signatures against datasketch itself, and the LSH banding helpers."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from datasketch import MinHash
from test_dedup_stories import FLOOD_RELIEF, NURSE_PAY, RURAL_DOCTORS

from pipeline.dedup.clusters import bucket_pairs, lsh_params
from pipeline.dedup.minhash import estimate_jaccard, permutations, shingle_hashes, signatures
from pipeline.dedup.textkey import dedup_key


@pytest.mark.parametrize("num_perm,seed", [(128, 1), (64, 7)])
def test_signatures_equal_datasketch_minhash(num_perm: int, seed: int) -> None:
    texts = ["".join(NURSE_PAY), "".join(RURAL_DOCTORS), "医", ""]
    hash_sets = [shingle_hashes(dedup_key(t), 5) for t in texts]
    ours = signatures(hash_sets, num_perm, seed)
    for hs, row in zip(hash_sets, ours):
        ref = MinHash(num_perm=num_perm, seed=seed, scheme="affine32", hashfunc=int)
        ref.update_batch(hs.tolist())
        assert np.array_equal(ref.hashvalues, row)


@pytest.mark.parametrize("num_perm,seed", [(128, 1), (64, 7), (256, 42), (1, 0), (500, 2**31)])
def test_permutations_are_datasketchs(num_perm: int, seed: int) -> None:
    a, b = permutations(num_perm, seed)
    ref_a, ref_b = MinHash(num_perm=num_perm, seed=seed, scheme="affine32").permutations
    assert a.dtype == b.dtype == np.uint32
    assert np.array_equal(a, ref_a) and np.array_equal(b, ref_b)


def test_signatures_do_not_import_datasketch() -> None:
    """Importing datasketch pulls in much of scipy and asyncio: a cost every worker would pay."""
    code = ("import sys; from pipeline.dedup.minhash import permutations, shingle_hashes, signatures; "
            "signatures([shingle_hashes('护士夜班津贴', 5)], 128); print('datasketch' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_shingles_are_character_ngrams() -> None:
    key = dedup_key("护士夜班津贴，护士夜班")  # "护士夜班" occurs twice -> a repeated 3-gram set
    hashes = shingle_hashes(key, 3)
    grams = {key[i : i + 3] for i in range(len(key) - 2)}
    assert len(hashes) == len(key) - 2
    assert len(set(hashes.tolist())) == len(grams)
    assert len(shingle_hashes("医护", 5)) == 1  # shorter than n: the whole text is one shingle
    assert len(shingle_hashes("", 5)) == 0


def test_estimate_tracks_exact_jaccard() -> None:
    base = dedup_key("".join(NURSE_PAY + FLOOD_RELIEF))
    variants = [base[: len(base) * k // 10] + dedup_key("".join(RURAL_DOCTORS))[: len(base) * (10 - k) // 10] for k in range(3, 10)]
    sets = [set(shingle_hashes(t, 5).tolist()) for t in [base, *variants]]
    sig = signatures([shingle_hashes(t, 5) for t in [base, *variants]], 256)
    for i, s in enumerate(sets[1:], start=1):
        exact = len(sets[0] & s) / len(sets[0] | s)
        assert abs(estimate_jaccard(sig[0], sig[i]) - exact) < 0.1


def test_lsh_params_make_threshold_pairs_candidates() -> None:
    for threshold, num_perm in [(0.8, 128), (0.9, 256), (0.5, 64)]:
        bands, rows = lsh_params(threshold, num_perm)
        assert bands * rows <= num_perm
        assert 1 - (1 - threshold**rows) ** bands >= 0.99


def test_bucket_pairs_cover_small_buckets_and_connect_large_ones() -> None:
    keys = np.array([5, 9, 5, 5, 7] + [3] * 40, dtype=np.uint64)
    rank = np.arange(len(keys))[::-1].copy()
    pairs = {tuple(sorted(p)) for p in bucket_pairs(keys, rank).tolist()}
    assert {(0, 2), (0, 3), (2, 3)} <= pairs
    assert not any(1 in p or 4 in p for p in pairs)
    # the bucket of 40 is connected through the pairs generated for it
    parent = list(range(len(keys)))

    def find(x: int) -> int:
        while parent[x] != x:
            x = parent[x]
        return x

    for a, b in pairs:
        parent[find(a)] = find(b)
    assert len({find(i) for i in range(5, 45)}) == 1
    assert len(pairs) < 40 * 39 // 2
