"""Readers: turn one input file into a stream of :class:`Doc` (or :class:`Reject`) records.

Readers only read; they never parse HTML or clean text.  HTML and WARC payloads stay bytes
(the extract step decodes them with their HTTP and meta declarations); text dumps are decoded
here; JSONL records keep their own ``id``, ``title``, ``url`` and ``date``.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import zlib
from collections.abc import Iterator
from typing import Any

from pipeline.dates import parse_chinese_datetime
from pipeline.errors import InputRejected
from pipeline.ingest.decode import ENCODING_ERRORS_FLAG, decode_text
from pipeline.ingest.discover import InputFile
from pipeline.ingest.settings import MAX_DECOMPRESSION_RATIO, MAX_INPUT_BYTES, MIN_DECOMPRESSED_LIMIT, READ_CHUNK
from pipeline.ingest.sniff import looks_like_html
from pipeline.io.storage import open_input
from pipeline.record import Doc, Reject, make_doc_id

STAGE = "ingest"


def shown_path(path: str) -> str:
    """``path`` as stored in records: a name that is not UTF-8 keeps its bytes visible as
    ``\\xNN`` escapes (Parquet and JSON cannot hold the lone surrogates Python uses)."""
    try:
        return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:
        return without_surrogates(path)


def without_surrogates(text: str) -> str:
    """``text`` with lone surrogates (JSON ``\\ud800`` escapes) replaced by U+FFFD."""
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _sha1(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


def _file_reject(file: InputFile, reason: str, detail: str, locator: str = "") -> Reject:
    return Reject(
        doc_id=make_doc_id(file.path, locator),
        source_path=shown_path(file.path),
        stage=STAGE,
        reason=reason,
        detail=without_surrogates(detail),
    )


_GZIP_MAGIC = b"\x1f\x8b"
_ZIP_MAGIC = b"PK\x03\x04"


def gunzip_limited(data: bytes, max_bytes: int, max_ratio: int = MAX_DECOMPRESSION_RATIO) -> bytes:
    """Decompress gzip ``data`` (all members), refusing bombs and truncated streams."""
    limit = min(max_bytes, max(MIN_DECOMPRESSED_LIMIT, len(data) * max_ratio))
    out = bytearray()
    rest = data
    while rest:
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        while rest and not inflater.eof:
            out += inflater.decompress(rest, limit + 1 - len(out))
            rest = inflater.unconsumed_tail
            if len(out) > limit:
                reason = "too_large" if limit == max_bytes else "decompression_bomb"
                raise InputRejected(reason, f"gzip expands beyond {limit} bytes ({len(data)} compressed)")
        if not inflater.eof:
            raise InputRejected("truncated_input", "gzip stream ends before its end marker")
        rest = inflater.unused_data
        if rest and not rest.startswith(_GZIP_MAGIC):
            break
    return bytes(out)


def _read_limited(file: InputFile, max_bytes: int, max_ratio: int = MAX_DECOMPRESSION_RATIO) -> bytes:
    """The file's bytes (gunzipped when gzip-compressed whatever its name), within limits."""
    if file.size > max_bytes:  # refuse before reading: a 200 MB page never enters memory
        raise InputRejected("too_large", f"{file.size} bytes exceed the limit of {max_bytes}")
    with open_input(file.path) as handle:
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputRejected("too_large", f"{file.size} bytes exceed the limit of {max_bytes}")
    if data.startswith(_GZIP_MAGIC):
        try:
            data = gunzip_limited(data, max_bytes, max_ratio)
        except zlib.error as exc:
            raise InputRejected("corrupt_compression", f"gzip data is corrupt: {exc}") from exc
    elif data.startswith(_ZIP_MAGIC):
        raise InputRejected("unsupported_archive", "a zip archive: unpack it and point zhnews at the files")
    return data


