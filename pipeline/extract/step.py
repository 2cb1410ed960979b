"""The pipeline step wrapping :func:`~pipeline.extract.api.extract_html`."""

from __future__ import annotations

from pipeline.extract.api import extract_html
from pipeline.extract.parse import Limits
from pipeline.record import Doc
from pipeline.steps import Result, Step, record_columns

__all__ = ["ExtractStep"]

_DEFAULTS = Limits()


class ExtractStep(Step):
    """HTML and WARC payloads to article fields; other input kinds pass through unchanged."""

    name = "extract"
    columns = record_columns("encoding", "encoding_errors", "title", "published_at", "author", "source", "paragraphs", "quality_flags",
                             "extractor")

    def __init__(
        self,
        max_bytes: int = _DEFAULTS.max_bytes,
        max_depth: int = _DEFAULTS.max_depth,
        max_nodes: int = _DEFAULTS.max_nodes,
    ) -> None:
        super().__init__()
        self.max_bytes = max_bytes
        self.max_depth = max_depth
        self.max_nodes = max_nodes

    def process(self, doc: Doc) -> Result:
        if doc.input_kind not in ("html", "warc"):
            return doc
        headers = doc.http_headers or {}
        content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), None)
        article = extract_html(
            doc.raw if doc.raw is not None else b"",
            url=doc.url,
            content_type=content_type,
            max_bytes=self.max_bytes,
            max_depth=self.max_depth,
            max_nodes=self.max_nodes,
        )
        doc.title = article.title
        doc.published_at = article.published_at
        doc.author = article.author
        doc.source = article.source
        doc.paragraphs = article.paragraphs
        doc.encoding = article.encoding
        doc.encoding_errors = article.encoding_errors
        doc.quality_flags.extend(f for f in article.flags if f not in doc.quality_flags)
        doc.extractor = "zhnews-extract"
        doc.raw = None
        return doc
