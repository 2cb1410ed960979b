"""Tuning values of the executors, each with the reason for its value."""

#: Tasks in flight per worker thread: one running, one queued, so a worker never idles while
#: the driver holds few task results and the scheduler few tasks.
IN_FLIGHT_PER_THREAD = 2
#: Expected work (input bytes weighted by kind) per worker started by default: about ten
#: seconds of one worker's time, which repays a worker's ~2 s start-up and its share of merging.
WORKER_MIN_COST = 12 << 20
