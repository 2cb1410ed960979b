"""HTML to article: main-content detection for Chinese news pages, metadata and dates.

Public API: :func:`extract_html`, :class:`ExtractStep`, :class:`Limits`, and the date helpers
:func:`parse_chinese_datetime` / :func:`find_datetime` shared with text-dump cleaning.
"""

from pipeline.dates import find_datetime, parse_chinese_datetime
from pipeline.extract.api import extract_html
from pipeline.extract.parse import Limits
from pipeline.extract.step import ExtractStep

__all__ = ["extract_html", "ExtractStep", "Limits", "find_datetime", "parse_chinese_datetime"]
