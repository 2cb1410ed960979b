"""Durable, size-rotated WARC output: one request and one response record per page.

Each record is its own gzip member (``.warc.gz``).  A page's two records are written with one
``write``, and flushed and fsynced (one fsync for the pages that arrived together) before the
frontier marks them done, so a page is either complete on disk or absent once the torn tail of
a killed crawl is cut by :func:`recover_file`.  A full file is closed (rotated) only between
batches, once every page in it is recorded.

The response record keeps the body bytes in the page's own encoding and the HTTP headers as
received, except the framing headers that no longer describe the stored bytes (the body is
stored de-chunked and content-decoded): ``Transfer-Encoding``, ``Content-Encoding`` and
``Content-Length`` are kept as ``X-Crawler-<name>`` and a correct ``Content-Length`` is added
(the convention of Common Crawl), so any WARC reader gets the page bytes directly.
"""

from __future__ import annotations

import io
import os
import uuid
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline.crawl.fetch import Exchange

#: WARC extension field naming the frontier URL a response was fetched for.
FRONTIER_FIELD = "X-Zhnews-Frontier-URI"
_REWRITTEN = ("transfer-encoding", "content-encoding", "content-length")


def _warc_date(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def stored_headers(headers: list[tuple[str, str]], body_length: int) -> list[tuple[str, str]]:
    """Response headers as archived: framing headers renamed, the true Content-Length added."""
    out = [(f"X-Crawler-{k}" if k.lower() in _REWRITTEN else k, v) for k, v in headers]
    out.append(("Content-Length", str(body_length)))
    return out


def _request_line(exchange: Exchange) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(exchange.url)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    return f"GET {target} {exchange.http_version}"


def encode_page(exchange: Exchange) -> tuple[bytes, int]:
    """The gzip-per-record bytes of a page's request+response, and the response's offset in them."""
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    date = _warc_date(exchange.fetched_at)
    response_id = f"<urn:uuid:{uuid.uuid4()}>"
    request = writer.create_warc_record(
        exchange.url,
        "request",
        payload=io.BytesIO(b""),
        http_headers=StatusAndHeaders(_request_line(exchange), exchange.request_headers,
                                      is_http_request=True),
        warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To": response_id},
    )
    warc_headers = {"WARC-Date": date, "WARC-Record-ID": response_id,
                    FRONTIER_FIELD: exchange.requested_url}
    if exchange.ip:
        warc_headers["WARC-IP-Address"] = exchange.ip
    response = writer.create_warc_record(
        exchange.url,
        "response",
        payload=io.BytesIO(exchange.body),
        http_headers=StatusAndHeaders(
            f"{exchange.status} {exchange.reason}".strip(),
            stored_headers(exchange.response_headers, len(exchange.body)),
            protocol=exchange.http_version,
        ),
        warc_headers_dict=warc_headers,
    )
    writer.write_record(request)
    offset = buf.tell()
    writer.write_record(response)
    return buf.getvalue(), offset


@dataclass(slots=True, frozen=True)
class ArchivedPage:
    """A complete response record found in a WARC file."""

    frontier_url: str | None
    target_uri: str
    offset: int


def complete_gzip_prefix(fh: BinaryIO, chunk_size: int = 1 << 20) -> int:
    """Length of the longest prefix of ``fh`` made of complete, valid gzip members."""
    good = pos = 0
    inflater: zlib._Decompress | None = None
    pending = b""
    while True:
        if not pending:
            pending = fh.read(chunk_size)
            if not pending:
                return good if inflater is not None else pos
        if inflater is None:
            inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
            good = pos
        try:
            inflater.decompress(pending)
        except zlib.error:
            return good
        if inflater.eof:
            used = len(pending) - len(inflater.unused_data)
            pos += used
            pending = inflater.unused_data
            inflater = None
            good = pos
        else:
            pos += len(pending)
            pending = b""


def recover_file(path: Path) -> list[ArchivedPage]:
    """Cut a torn tail off a WARC file and list its complete response records.

    The file is cut after the last complete gzip member that ends a response record (a lone
    request record left by a crash before its response is cut too).
    """
    pages: list[ArchivedPage] = []
    good_end = 0
    with path.open("rb") as fh:
        size = complete_gzip_prefix(fh)
    if size < path.stat().st_size:
        with path.open("r+b") as fh:
            fh.truncate(size)
    with path.open("rb") as fh:
        iterator = ArchiveIterator(fh, no_record_parse=False)
        try:
            for record in iterator:
                record.content_stream().read()
                offset = iterator.get_record_offset()
                end = offset + iterator.get_record_length()
                if record.rec_type in ("warcinfo",):
                    good_end = end
                elif record.rec_type == "response":
                    pages.append(ArchivedPage(record.rec_headers.get_header(FRONTIER_FIELD),
                                              record.rec_headers.get_header("WARC-Target-URI"), offset))
                    good_end = end
        except Exception:  # noqa: BLE001 - any parse failure means a torn tail from here on
            pass
    if good_end < path.stat().st_size:
        with path.open("r+b") as fh:
            fh.truncate(good_end)
            fh.flush()
            os.fsync(fh.fileno())
    return pages


class WarcWriter:
    """Appends pages to ``<prefix>-<timestamp>-<n>.warc.gz`` files in ``directory``, rotating by size."""

    def __init__(self, directory: Path, max_bytes: int, software: str, prefix: str = "zhnews") -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.max_bytes = max_bytes
        self.software = software
        self.prefix = prefix
        self._stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
        self._serial = 0
        self._fh: BinaryIO | None = None
        self.current: str | None = None
        #: Called with (file name, closed) when a file is opened or closed.
        self.on_file: list = []

    def _open(self) -> BinaryIO:
        while True:
            self._serial += 1
            name = f"{self.prefix}-{self._stamp}-{self._serial:05d}.warc.gz"
            if not (self.directory / name).exists():
                break
        for callback in self.on_file:
            callback(name, False)
        fh = (self.directory / name).open("ab")
        buf = io.BytesIO()
        writer = WARCWriter(buf, gzip=True)
        writer.write_record(writer.create_warcinfo_record(
            name, {"software": self.software, "format": "WARC File Format 1.1",
                   "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"}))
        fh.write(buf.getvalue())
        self._durable(fh)
        self._fh, self.current = fh, name
        return fh

    @staticmethod
    def _durable(fh: BinaryIO) -> None:
        fh.flush()
        os.fsync(fh.fileno())

    def rotate_if_full(self) -> None:
        """Close a full file; call only when every page written to it has been recorded."""
        if self._fh is not None and self._fh.tell() >= self.max_bytes:
            self.close()

    def append(self, data: bytes, response_at: int) -> tuple[str, int]:
        """Append a page encoded by :func:`encode_page`, not yet durable (see :meth:`sync`).

        Returns ``(file name, offset of its response record)``.
        """
        fh = self._fh or self._open()
        start = fh.tell()
        fh.write(data)
        assert self.current is not None
        return self.current, start + response_at

    def sync(self) -> None:
        """Make everything appended so far durable (flush + fsync)."""
        if self._fh is not None:
            self._durable(self._fh)

    def write(self, exchange: Exchange) -> tuple[str, int]:
        """Encode and write one page durably (rotating first if the file is full)."""
        self.rotate_if_full()
        where = self.append(*encode_page(exchange))
        self.sync()
        return where

    def close(self, mark_closed: bool = True) -> None:
        """Close the current file; ``mark_closed=False`` leaves it to be checked on resume."""
        if self._fh is not None:
            self._durable(self._fh)
            self._fh.close()
            if mark_closed:
                for callback in self.on_file:
                    callback(self.current, True)
            self._fh, self.current = None, None


def iter_responses(path: Path) -> Iterator[tuple[str, dict[str, str], bytes]]:
    """``(target URI, HTTP headers, body)`` of every response record (for checks and tests)."""
    with path.open("rb") as fh:
        for record in ArchiveIterator(fh):
            if record.rec_type == "response":
                headers = dict(record.http_headers.headers)
                yield record.rec_headers.get_header("WARC-Target-URI"), headers, record.content_stream().read()
