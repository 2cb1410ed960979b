"""Tuning values of the classifier, each with the reason it has this value."""

from __future__ import annotations

#: A source family with fewer labelled items than this joins the "other sources" fold: a fold
#: of a handful of items gives an F1 that swings by tens of points on one item.
MIN_GROUP_ITEMS = 30

#: Platform names that make one family of every source naming them (collections of Weibo posts
#: from different crawls are one outlet to a reader, whoever collected them).
PLATFORM_FAMILIES = ("weibo", "wechat", "douyin", "toutiao", "twitter", "facebook")

#: Contiguous date blocks of the time-split cross-validation (each block is tested once, trained
#: on the others): four keeps every block above ~20 % of the items.
TIME_BLOCKS = 4

#: Weight of an item from ``--negatives`` (general news) against a labelled item: they teach
#: that non-medical vocabulary is not relevant without outvoting the hard labelled negatives.
NEGATIVE_WEIGHT = 0.3

#: Weight of a ``--negatives`` item that names medical workers (patients, disease explainers,
#: crime, celebrities' illnesses): the false positives of general news, which the worker gate
#: lets through, count as much as three labelled negatives (grouped CV: at 1 more such news is
#: called relevant, at 10 an unseen outlet's short posts fall below the threshold).
HARD_NEGATIVE_WEIGHT = 3.0

#: The relevance threshold is chosen for two corpora at once: the labelled items' own mix and
#: general news of which this share is relevant, the rest like the negatives naming medical
#: workers (the issue's 1-10 % of a crawled news site).
LOW_PREVALENCE = 0.1

#: Weight of the F1 on that general news against the labelled mix's F1 in the threshold choice.
LOW_PREVALENCE_WEIGHT = 0.5

#: Fewer negatives naming medical workers than this leave the relevance threshold to the
#: labelled items alone: a false-positive rate over a handful of items is noise.
MIN_HARD_NEGATIVES = 20

#: A topic joins the welfare score of relevance only with at least this many labelled items:
#: a classifier fitted on one or two examples adds noise to every item's relevance.
WELFARE_MIN_POSITIVES = 5

#: Evidence sentences per assigned topic: the guidelines ask for "at least one full sentence",
#: and three keep a reviewer's reading short.
EVIDENCE_MAX = 3

#: A second or third evidence sentence must score at least this share of the best sentence's
#: topic probability, so weak sentences are not shown as reasons.
EVIDENCE_RELATIVE_FLOOR = 0.5

#: Sentences shorter than this (characters) are not shown as evidence: fragments such as
#: "致敬！" carry no reason.
EVIDENCE_MIN_CHARS = 6

#: Platt scaling is fitted only with at least this many out-of-fold scores of each class;
#: below it the raw scores stay (a two-parameter fit on a few points overfits).
CALIBRATION_MIN_PER_CLASS = 5

#: A labelled sample of the target corpus replaces the model's rates of an event only with at
#: least this many positive and this many negative items: a mean of fewer posteriors moves by
#: tens of points with one item.
CORPUS_RATES_MIN_PER_CLASS = 10

#: Prevalence method without labels of the target corpus: on outlets the model has not seen the
#: mean posterior errs least, and PACC, EMQ and distribution matching over-correct with rates that
#: do not transfer (docs/bench/prevalence.md).
PREVALENCE_METHOD = "pcc"

#: Prevalence method with labels of a random sample of the target corpus: prediction-powered
#: inference is unbiased whatever the classifier's errors and its intervals cover; PACC with the
#: labelled rates divides their noise by a small tpr - fpr (docs/bench/prevalence.md).
PREVALENCE_LABELLED_METHOD = "ppi"

#: Pseudo pairs (one positive, one negative label at the mean posterior) added to the residuals
#: when the variance of prediction-powered inference is estimated: one pair lifts the coverage of
#: topics with 0-3 labelled positives towards 95 % and widens the other intervals by about a point.
PPI_PSEUDO_PAIRS = 1

#: Bootstrap replicates of a PACC prevalence interval: 1000 puts the 2.5/97.5 % percentiles within
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

#: A vocabulary's n-grams of one length are looked up only where a text character starts one of
#: them when they start with at most this many distinct characters (the seed terms): checking
#: the first character costs one array lookup per position and skips most positions; a large
#: vocabulary starts with most characters and the check would skip almost nothing.
FIRST_CHAR_FILTER_MAX = 1_000

#: Below this share of positions starting a possible n-gram, only those positions are keyed
#: (their characters gathered); above it, keying every position with whole-array shifts is the
#: cheaper of the two.
GATHER_MAX_SHARE = 0.25

#: Native threads (BLAS, OpenMP) while a model is fitted or cross-validated: the fits are many
#: small liblinear problems and products of a few thousand rows, too small to share, so extra
#: threads only spin-wait between calls (on 2 cores `zhnews train` took 2.2x the CPU with them).
FIT_THREADS = 1
