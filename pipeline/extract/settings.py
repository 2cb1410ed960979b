"""Tuning values of main-content detection, each with the reason for its size.

Lengths count non-space characters; scores are those of :func:`~pipeline.extract.content.block_score`
(one point per block, one per Chinese punctuation mark, up to four for length).
"""

from __future__ import annotations

from fractions import Fraction

# -- pruning the tree (dom.py) ----------------------------------------------------------
#: Sentence marks above which a ``visibility:hidden`` node is prose a script reveals on load
#: (WeChat's ``#js_content``), not hidden text.
REVEALED_PROSE = 5
#: A comment list has at least this many same-looking items ...
COMMENT_LIST_MIN_ITEMS = 3
#: ... most of them (this share) stamped and with reply/like controls ...
COMMENT_LIST_STAMPED_SHARE = Fraction(2, 3)  # exact: int(share * n) must not round down
#: ... each short, as comments are (a longer item is an article teaser or a post).
COMMENT_MAX_CHARS = 600
#: Sentences that must remain outside a removed list or box: a page's only prose stays.
PROSE_LEFT_MIN_SENTENCES = 3
#: A furniture-cued element holding more than this share of the page's sentences is the
#: article's wrapper under a misleading class name, not furniture.
DENSE_PROSE_SHARE = 0.4

# -- scoring a block -----------------------------------------------------------------------
#: Shorter blocks are labels, bullets and counters, never prose.
BLOCK_MIN_CHARS = 6
#: Characters worth one length point: about one clause of Chinese prose.
LENGTH_UNIT = 50.0
#: Length points stop here, so one very long block cannot outweigh several paragraphs.
LENGTH_CAP = 4.0
#: Blocks this link-heavy are link lists or link-only lines: the output drops them, so they
#: must not vote for their container either (a thread's list of reply titles, a menu).
VOID_LINK_DENSITY = 0.5

# -- scoring a container -------------------------------------------------------------------
#: Share of a block's score given to its container and three more ancestors: a paragraph
#: mostly argues for its own container, a little for the wrappers around it.
ANCESTOR_WEIGHTS = (1.0, 0.5, 0.25, 0.125)
#: Containers by tag: article/main/div usually hold prose, lists and forms usually do not.
TAG_BONUS = {"div": 5.0, "article": 15.0, "main": 10.0, "section": 3.0, "td": 3.0, "pre": 3.0,
             "blockquote": 3.0, "form": -3.0, "ul": -3.0, "ol": -3.0, "dl": -3.0, "li": -3.0,
             "body": -5.0, "html": -10.0, "tbody": -1.0, "table": -1.0}
#: A content cue (``zhengwen``, ``content``) raises a container by half.
POSITIVE_CUE_FACTOR = 1.5
#: A furniture cue that survived pruning (the container also held dense prose) halves it.
NEGATIVE_CUE_FACTOR = 0.5

# -- teaser lists ("repeated title-like lines") ---------------------------------------------
#: A title link: a link-only line of headline length (a story title in a list); shorter link
#: lines are commands (转发, 打印) and bylines.
TITLE_LINK_MIN_CHARS = 6
TITLE_LINK_MAX_CHARS = 40
#: A teaser: the summary under a title link (story lists, "more news" streams): a clause at
#: least, a short paragraph at most.
TEASER_MIN_CHARS = 15
TEASER_MAX_CHARS = 200

#: Title + summary pairs in a row before they count as a list of other stories: two may be
#: an article's linked subheadings, three in a row are a list.
TEASER_MIN_PAIRS = 3
#: Blocks allowed between one pair and the next in a list (a date line, a source line).
TEASER_MAX_GAP = 2
#: A comment header (name, time stamp, a reply count) is no longer than this.
STAMP_LINE_MAX_CHARS = 40

# -- continuity with the headline ----------------------------------------------------------
#: Characters of a container's opening compared with the headline: the lead paragraphs,
#: where a story restates its headline.
CONTINUITY_CHARS = 400
#: Headlines with fewer distinct Han character pairs say too little to compare (a blog
#: archive titled with the blog owner's name).
CONTINUITY_MIN_PAIRS = 6
#: Under this share of the headline's pairs, the best container is about something else ...
CONTINUITY_LOW = 0.15
#: ... and a container sharing this many continues the headline: it is the article ...
CONTINUITY_HIGH = 0.35
#: ... if it scores at least this share of the best one (a real article, not a caption).
CONTINUITY_SCORE_SHARE = 0.25

# -- choosing the article ----------------------------------------------------------------
#: Siblings of the best container join it at this score (an article split by an ad or a
#: picture) ...
SIBLING_MIN_SCORE = 10.0
#: ... or at this share of the best container's score, whichever is higher.
SIBLING_SHARE = 0.2
#: Share of the best score added to a sibling with the same class (the same template part).
SAME_CLASS_BONUS = 0.2
#: A sibling paragraph this long with links under ``PROSE_SIBLING_LINK_DENSITY`` is prose...
PROSE_SIBLING_CHARS = 80
PROSE_SIBLING_LINK_DENSITY = 0.25
#: ... and so is a shorter link-free one ending a sentence (a lead, a closing line).
SHORT_SIBLING_CHARS = 20
#: A lead set apart above the body (any tag): one short paragraph, not a whole box ...
LEAD_MAX_CHARS = 300
#: ... written in sentences (a caption or a tag line has fewer marks).
LEAD_MIN_PUNCT = 2
#: An earlier post counts as the first post of a blog archive or thread at this score: two
#: sentences of prose; its length against the longest post does not matter.
FIRST_POST_MIN_SCORE = 10.0
#: Items of a post or comment list carry a time stamp within their first characters.
STAMP_WINDOW = 80

# -- filtering the chosen blocks -----------------------------------------------------------
#: Inside a related-article or comment box, a block this long ...
BOX_PROSE_MIN_CHARS = 40
#: ... with fewer links than this is the article again (the box has ended).
BOX_PROSE_MAX_LINK_DENSITY = 0.3
#: Blocks more link than text are link lists, not paragraphs.
DROP_LINK_DENSITY = 0.5
#: Fewer characters in the chosen container than this: fall back to all prose on the page.
MIN_ARTICLE_CHARS = 10
#: The fallback keeps blocks scoring this much (a sentence or two) ...
FALLBACK_MIN_SCORE = 3.0
#: ... with fewer links than this.
FALLBACK_MAX_LINK_DENSITY = 0.3
