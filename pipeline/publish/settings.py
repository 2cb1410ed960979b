"""Tuning values of publishing, each with the reason for its value."""

#: Rows of one partition held back before they are written as one file: readers scan few,
#: large files fastest, and a file this size is still cheap to rewrite.
ROWS_PER_FILE = 100_000
#: Bytes of Arrow data held back over all partitions (past it the largest buffer is written):
#: every file costs a Parquet footer and a compression context per column, so fewer, larger
#: files are cheaper, while memory stays bounded whatever the size of the run.
MAX_BUFFER_BYTES = 64 << 20
#: Staged article bytes below which another publish job is not worth a process of its own.
MIN_JOB_BYTES = 16 << 20
#: Cores one publish job keeps busy (its own thread reads, fills and regroups the staged rows
#: while the writer threads encode), so a machine runs one job per this many cores.
CORES_PER_PUBLISH_JOB = 2
#: Threads reading the published files' small columns in an incremental run: reading a Parquet
#: file releases the GIL, and a dataset has a file or more per month, each a short read.
READ_THREADS = 4
