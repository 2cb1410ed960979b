"""Tuning values of normalization, each with the reason for its value."""

# -- the quality filters of the normalize step (its defaults) ----------------------------------
#: Shortest article kept (characters after normalization): shorter texts are captions and stubs.
MIN_CHARS = 20
#: Least share of Han characters: below it a "Chinese" article is mostly code, English or markup.
MIN_HAN_RATIO = 0.3
#: Highest mojibake score kept: above it too much of the text is unreadable to be worth a row.
MAX_MOJIBAKE_SCORE = 0.05
#: Highest share of repeated paragraphs: above it the text is a template or a scraping loop.
MAX_REPETITION_RATIO = 0.5

# -- mojibake detection ------------------------------------------------------------------------
#: Minimum gain in mean log10 character frequency for a re-decoding to count as the real text.
MOJIBAKE_MIN_GAIN = 0.8
#: A stretch whose characters average above this log10 frequency reads as ordinary text.
MOJIBAKE_MAX_ORIG_LOGF = -4.0
#: Log10 frequency given to characters the frequency table does not have (rarer than any it has).
MOJIBAKE_FLOOR_LOGF = -8.0
#: Characters rarer than this (log10 relative frequency) make a Han run worth examining.
MOJIBAKE_RARE_LOGF = -5.0

# -- script detection --------------------------------------------------------------------------
#: The minority script must stay below this share of the distinguishing characters.
MIXED_SHARE = 0.2
