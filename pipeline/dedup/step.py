"""The ``dedup`` step: each staged articles part's dedup signatures, and the global dedup stage.

The costly half of deduplication depends on one document only (normalized-text hash, MinHash
signature, short documents' shingles, paragraph hashes: :func:`~pipeline.dedup.features.featurize`),
so every task computes it for the parts it staged and writes it beside them
(``dedup-NNNNN.arrow``).  The clustering needs the whole corpus: it is the step's
:meth:`~DedupStep.global_stage`, :class:`~pipeline.dedup.stage.GlobalDedup`, on the driver.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pipeline.dedup.core import Deduplicator
from pipeline.dedup.features import FEATURES_PART
from pipeline.io.atomic import write_staging_atomic
from pipeline.io.staging import StagedPart, part_path
from pipeline.steps.base import PARTS, StreamStep, TaskContext, record_columns

#: Key of the task timings holding the seconds spent computing signatures.
TIMING = "dedup_features"


class DedupStep(StreamStep):
    """Stages the dedup features of every articles part; clusters them all after the map.

    The settings are those of :class:`~pipeline.dedup.core.Deduplicator`.
    """

    name = "dedup"
    consumes = PARTS
    produces = PARTS
    columns = record_columns("dup_cluster_id", "dup_cluster_size", "is_canonical", "repeated_paragraph_ratio")

    def __init__(self, **params: Any) -> None:
        super().__init__()
        self.dedup = Deduplicator(**params)

    def get_params(self) -> dict[str, Any]:
        return self.dedup.get_params()

    def run(self, data: Iterator[StagedPart], context: TaskContext) -> Iterator[StagedPart]:
        from pipeline.dedup.features import featurize, to_table
        from pipeline.dedup.types import DedupInput

        params = self.dedup.feature_params()
        for part in data:
            started = time.perf_counter()
            records = (DedupInput(r["doc_id"], r["text"] or "", r["published_at_original"], r["char_count"] or 0)
                       for r in part.rows)
            table = to_table(featurize(records, **params), params)
            write_staging_atomic(table, part_path(part.directory, FEATURES_PART, part.index))
            context.timings[TIMING] = context.timings.get(TIMING, 0.0) + time.perf_counter() - started
            yield part

    def global_stage(self, output_dir: Path) -> Any:
        from pipeline.dedup.stage import GlobalDedup

        return GlobalDedup(output_dir, self.get_params())
