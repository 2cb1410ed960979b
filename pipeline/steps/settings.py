"""Tuning values of the step chain, each with the reason for its value."""

#: Documents handed to the per-document steps at once: enough for a batched step (classify)
#: to vectorize, few enough that a batch's documents are small next to a worker's state.
STEP_BATCH = 64
#: Seconds a document may spend in all its steps: far above any real page, short enough to
#: turn a pathological input into a reject instead of a stuck worker.
DOC_TIME_LIMIT = 60.0
