"""Global deduplication: exact, near-duplicate and syndicated-copy clusters, repeated paragraphs.

Use :func:`find_duplicates` (or :class:`Deduplicator`) over a stream of :class:`DedupInput`
covering the whole corpus; every document gets a cluster id, the cluster size and whether it is
the canonical copy.  Nothing is deleted.
"""

from pipeline.dedup.core import Deduplicator, find_duplicates
from pipeline.dedup.textkey import dedup_key
from pipeline.dedup.types import DedupInput, DedupResult, DupInfo, DupPairs

__all__ = ["DedupInput", "DedupResult", "Deduplicator", "DupInfo", "DupPairs", "dedup_key", "find_duplicates"]
