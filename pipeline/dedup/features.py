"""Per-document dedup features: everything clustering needs, computed where the text is.

:func:`featurize` turns a batch of :class:`DedupInput` into a :class:`FeatureBatch`: the
compared text's hash and length, the MinHash signature, the sorted distinct shingles (candidate
pairs are verified exactly on them) and their number, and the hash and
length of every eligible paragraph.  This is the costly part of deduplication (normalization,
n-gram hashing, signatures) and depends on one document only, so the pipeline's workers compute
it in their tasks and stage it (:func:`to_table` / :func:`from_table`); the driver's
:class:`~pipeline.dedup.core.DedupIndex` only gathers the features and clusters.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa

from pipeline.dedup.minhash import shingle_hashes, signatures
from pipeline.dedup.paragraphs import text_hash
from pipeline.dedup.textkey import dedup_key, line_keys
from pipeline.dedup.types import DedupInput
from pipeline.dedup.verify import distinct_sets

#: The dedup parameters the features depend on (the others only affect clustering).
FEATURE_PARAMS = ("ngram", "num_perm", "seed", "to_simplified", "min_paragraph_chars")
#: Name of the staged features beside each articles part (``dedup-NNNNN.arrow``).
FEATURES_PART = "dedup"
#: Schema metadata key holding the feature parameters of a staged file.
PARAMS_KEY = b"zhnews.dedup_features"

_EMPTY_U32 = np.empty(0, dtype=np.uint32)


@dataclass
class FeatureBatch:
    """Dedup features of consecutive documents (row ``i`` of every per-document array)."""

    doc_ids: list[str]
    published: list[str | None]  # comparable date keys (see :func:`date_key`)
    char_counts: np.ndarray  # int64
    key_hashes: np.ndarray  # uint64; 0 when the compared text is empty
    key_lengths: np.ndarray  # int64, characters of the compared text
    set_sizes: np.ndarray  # int64, distinct shingles
    signatures: np.ndarray  # (n, num_perm) uint32
    stored: np.ndarray  # bool: the row's distinct shingles are in ``shingles``
    shingles: np.ndarray  # uint32, sorted distinct shingles of the stored rows, in row order
    para_counts: np.ndarray  # int64, eligible paragraphs per row
    para_hashes: np.ndarray  # uint64, in row order
    para_lengths: np.ndarray  # int32

    def __len__(self) -> int:
        return len(self.doc_ids)


def date_key(value: str | None) -> str | None:
    """``published_at`` as a comparable ISO-like string (``/`` and ``.`` dates become ``-``)."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    return value.replace("/", "-").replace(".", "-", 2) if value[:4].isdigit() else value


def featurize(
    records: Iterable[DedupInput],
    *,
    ngram: int,
    num_perm: int,
    seed: int,
    to_simplified: bool,
    min_paragraph_chars: int,
) -> FeatureBatch:
    """The features of ``records`` (one batch: its temporaries are a few bytes per shingle).

    An exact copy of an earlier document of the batch (same compared text) reuses that
    document's signature and set size instead of hashing its text again; its shingles are not
    stored twice (the index aliases every copy to the first one it saw).
    """
    doc_ids: list[str] = []
    published: list[str | None] = []
    char_counts: list[int] = []
    key_hashes: list[int] = []
    key_lengths: list[int] = []
    hash_sets: list[np.ndarray] = []
    copy_of: list[int] = []  # row of the first copy in this batch, or -1
    para_counts: list[int] = []
    para_hashes: list[int] = []
    para_lengths: list[int] = []
    first_with_hash: dict[int, int] = {}
    for rec in records:
        row = len(doc_ids)
        doc_ids.append(rec.doc_id)
        published.append(date_key(rec.published_at))
        char_counts.append(int(rec.char_count or 0))
        # one normalization pass per line serves both the document key and the paragraph check
        keys = line_keys(rec.text or "", to_simplified=to_simplified)
        key = "".join(keys)
        key_hash = text_hash(key) if key else 0
        key_hashes.append(key_hash)
        key_lengths.append(len(key))
        first = first_with_hash.setdefault(key_hash, row) if key_hash else row
        copy_of.append(first if first != row else -1)
        hash_sets.append(shingle_hashes(key, ngram) if first == row else _EMPTY_U32)
        if rec.paragraphs is not None:
            keys = [dedup_key(p, to_simplified=to_simplified) for p in rec.paragraphs]
        eligible = [k for k in keys if len(k) >= min_paragraph_chars]
        para_counts.append(len(eligible))
        para_hashes.extend(text_hash(k) for k in eligible)
        para_lengths.extend(len(k) for k in eligible)

    sig = signatures(hash_sets, num_perm, seed)
    sizes, stored, flat = distinct_sets(hash_sets)
    copies = np.array(copy_of, dtype=np.int64)
    is_copy = copies >= 0
    if is_copy.any():
        sig[is_copy] = sig[copies[is_copy]]
        sizes[is_copy] = sizes[copies[is_copy]]
    return FeatureBatch(
        doc_ids=doc_ids,
        published=published,
        char_counts=np.array(char_counts, dtype=np.int64),
        key_hashes=np.array(key_hashes, dtype=np.uint64),
        key_lengths=np.array(key_lengths, dtype=np.int64),
        set_sizes=sizes,
        signatures=sig,
        stored=stored,
        shingles=flat,
        para_counts=np.array(para_counts, dtype=np.int64),
        para_hashes=np.array(para_hashes, dtype=np.uint64),
        para_lengths=np.array(para_lengths, dtype=np.int32),
    )


