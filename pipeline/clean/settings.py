"""Tuning values of the text-dump labeller (:mod:`pipeline.clean.lines`), each with its reason.

Weights are in Han characters: a line of running text weighs its Han count.
"""

from __future__ import annotations

#: A boundary (related-article header, footer, tag list) ends the article: no run of prose
#: crosses it.
BOUNDARY_WEIGHT = -200.0
#: Furniture by cue or shape (menus, share bars, breadcrumbs) weighs a short paragraph against.
FURNITURE_WEIGHT = -30.0
#: A repeated line of prose counts half when long (a quoted lead), against when short (a
#: related title repeating the headline) ...
REPEAT_PROSE_MIN_HAN = 40
REPEAT_WEIGHT = -5.0
#: Labelled fields (来源：, 编辑：) sit around the body, not in it.
FIELD_WEIGHT = -10.0
#: List items and teasers count against by their length ...
LIST_ITEM_WEIGHT = -5.0
#: ... other short lines a little less.
OTHER_WEIGHT = -3.0
#: Extra weight for the first running text under a headline followed by a dated meta line:
#: about three lines of prose, enough to anchor the article against a longer list nearby.
ANCHOR_BONUS = 120.0
#: ... when that headline also repeats the page's first line (its <title> in a flattened
#: page): the article is there whatever else the page holds.
TITLE_MATCH_BONUS = 400.0
#: Without a dated headline, the first running text sharing this share of the title's Han
#: character pairs continues the title: it gets ``ANCHOR_BONUS`` (another story's text does not).
CONTINUITY_SHARE = 0.35
#: Titles with fewer distinct Han pairs than this say too little to compare.
CONTINUITY_MIN_PAIRS = 6
#: A navigation line flattened from a link list: a label of at most this many characters, a
#: colon, then words run together (``热门点卡：问道Q币穿越火线…``) ...
NAV_LABEL_MAX_CHARS = 6
#: ... at least this many Han characters long, and with no other punctuation.
NAV_MIN_HAN = 10
