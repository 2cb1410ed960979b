"""Tuning values of the article queries, each with the reason for its value."""

#: Rows per scanned batch: large enough to amortize per-batch costs, small enough to bound memory on wide text columns.
SCAN_BATCH_ROWS = 2048
#: Characters of context on each side of a keyword-in-context hit: about a clause of Chinese news prose.
KWIC_WINDOW = 20
#: Suffixes jieba cuts off as tokens of their own but that belong to the word before (医生 + 们):
#: whole-word search joins them back, so 医生 does not find 医生们.
BOUND_SUFFIXES = frozenset({"们"})