def read_html_file(file: InputFile, max_bytes: int = MAX_INPUT_BYTES,
                   max_ratio: int = MAX_DECOMPRESSION_RATIO) -> Iterator[Doc | Reject]:
    """One saved page: its bytes (gunzipped if gzip, within ``max_ratio``), unparsed."""
    try:
        data = _read_limited(file, max_bytes, max_ratio)
    except InputRejected as exc:
        yield _file_reject(file, exc.reason, exc.detail)
        return
    if not data.strip():
        yield _file_reject(file, "empty_input", "the file is empty or whitespace only")
        return
    yield _page_doc(file, data)


def _page_doc(file: InputFile, data: bytes) -> Doc:
    """The document of a saved page: its bytes, for extraction to decode and parse."""
    return Doc(
        doc_id=make_doc_id(file.path, ""),
        source_path=shown_path(file.path),
        input_kind="html",
        raw=data,
        input_sha1=_sha1(data),
    )


def read_text_file(file: InputFile, max_bytes: int = MAX_INPUT_BYTES,
                   max_ratio: int = MAX_DECOMPRESSION_RATIO) -> Iterator[Doc | Reject]:
    """One text dump, decoded (BOM, then UTF-8 / GB18030 / Big5 detection)."""
    try:
        data = _read_limited(file, max_bytes, max_ratio)
        if not data.strip():
            raise InputRejected("empty_input", "the file is empty or whitespace only")
        decoded = decode_text(data)
    except InputRejected as exc:
        yield _file_reject(file, exc.reason, exc.detail)
        return
    if looks_like_html(decoded.text):  # a saved page named .txt: extraction, not line cleaning
        yield _page_doc(file, data)
        return
    yield Doc(
        doc_id=make_doc_id(file.path, ""),
        source_path=shown_path(file.path),
        input_kind="text",
        raw=decoded.text,
        encoding=decoded.codec,
        encoding_errors=decoded.errors,
        quality_flags=[ENCODING_ERRORS_FLAG] if decoded.errors else [],
        input_sha1=_sha1(data),
    )


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    text = without_surrogates(str(value)).strip()
    return text or None


def _normalize_record_date(value: Any) -> str | None:
    text = _as_text(value)
    if text is None:
        return None
    return parse_chinese_datetime(text) or None


def read_jsonl_file(file: InputFile, max_bytes: int = MAX_INPUT_BYTES) -> Iterator[Doc | Reject]:
    """One article per line: at least ``text``; ``id``, ``title``, ``url``, ``date`` kept.

    A line that is not a JSON object, or has no text, becomes a reject naming the line.
    ``max_bytes`` bounds a single line, not the file: JSONL files stream.  A byte range of a
    plain JSONL file (``file.start``/``file.end``) is read alone, numbered as in the whole file.
    """
    compressed = file.path.endswith(".gz")
    ranged = file.is_range and not compressed
    with _open_gunzip(file.path) if compressed else open_input(file.path) as handle:
        if ranged:
            handle.seek(file.start)
        lines = _bounded_lines(handle, max_bytes, file.first_line if ranged else 1, file.end if ranged else None)
        for number, raw_line in lines:
            locator = f"line:{number}"
            if raw_line is None:
                yield _file_reject(file, "too_large", f"line {number}: over {max_bytes} bytes", locator)
                continue
            if isinstance(raw_line, Exception):
                yield _file_reject(file, "truncated_input", f"stopped at line {number}: {raw_line}", locator)
                return
            if not raw_line.strip():
                continue
            try:
                record = json.loads(raw_line.decode("utf-8-sig"))
            except UnicodeDecodeError as exc:
                yield _file_reject(file, "bad_encoding", f"line {number}: not UTF-8 ({exc.reason})", locator)
                continue
            except json.JSONDecodeError as exc:
                yield _file_reject(file, "bad_json", f"line {number}: {exc.msg} at column {exc.colno}", locator)
                continue
            if not isinstance(record, dict):
                yield _file_reject(file, "bad_json", f"line {number}: not a JSON object", locator)
                continue
            source_id = _as_text(record.get("id"))
            doc_id = make_doc_id(file.path, f"id:{source_id}" if source_id else locator)
            text = record.get("text")
            if not isinstance(text, str) or not text.strip():
                yield Reject(doc_id, shown_path(file.path), STAGE, "missing_text", f"line {number}: no 'text' field",
                             url=_as_text(record.get("url")), source_id=source_id)
                continue
            yield Doc(
                doc_id=doc_id,
                source_path=shown_path(file.path),
                input_kind="jsonl",
                url=_as_text(record.get("url")),
                source_id=source_id,
                raw=without_surrogates(text),
                encoding="utf-8",
                title=_as_text(record.get("title")),
                published_at=_normalize_record_date(record.get("date") or record.get("published_at")),
                author=_as_text(record.get("author")),
                source=_as_text(record.get("source")) if isinstance(record.get("source"), str) else None,
                input_sha1=_sha1(raw_line),
            )


