"""Tuning values of the executors, each with the reason for its value."""

#: Tasks in flight per worker thread: one running, one queued, so a worker never idles while
#: the driver holds few task results and the scheduler few tasks.
IN_FLIGHT_PER_THREAD = 2
#: Expected work (input bytes weighted by kind) per worker started by default: about ten
#: seconds of one worker's time, which repays a worker's ~2 s start-up and its share of merging.
WORKER_MIN_COST = 12 << 20
#: Seconds between a worker's checks that its driver is alive (where the kernel cannot be asked
#: to kill it with its parent): a dead run's workers stop within this, at the cost of a wake-up.
PARENT_POLL_SECONDS = 1.0
