"""Tuning values of the executors, each with the reason for its value."""

#: Tasks in flight per worker thread: one running, one queued, so a worker never idles while
#: the driver holds few task results and the scheduler few tasks.
IN_FLIGHT_PER_THREAD = 2
#: CPU cost of an input byte relative to a JSONL/text byte, for scheduling the largest tasks
#: first: a saved page is mostly markup, about a tenth of its bytes is text.
COST_PER_BYTE = {"html": 0.1, "warc": 0.1}
#: Seconds between a worker's checks that its driver is alive (where the kernel cannot be asked
#: to kill it with its parent): a dead run's workers stop within this, at the cost of a wake-up.
PARENT_POLL_SECONDS = 1.0