class _GunzipReader(io.RawIOBase):
    """A gzip file (all members) as a byte stream that yields every byte before a cut.

    ``gzip.open`` raises ``EOFError`` on a cut file as soon as its read-ahead reaches the cut,
    losing complete lines it had already inflated; this reader hands them out first and raises
    only when the bytes before the cut are used up.
    """

    def __init__(self, path: str) -> None:
        super().__init__()
        self._file = open_input(path)
        self._inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        self._input = b""
        self._pending = b""
        self._started = self._done = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending and not self._done:
            if not self._input:
                self._input = self._file.read(1 << 16)
                if not self._input:
                    if self._started and not self._inflater.eof:
                        raise EOFError("compressed file ended before the end-of-stream marker was reached")
                    self._done = True
                    break
            if self._inflater.eof:  # the next gzip member
                if not self._input.startswith(_GZIP_MAGIC):
                    self._done = True  # trailing bytes after the last member are ignored
                    break
                self._inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
            self._started = True
            self._pending = self._inflater.decompress(self._input, READ_CHUNK)
            self._input = self._inflater.unused_data if self._inflater.eof else self._inflater.unconsumed_tail
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size

    def close(self) -> None:
        self._file.close()
        super().close()


def _open_gunzip(path: str) -> io.BufferedReader:
    return io.BufferedReader(_GunzipReader(path))


def _bounded_lines(handle: Any, max_bytes: int, first: int = 1,
                   end: int | None = None) -> Iterator[tuple[int, bytes | None | Exception]]:
    """``(line number, bytes)``; ``None`` for a line over ``max_bytes`` (skipped without being
    held in memory); an exception object when the (compressed) stream is cut short.  Numbers
    start at ``first``; with ``end``, no line starting at or after that offset is read."""
    number = first - 1
    while True:
        number += 1
        if end is not None and handle.tell() >= end:
            return
        try:
            line = handle.readline(max_bytes + 1)
        except (EOFError, zlib.error, gzip.BadGzipFile, OSError) as exc:
            yield number, exc
            return
        if not line:
            return
        if len(line) > max_bytes and not line.endswith(b"\n"):
            try:
                while (chunk := handle.readline(READ_CHUNK)) and not chunk.endswith(b"\n"):
                    pass
            except (EOFError, zlib.error, gzip.BadGzipFile, OSError) as exc:
                yield number, exc
                return
            yield number, None
            continue
        yield number, line


