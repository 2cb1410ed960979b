"""Tuning values of the classify package, each with the reason for its value."""

from __future__ import annotations

#: Bootstrap replicates of a prevalence interval: 1000 puts the 2.5/97.5 % percentiles within
#: about half a point of their limit while a group still takes milliseconds.
PREVALENCE_BOOTSTRAP = 1000

#: Coverage of the prevalence intervals (the issue asks for 95 % intervals).
PREVALENCE_CONFIDENCE = 0.95

#: Default seed of the prevalence bootstrap, so that a re-run prints the same intervals.
PREVALENCE_SEED = 0

#: Smallest tpr - fpr that PACC divides by: below it the correction multiplies noise by more than
#: 20 and the estimate is meaningless, so the unadjusted mean posterior is reported instead.
PACC_MIN_SEPARATION = 0.05

#: Bins of the posterior histogram that the bootstrap resamples when a sample has more distinct
#: values than this: a bin 1/128 wide lowers a replicate's variance by at most 1/(12 * 128**2)
#: = 5e-6 per draw, under 0.1 % of the variance of real posteriors, and one group's bootstrap
#: of one event takes about 10 ms whatever its size.
PREVALENCE_BINS = 128

#: Largest group whose bootstrap draws document indices (exact, shared by all events): up to
#: here that costs less than a multinomial over the bins per event; larger groups use the bins.
EXACT_RESAMPLE_MAX = 5_000

#: Index draws the exact bootstrap holds in memory at once (8 bytes each: 16 MB).
RESAMPLE_CELLS = 2_000_000
