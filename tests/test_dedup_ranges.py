"""Vectorized range gathering and the dedup verifications built on it, against plain Python."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from pipeline.dedup import ranges, verify
from pipeline.dedup.paragraphs import ParagraphCounter
from pipeline.dedup.verify import ShingleStore


def test_expand_lists_each_range_in_order() -> None:
    starts, stops = np.array([3, 0, 5, 7]), np.array([6, 0, 6, 9])
    owner, index = ranges.expand(starts, stops)
    assert owner.tolist() == [0, 0, 0, 2, 3, 3]
    assert index.tolist() == [3, 4, 5, 5, 7, 8]
    owner, index = ranges.expand(np.array([], dtype=np.int64), np.array([], dtype=np.int64))
    assert owner.tolist() == [] and index.tolist() == []


def test_chunks_cover_every_range_once_within_the_limit() -> None:
    sizes = np.array([5, 0, 3, 9, 1, 1, 20, 2])
    parts = list(ranges.chunks(sizes, limit=6))
    assert [p.start for p in parts][0] == 0 and parts[-1].stop == len(sizes)
    assert all(a.stop == b.start for a, b in zip(parts, parts[1:]))
    for part in parts:  # within the limit, unless a single range is larger
        assert sizes[part].sum() <= 6 or part.stop - part.start == 1
    assert list(ranges.chunks(np.array([], dtype=np.int64))) == []


@pytest.fixture(params=[None, 7], ids=["one-chunk", "tiny-chunks"])
def chunk_limit(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    if request.param is not None:
        monkeypatch.setattr(ranges, "CHUNK_ELEMENTS", request.param)


def test_shared_paragraph_characters_match_python_sets(chunk_limit: None) -> None:
    rng = random.Random(7)
    pool = ["段落" + str(i) * rng.randint(1, 9) for i in range(30)]
    docs = [[rng.choice(pool) for _ in range(rng.randint(0, 8))] for _ in range(60)]
    counter = ParagraphCounter()
    for row, paragraphs in enumerate(docs):
        counter.add(row, paragraphs)
    pairs = np.array([(rng.randrange(60), rng.randrange(60)) for _ in range(400)])
    expected = [sum(len(p) for p in set(docs[a]) & set(docs[b])) for a, b in pairs.tolist()]
    assert counter.shared_chars(pairs).tolist() == expected


@pytest.mark.parametrize("threads", [1, 3])
@pytest.mark.parametrize("memory_limit", [None, 100], ids=["in-memory", "spilled"])
def test_exact_intersections_match_python_sets(chunk_limit: None, threads: int, memory_limit: int | None,
                                               monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # chunks of a few dozen shingles: with threads, several chunks run at once
    monkeypatch.setattr(verify, "MIN_CHUNK_ELEMENTS", 50)
    rng = np.random.default_rng(3)
    sets = [rng.integers(0, 300, size=int(rng.integers(0, 80)), dtype=np.uint32) for _ in range(50)]
    store = ShingleStore() if memory_limit is None else ShingleStore(tmp_path, memory_limit)
    for start in range(0, 50, 10):  # batches: the spilled store writes some, keeps the rest
        store.add_batch(sets[start : start + 10])
    frozen = store.freeze()
    assert (frozen.spill is None) == (memory_limit is None)
    assert isinstance(frozen.flat, np.memmap) == (memory_limit is not None)
    assert list(tmp_path.iterdir()) == []  # the spill file has no name
    stored = [i for i in range(50) if frozen.slot[i] >= 0]
    pairs = np.array([(a, b) for a in stored for b in stored[::3]])
    expected = [len(set(sets[a].tolist()) & set(sets[b].tolist())) for a, b in pairs.tolist()]
    assert frozen.intersections(pairs, threads=threads).tolist() == expected


def test_exact_copies_intersect_in_their_whole_shared_set() -> None:
    # rows 3 and 4 were added without shingles and share those of rows 0 and 1 (exact copies):
    # a pair of a copy and its original, or of two copies of one row, intersects in the whole set
    rng = np.random.default_rng(5)
    sets = [np.unique(rng.integers(0, 500, size=int(rng.integers(20, 90)), dtype=np.uint32)) for _ in range(3)]
    store = ShingleStore()
    sizes, stored, flat = verify.distinct_sets(sets)
    store.add_sets(np.concatenate((sizes, [0, 0])), np.concatenate((stored, [False, False])), flat)
    store.alias(np.array([3, 4]), np.array([0, 1]))
    frozen = store.freeze()
    full = [*sets, sets[0], sets[1]]
    pairs = np.array([(0, 3), (3, 0), (1, 4), (3, 4), (0, 0), (2, 3), (4, 2), (0, 1)])
    expected = [len(set(full[a].tolist()) & set(full[b].tolist())) for a, b in pairs.tolist()]
    assert frozen.intersections(pairs).tolist() == expected
    assert frozen.intersections(pairs[:4], threads=2).tolist() == expected[:4]


def _reference_linkage(n: int, edges: list[tuple[int, int]], order: list[int]) -> list[int]:
    """The docstring's rule, written plainly: visit rows in order, join the densest qualifying cluster."""
    links = {i: set() for i in range(n)}
    for a, b in edges:
        links[a].add(b)
        links[b].add(a)
    members: dict[int, list[int]] = {}
    center = list(range(n))
    for row in order:
        options = []
        for c, group in members.items():
            count = sum(1 for m in group if m in links[row])
            if count and 2 * count >= len(group):
                options.append((-count / len(group), order.index(c), c))
        if options:
            center[row] = min(options)[2]
            members[center[row]].append(row)
        else:
            members[row] = [row]
    return center


def test_linkage_matches_the_plain_rule_on_random_graphs() -> None:
    from pipeline.dedup.clusters import linkage_clusters

    rng = random.Random(11)
    for _ in range(40):
        n = rng.randint(1, 14)
        edges = sorted({tuple(sorted(rng.sample(range(n), 2))) for _ in range(rng.randint(0, 2 * n))} if n > 1 else set())
        order = list(range(n))
        rng.shuffle(order)
        got = linkage_clusters(n, np.array(edges, dtype=np.int64).reshape(-1, 2), np.array(order))
        assert got.tolist() == _reference_linkage(n, edges, order)
