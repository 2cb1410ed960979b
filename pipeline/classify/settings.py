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
