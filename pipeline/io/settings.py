"""Tuning values of the run folder's files, each with the reason for its value."""

#: Rows (and rejects) a task holds before writing a staging part: bounds a worker's memory
#: while keeping parts large enough that their per-file costs stay small.
STAGING_BATCH_DOCS = 2000
#: zstd level of the published Parquet files: most of the size gain of higher levels at a fraction of the time.
PARQUET_ZSTD_LEVEL = 3
#: Arrow's allocator in zhnews processes (``ARROW_DEFAULT_MEMORY_POOL``; one the user sets wins):
#: the C library's malloc.  Arrow's default, mimalloc, hands freed memory back to the kernel
#: within milliseconds and takes it back as huge pages the kernel must zero, 2 MB at a time, so
#: publishing, which allocates and frees a buffer per table and per column chunk, spent about a
#: third of its CPU in the kernel zeroing pages.
ARROW_MEMORY_POOL = "system"
#: Threads writing a build folder's files: encoding and fsync overlap; more only contend for the cores.
WRITER_THREADS = 4
#: Characters Excel keeps in one cell; longer texts are cut and marked.
XLSX_MAX_CELL_CHARS = 32767
#: Widest column of an xlsx sheet: long texts wrap past this rather than push other columns off screen.
XLSX_MAX_COLUMN_WIDTH = 60
#: Narrowest column of an xlsx sheet: short codes and numbers stay readable.
XLSX_MIN_COLUMN_WIDTH = 8
#: Seconds a starting run waits for workers of a dead run to stop writing into its folder: local
#: workers notice their driver's death within a second or two; one still writing after this
#: is on another machine and will not stop by itself.
ORPHAN_WAIT_SECONDS = 30.0
#: Seconds a run lock in an object store stays valid without renewal: a run on another machine
#: whose lock is older than this is taken to be dead (a store cannot tell, unlike flock).
LOCK_LEASE_SECONDS = 120.0
#: Seconds between renewals of a run lock in an object store: several renewals fit in a lease,
#: so a few failed requests do not lose the lock.
LOCK_RENEW_SECONDS = 20.0