def _offsets(counts: np.ndarray) -> pa.Array:
    return pa.array(np.concatenate(([0], np.cumsum(counts))).astype(np.int32), type=pa.int32())


def to_table(batch: FeatureBatch, params: Mapping[str, Any]) -> pa.Table:
    """``batch`` as an Arrow table; ``params`` (what
    :meth:`~pipeline.dedup.core.Deduplicator.feature_params` gives) go in its metadata."""
    n = len(batch)
    num_perm = batch.signatures.shape[1] if batch.signatures.ndim == 2 else 0
    sig_bytes = np.ascontiguousarray(batch.signatures, dtype="<u4").tobytes()
    signature = pa.FixedSizeBinaryArray.from_buffers(
        pa.binary(4 * num_perm), n, [None, pa.py_buffer(sig_bytes)]
    )
    shingle_counts = np.where(batch.stored, batch.set_sizes, 0)
    shingles = pa.ListArray.from_arrays(_offsets(shingle_counts), pa.array(batch.shingles, type=pa.uint32()))
    para_offsets = _offsets(batch.para_counts)
    columns = {
        "doc_id": pa.array(batch.doc_ids, type=pa.string()),
        "published": pa.array(batch.published, type=pa.string()),
        "char_count": pa.array(batch.char_counts, type=pa.int64()),
        "key_hash": pa.array(batch.key_hashes, type=pa.uint64()),
        "key_length": pa.array(batch.key_lengths, type=pa.int64()),
        "set_size": pa.array(batch.set_sizes, type=pa.int64()),
        "stored": pa.array(batch.stored, type=pa.bool_()),
        "signature": signature,
        "shingles": shingles,
        "para_hash": pa.ListArray.from_arrays(para_offsets, pa.array(batch.para_hashes, type=pa.uint64())),
        "para_length": pa.ListArray.from_arrays(para_offsets, pa.array(batch.para_lengths, type=pa.int32())),
    }
    meta = {PARAMS_KEY: json.dumps(dict(params), sort_keys=True).encode()}
    return pa.table(columns).replace_schema_metadata(meta)


def table_params(schema: pa.Schema) -> dict[str, Any] | None:
    """The feature parameters a staged table was computed with (None if it records none)."""
    raw = (schema.metadata or {}).get(PARAMS_KEY)
    return json.loads(raw) if raw else None


def _list_values(column: pa.ChunkedArray | pa.Array, dtype: type) -> np.ndarray:
    array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    return array.flatten().to_numpy(zero_copy_only=False).astype(dtype, copy=False)


def from_table(table: pa.Table) -> FeatureBatch:
    """The :class:`FeatureBatch` a table written by :func:`to_table` holds."""
    n = table.num_rows
    sig_column = table.column("signature").combine_chunks()
    width = sig_column.type.byte_width // 4
    if n:
        sig_buffer = sig_column.buffers()[1]
        sig = np.frombuffer(sig_buffer, dtype="<u4", count=n * width, offset=sig_column.offset * width * 4)
    else:
        sig = np.empty(0, dtype="<u4")
    para = table.column("para_hash").combine_chunks()
    return FeatureBatch(
        doc_ids=table.column("doc_id").to_pylist(),
        published=table.column("published").to_pylist(),
        char_counts=table.column("char_count").to_numpy().astype(np.int64, copy=False),
        key_hashes=table.column("key_hash").to_numpy().astype(np.uint64, copy=False),
        key_lengths=table.column("key_length").to_numpy().astype(np.int64, copy=False),
        set_sizes=table.column("set_size").to_numpy().astype(np.int64, copy=False),
        signatures=sig.reshape(n, width).astype(np.uint32),
        stored=table.column("stored").to_numpy(zero_copy_only=False).astype(bool, copy=False),
        shingles=_list_values(table.column("shingles"), np.uint32),
        para_counts=para.value_lengths().to_numpy(zero_copy_only=False).astype(np.int64),
        para_hashes=_list_values(para, np.uint64),
        para_lengths=_list_values(table.column("para_length"), np.int32),
    )
