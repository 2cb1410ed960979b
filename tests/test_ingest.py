"""Ingest: discovery of inputs, task planning, and the four readers on real files."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline.errors import UsageError
from pipeline.ingest import discover_inputs, iter_documents, plan_tasks
from pipeline.record import Doc, Reject

ARTICLE = "<html><head><title>护士节慰问</title></head><body><p>医院为护士发放慰问金。</p></body></html>"


def _write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def _docs(path: Path, max_bytes: int = 1 << 20) -> list[Doc | Reject]:
    (file,) = discover_inputs([str(path)])
    return list(iter_documents(file, max_bytes))


def test_discovery_walks_directories_sorted_and_marks_unknown_kinds(tmp_path: Path) -> None:
    _write(tmp_path / "b" / "2.html", ARTICLE)
    _write(tmp_path / "a.txt", "标题\n\n正文")
    _write(tmp_path / "c.jsonl", '{"text": "正文"}\n')
    _write(tmp_path / "d.pdf", b"%PDF-1.4")
    _write(tmp_path / ".hidden.html", ARTICLE)
    _write(tmp_path / "README.md", "# about this folder")
    files = discover_inputs([str(tmp_path)])
    names = [Path(f.path).name for f in files]
    assert names == ["a.txt", "2.html", "c.jsonl", "d.pdf"] or names == sorted(names, key=lambda n: n)
    kinds = {Path(f.path).name: f.kind for f in files}
    assert kinds == {"a.txt": "text", "2.html": "html", "c.jsonl": "jsonl", "d.pdf": None}
    pdf = next(f for f in files if f.kind is None)
    (reject,) = list(iter_documents(pdf))
    assert isinstance(reject, Reject) and reject.reason == "unsupported_input"


def test_missing_input_and_empty_glob_are_usage_errors(tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        discover_inputs([str(tmp_path / "nope")])
    with pytest.raises(UsageError):
        discover_inputs([str(tmp_path / "*.html")])


def test_tasks_are_deterministic_and_containers_get_their_own(tmp_path: Path) -> None:
    for i in range(5):
        _write(tmp_path / f"{i}.html", ARTICLE)
    _write(tmp_path / "x.jsonl", '{"text": "正文"}\n')
    files = discover_inputs([str(tmp_path)])
    tasks = plan_tasks(files, max_files=2)
    assert [len(t.files) for t in tasks] == [2, 2, 1, 1]
    assert [t.task_id for t in tasks] == [t.task_id for t in plan_tasks(discover_inputs([str(tmp_path)]), max_files=2)]
    assert len({t.task_id for t in tasks}) == len(tasks)


def test_jsonl_keeps_fields_and_rejects_broken_lines(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "a1", "title": "医生加班费", "url": "https://example.cn/1", "date": "2020-02-03", "text": "正文一"}, ensure_ascii=False),
        "{broken json",
        json.dumps({"id": "a2", "title": "无正文"}, ensure_ascii=False),
        "[1, 2]",
        "",
        json.dumps({"text": "正文三", "date": "2021年3月4日"}, ensure_ascii=False),
    ]
    out = _docs(_write(tmp_path / "items.jsonl", "\n".join(lines) + "\n"))
    kinds = [(type(o).__name__, getattr(o, "reason", None)) for o in out]
    assert kinds == [("Doc", None), ("Reject", "bad_json"), ("Reject", "missing_text"), ("Reject", "bad_json"), ("Doc", None)]
    first = out[0]
    assert isinstance(first, Doc)
    assert (first.source_id, first.title, first.url, first.raw) == ("a1", "医生加班费", "https://example.cn/1", "正文一")
    assert first.published_at is not None and first.published_at.startswith("2020-02-03")
    assert "line 2" in out[1].detail  # type: ignore[union-attr]
    assert out[4].published_at.startswith("2021-03-04")  # type: ignore[union-attr]
    assert len({o.doc_id for o in out}) == len(out)


def test_text_dump_in_gbk_is_decoded(tmp_path: Path) -> None:
    text = "基层医生补助提高\n\n今年起乡村医生补助标准每人每年提高两千元。"
    (doc,) = _docs(_write(tmp_path / "gbk.txt", text.encode("gbk")))
    assert isinstance(doc, Doc) and doc.raw == text and doc.encoding == "gb18030"


def test_empty_and_oversized_files_are_rejected(tmp_path: Path) -> None:
    (empty,) = _docs(_write(tmp_path / "empty.html", b"  \n"))
    assert isinstance(empty, Reject) and empty.reason == "empty_input"
    (big,) = _docs(_write(tmp_path / "big.html", b"<p>" + b"x" * 5000 + b"</p>"), max_bytes=1000)
    assert isinstance(big, Reject) and big.reason == "too_large"


def _warc(path: Path, records: list[tuple[str, int, str, bytes]], gzip: bool = True) -> Path:
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=gzip)
        for url, status, ctype, body in records:
            headers = StatusAndHeaders(f"{status} OK" if status == 200 else f"{status} Error",
                                       [("Content-Type", ctype)], protocol="HTTP/1.1")
            request = writer.create_warc_record(url, "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n"))
            response = writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers)
            writer.write_record(request)
            writer.write_record(response)
    return path


def test_warc_responses_become_documents(tmp_path: Path) -> None:
    path = _warc(tmp_path / "crawl.warc.gz", [
        ("https://news.example.cn/a.html", 200, "text/html; charset=gbk", ARTICLE.encode("gbk")),
        ("https://news.example.cn/b.png", 200, "image/png", b"\x89PNG...."),
        ("https://news.example.cn/c.html", 404, "text/html", b"<html>not found</html>"),
    ])
    out = _docs(path)
    assert [type(o).__name__ for o in out] == ["Doc", "Reject", "Reject"]
    doc = out[0]
    assert isinstance(doc, Doc)
    assert doc.url == "https://news.example.cn/a.html" and doc.raw == ARTICLE.encode("gbk")
    assert doc.http_headers and "gbk" in doc.http_headers["content-type"] and doc.fetched_at
    assert [o.reason for o in out[1:]] == ["not_html", "http_status"]  # type: ignore[union-attr]


def test_truncated_warc_keeps_what_was_read_and_says_where_it_stopped(tmp_path: Path) -> None:
    records = [(f"https://news.example.cn/{i}.html", 200, "text/html", ARTICLE.encode() * 20) for i in range(4)]
    whole = _warc(tmp_path / "whole.warc.gz", records).read_bytes()
    cut = _write(tmp_path / "cut.warc.gz", whole[: int(len(whole) * 0.6)])
    out = _docs(cut)
    assert isinstance(out[-1], Reject) and out[-1].reason == "truncated_warc"
    assert 1 <= sum(isinstance(o, Doc) for o in out) < 4


def test_gzipped_page_with_html_name_is_read_and_a_gzip_bomb_is_refused(tmp_path: Path) -> None:
    import gzip

    (doc,) = _docs(_write(tmp_path / "page.html", gzip.compress(ARTICLE.encode("utf-8"))))
    assert isinstance(doc, Doc) and doc.raw == ARTICLE.encode("utf-8")
    bomb = gzip.compress(b"<p>" + b"\x20" * (50 << 20) + b"</p>", compresslevel=9)
    (reject,) = _docs(_write(tmp_path / "bomb.html", bomb), max_bytes=64 << 20)
    assert isinstance(reject, Reject) and reject.reason == "decompression_bomb"
    (cut,) = _docs(_write(tmp_path / "cut.html", gzip.compress(ARTICLE.encode() * 50)[:-30]))
    assert isinstance(cut, Reject) and cut.reason == "truncated_input"
    (zipped,) = _docs(_write(tmp_path / "z.html", b"PK\x03\x04" + b"\x00" * 40))
    assert isinstance(zipped, Reject) and zipped.reason == "unsupported_archive"


def test_jsonl_gz_streams_bounds_lines_and_reports_truncation(tmp_path: Path) -> None:
    import gzip

    good = json.dumps({"id": "1", "text": "正文"}, ensure_ascii=False).encode()
    huge = json.dumps({"id": "2", "text": "长" * 5000}, ensure_ascii=False).encode()
    payload = b"\n".join([good, huge, good.replace(b'"1"', b'"3"')] * 20) + b"\n"
    path = _write(tmp_path / "posts.jsonl.gz", gzip.compress(payload))
    out = _docs(path, max_bytes=2000)
    assert len(out) == 60
    assert [type(o).__name__ for o in out[:3]] == ["Doc", "Reject", "Doc"]
    assert out[1].reason == "too_large"  # type: ignore[union-attr]
    cut = _docs(_write(tmp_path / "cut.jsonl.gz", gzip.compress(payload)[: len(gzip.compress(payload)) // 2]), max_bytes=2000)
    assert isinstance(cut[-1], Reject) and cut[-1].reason == "truncated_input"
    assert 1 <= sum(isinstance(o, Doc) for o in cut) < 40
