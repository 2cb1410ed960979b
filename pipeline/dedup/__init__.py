"""Deduplication: exact, near-duplicate and syndicated-copy clusters, repeated paragraphs.

Every task stages its articles' dedup features (:class:`~pipeline.dedup.step.DedupStep`); after
the map, :class:`~pipeline.dedup.stage.GlobalDedup` gathers them into a
:class:`~pipeline.dedup.core.DedupIndex` and clusters the whole corpus: every document gets a
cluster id, the cluster size and whether it is the canonical copy, filled in when publishing
(:class:`~pipeline.dedup.stage.DedupColumns`).  Nothing is deleted.
"""

from pipeline.dedup.core import DedupIndex, Deduplicator
from pipeline.dedup.textkey import dedup_key
from pipeline.dedup.types import DedupInput, DedupResult, DupInfo, DupPairs

__all__ = ["DedupIndex", "DedupInput", "DedupResult", "Deduplicator", "DupInfo", "DupPairs", "dedup_key"]
