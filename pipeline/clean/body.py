"""Light cleaning of an article body that is already text (JSONL records: transcripts, posts).

Strips broadcast prefixes (``央视网消息（新闻联播）：``), Weibo furniture (hashtag-only lines,
intermediate ``//@`` repost comments, ``…展开全文``, ``某某的微博视频`` links), Markdown marks,
subscription footers, copyright notices and editor/byline lines, then splits into paragraphs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.clean import cues
from pipeline.clean.meta import lead_outlet

_INVISIBLE_EDGE = " \t\u3000\u00a0\u200b\u200c\u200d\u2060\ufeff"
_MD_RULE = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,}|={3,})\s*$")
_MD_HEADING = re.compile(r"^\s*#{1,6}\s+")
_MD_QUOTE = re.compile(r"^\s*(?:>\s*)+")
_MD_MARKS = re.compile(r"\*\*|~~|__")
_HASHTAG_ONLY = re.compile(r"^(?:\s*#[^#\n]{1,40}#\s*)+$")
_VIDEO_LINK = re.compile(
    r"\s*(?:L?[^\s。！？#]{0,24}的(?:微博)?(?:视频|直播|秒拍视频)|查看图片|O?网页链接|[(（]?组图共\d+张[)）]?)\s*[?？]?\s*$"
)
#: Literal words every match of ``_VIDEO_LINK`` / ``cues.UNFOLD`` contains: lines without any
#: of them skip the (backtracking) regex.
_VIDEO_WORDS = ("视频", "直播", "查看图片", "网页链接", "组图共")
_UNFOLD_WORDS = ("展开全文", "展開全文")
_ZERO_WIDTH = re.compile("[\u200b-\u200d\u2060\ufeff]")
_BYLINE = re.compile(
    r"^[(（【\[]?\s*(?:责任编辑|責任編輯|责编|責編|编辑|編輯|记者|記者|作者|撰文|校对|審核|审核|监制|監製|"
    r"制作|製作|通讯员|通訊員|摄影|攝影|来源|來源)\s*[:：/|]\s*[^。！？]{0,30}[)）】\]]?$"
)
_NOTICE = re.compile(r"未经授权|未經授權|不得转载|不得轉載|转载请注明|轉載請註明|版权所有|版權所有|反侵权|反侵權")


@dataclass(slots=True)
class BodyResult:
    """Paragraphs of a cleaned body and what was found on the way."""

    paragraphs: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    #: the outlet named by the dateline the body opened with (``央视网消息（新闻联播）：``), if any
    source: str | None = None


def _strip_repost_chain(text: str) -> str:
    """The poster's own words and the reposted original (the chain's last item), without markers.

    ``评论//@甲:转发语//@乙:原文`` keeps ``评论`` and ``原文``; intermediate repost comments go.
    """
    if "//@" not in text:
        return text
    parts = re.split(r"\s*//\s*@[^:：\s]{1,30}[:：]\s*", text)
    own, original = parts[0].strip(_INVISIBLE_EDGE), parts[-1].strip(_INVISIBLE_EDGE)
    if len(parts) == 1:
        return own
    return "\n".join(p for p in (own, original) if p)


def clean_body(text: str) -> BodyResult:
    """Paragraphs of an article body with furniture removed (see the module docstring)."""
    result = BodyResult()
    if not text:
        return result
    text = _ZERO_WIDTH.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    if any(w in text for w in _UNFOLD_WORDS) and cues.UNFOLD.search(text):
        text = cues.UNFOLD.sub("", text).rstrip(_INVISIBLE_EDGE + ".…")
        result.flags.append("truncated")
    text = _strip_repost_chain(text)
    for raw in text.split("\n"):
        line = raw.strip(_INVISIBLE_EDGE)
        if not line or _MD_RULE.match(line):
            continue
        # each Markdown pattern needs its mark character: most lines skip the regexes
        if "#" in line:
            line = _MD_HEADING.sub("", line)
        if ">" in line:
            line = _MD_QUOTE.sub("", line)
        if "*" in line or "~" in line or "_" in line:
            line = _MD_MARKS.sub("", line)
        line = line.strip(_INVISIBLE_EDGE)
        if not line or _HASHTAG_ONLY.match(line):
            continue
        if not result.paragraphs:
            result.source = result.source or lead_outlet(line)
            line = cues.BROADCAST_PREFIX.sub("", line, count=1).strip(_INVISIBLE_EDGE)
        if any(w in line for w in _VIDEO_WORDS):
            line = _VIDEO_LINK.sub("", line)
        line = line.strip(_INVISIBLE_EDGE)
        if "#" in line:
            line = cues.HASHTAG.sub(lambda m: m.group(0)[1:-1], line)
        if not line or _BYLINE.match(line):
            continue
        short = len(line) <= 60
        if short and (cues.SUBSCRIBE.search(line) or cues.FOOTER.search(line)):
            continue
        if len(line) <= 80 and _NOTICE.search(line):
            continue
        result.paragraphs.append(line)
    return result