def read_warc_file(file: InputFile, max_bytes: int = MAX_INPUT_BYTES) -> Iterator[Doc | Reject]:
    """HTTP responses from a WARC file; each HTML response is a document.

    Request, metadata and warcinfo records are not documents and are passed over; a
    non-2xx or non-HTML response becomes a reject; a truncated archive ends with a reject
    naming the offset where reading stopped.
    """
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    with open_input(file.path) as handle:
        iterator = ArchiveIterator(handle)
        try:
            for record in iterator:
                if not record.rec_type or not record.rec_headers.get_header("WARC-Record-ID"):
                    raise EOFError("a record without WARC headers: the archive is cut short")
                if record.rec_type != "response":
                    continue
                url = without_surrogates(record.rec_headers.get_header("WARC-Target-URI") or "")
                record_id = record.rec_headers.get_header("WARC-Record-ID") or ""
                doc_id = make_doc_id(file.path, f"{url}@{record_id}")
                if not record.length:
                    yield Reject(doc_id, shown_path(file.path), STAGE, "empty_input", f"{url}: a 0-byte response record", url=url)
                    continue
                status = record.http_headers.get_statuscode() if record.http_headers else None
                headers = {k.lower(): v for k, v in (record.http_headers.headers if record.http_headers else [])}
                ctype = headers.get("content-type", "")
                if status is None or not status.startswith("2"):
                    yield Reject(doc_id, shown_path(file.path), STAGE, "http_status", f"{url}: HTTP {status}", url=url)
                    continue
                if ctype and not any(t in ctype.lower() for t in ("html", "xml", "text/plain")):
                    yield Reject(doc_id, shown_path(file.path), STAGE, "not_html", f"{url}: content-type {ctype}", url=url)
                    continue
                payload = record.content_stream().read(max_bytes + 1)
                if len(payload) <= max_bytes and getattr(record.raw_stream, "limit", 0) > 0:
                    raise EOFError(f"record for {url} ends early")
                if len(payload) > max_bytes:
                    yield Reject(doc_id, shown_path(file.path), STAGE, "too_large", f"{url}: payload over {max_bytes} bytes", url=url)
                    continue
                if not payload.strip():
                    yield Reject(doc_id, shown_path(file.path), STAGE, "empty_input", f"{url}: empty payload", url=url)
                    continue
                yield Doc(
                    doc_id=doc_id,
                    source_path=shown_path(file.path),
                    input_kind="warc",
                    url=url or None,
                    fetched_at=record.rec_headers.get_header("WARC-Date"),
                    raw=payload,
                    http_headers=headers,
                    input_sha1=_sha1(payload),
                )
            if file.path.endswith(".gz"):
                _verify_gzip_complete(file.path)
        except (ArchiveLoadFailed, EOFError, zlib.error, gzip.BadGzipFile, OSError, ValueError, AttributeError) as exc:
            yield _file_reject(file, "truncated_warc", f"stopped reading: {type(exc).__name__}: {exc}", "truncated")


def _verify_gzip_complete(path: str) -> None:
    """Raise EOFError when a gzip file ends before its last member's end-of-stream marker.

    warcio stops quietly when an archive is cut between records; a full decompression pass
    (C speed, no parsing) tells a complete archive from a truncated one.
    """
    with open_input(path) as raw, gzip.open(raw, "rb") as stream:
        while stream.read(READ_CHUNK):
            pass


#: Readers of the containers that stream, bounded per line or record.
_STREAM_READERS = {
    "jsonl": read_jsonl_file,
    "warc": read_warc_file,
}


def iter_documents(file: InputFile, max_bytes: int = MAX_INPUT_BYTES,
                   max_ratio: int = MAX_DECOMPRESSION_RATIO) -> Iterator[Doc | Reject]:
    """Every document (or reject) in one input file; never raises for bad content.

    ``max_ratio`` bounds gzip expansion of whole-file inputs (HTML, text); JSONL and WARC
    stream, bounded per line or record by ``max_bytes``.
    """
    if file.kind is None:
        yield _file_reject(file, "unsupported_input", "file type not recognised (html, txt, jsonl, warc[.gz])")
        return
    try:
        if file.kind == "html":
            yield from read_html_file(file, max_bytes, max_ratio)
        elif file.kind == "text":
            yield from read_text_file(file, max_bytes, max_ratio)
        else:
            yield from _STREAM_READERS[file.kind](file, max_bytes)
    except OSError as exc:
        yield _file_reject(file, "unreadable", f"{type(exc).__name__}: {exc}", "unreadable")


__all__ = ["iter_documents", "read_html_file", "read_text_file", "read_jsonl_file", "read_warc_file"]
