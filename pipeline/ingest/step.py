"""The ``read`` step: a task's input files as batches of documents (or rejects)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from pipeline.ingest.readers import iter_documents
from pipeline.ingest.settings import MAX_DECOMPRESSION_RATIO, MAX_INPUT_BYTES, READ_CHUNK
from pipeline.io.storage import open_input
from pipeline.record import Doc, Reject
from pipeline.steps.base import DOCS, NOTHING, StreamStep, TaskContext
from pipeline.steps.settings import STEP_BATCH

if TYPE_CHECKING:
    from pipeline.config import RunConfig


class ReadStep(StreamStep):
    """Every document of the task's files, in batches of ``batch_size`` (a batch never spans
    two files); each whole file (or first range of one) hashed into the task's input hashes."""

    name = "read"
    consumes = NOTHING
    produces = DOCS

    def __init__(self, max_input_bytes: int = MAX_INPUT_BYTES, max_decompression_ratio: int = MAX_DECOMPRESSION_RATIO,
                 batch_size: int = STEP_BATCH) -> None:
        super().__init__()
        self.max_input_bytes = max_input_bytes
        self.max_decompression_ratio = max_decompression_ratio
        self.batch_size = batch_size

    @classmethod
    def from_config(cls, config: RunConfig, section: Mapping[str, Any]) -> ReadStep:
        """Reading takes the run-level limits; its batches are no larger than a staging part."""
        return cls(max_input_bytes=config.max_input_bytes, max_decompression_ratio=config.max_decompression_ratio,
                   batch_size=max(1, min(STEP_BATCH, config.batch_docs)))

    def run(self, data: Iterator[Any], context: TaskContext) -> Iterator[list[Doc | Reject]]:
        for file in context.task.files:
            if file.start == 0:  # a file read in ranges is hashed once, by its first range's task
                try:
                    context.input_hashes[file.path] = file_sha1(file.path)
                except OSError:
                    context.input_hashes[file.path] = ""
            docs = iter_documents(file, self.max_input_bytes, self.max_decompression_ratio)
            yield from batched(docs, self.batch_size)


def file_sha1(path: str) -> str:
    """SHA-1 of a file's bytes, read in chunks."""
    digest = hashlib.sha1()
    with open_input(path) as handle:
        for chunk in iter(lambda: handle.read(READ_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def batched(items: Iterable[Doc | Reject], size: int) -> Iterator[list[Doc | Reject]]:
    """``items`` in lists of ``size`` (the last one shorter)."""
    batch: list[Doc | Reject] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
