"""Inputs that cannot yield an article give a precise reject reason, never a crash."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from pipeline.errors import InputRejected
from pipeline.extract import ExtractStep, extract_html
from pipeline.record import Doc, Reject

FIXTURES = Path(__file__).parent / "fixtures" / "html"
NEWS = (FIXTURES / "news_boilerplate.html").read_bytes()


def reason(data: bytes | str, **limits: int) -> str:
    with pytest.raises(InputRejected) as info:
        extract_html(data, **limits)
    return info.value.reason


def test_empty_inputs() -> None:
    assert reason(b"") == "empty_input"
    assert reason(b"  \r\n\t ") == "empty_input"
    assert reason("") == "empty_input"


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
        b"\x1f\x8b\x08\x00" + bytes(200),
        bytes(range(256)) * 20,
    ],
)
def test_binary_inputs(data: bytes) -> None:
    assert reason(data) == "binary_input"


def test_plain_text_is_not_html() -> None:
    assert reason("这是一段纯文本，没有任何标签。\n第二行。".encode()) == "not_html"
    assert reason(b'{"title": "json", "body": "not a page"}') == "not_html"


def test_fifty_megabytes_rejected_before_parsing() -> None:
    data = b"<p>" + "医护人员福利待遇。".encode() * (50 * 1024 * 1024 // 27)
    assert len(data) >= 50 * 1024 * 1024 - 64
    assert reason(data) == "too_large"
    assert reason(NEWS, max_bytes=1000) == "too_large"


def test_deeply_nested_input() -> None:
    deep = "<html><body>" + "<div>" * 5000 + "<p>深层文字。</p>" + "</div>" * 5000 + "</body></html>"
    assert reason(deep.encode()) == "too_deep"
    assert reason(NEWS, max_depth=5) == "too_deep"


def test_too_many_nodes() -> None:
    assert reason(NEWS, max_nodes=20) == "too_many_nodes"


def test_page_without_text_is_no_article() -> None:
    shell = b"<html><head><title>x</title><script>var a=1;</script></head><body><div id='app'></div></body></html>"
    assert reason(shell) == "no_article"


@pytest.mark.parametrize("cut", [40, 400, 1500, 2500])
def test_truncated_page_never_crashes(cut: int) -> None:
    data = NEWS[:cut]
    try:
        art = extract_html(data)
    except InputRejected as exc:
        assert exc.reason in {"no_article", "not_html", "empty_input"}
    else:
        assert art.paragraphs


def test_truncated_inside_multibyte_character() -> None:
    data = NEWS[: NEWS.index("据了解".encode()) + 4]  # cuts the UTF-8 sequence of 了
    art = extract_html(data)
    assert "医院人事科负责人介绍" in art.body()


def test_unknown_limit_is_an_error() -> None:
    with pytest.raises(TypeError):
        extract_html(NEWS, max_pages=3)


def make_doc(**kw) -> Doc:
    base = dict(doc_id="d1", source_path="pages/a.html", input_kind="html", url="http://example.cn/a.html",
                raw=NEWS, http_headers={"Content-Type": "text/html; charset=utf-8"})
    base.update(kw)
    return Doc(**base)


def test_step_fills_doc_and_frees_raw() -> None:
    step = ExtractStep()
    doc = step(make_doc())
    assert isinstance(doc, Doc)
    assert doc.raw is None
    assert doc.title == "县医院为夜班护士增设专项补贴"
    assert doc.published_at == "2023-08-03T19:05:57+08:00"
    assert doc.author == "林晓雨" and doc.source == "滨江日报"
    assert doc.encoding == "utf-8" and doc.extractor == "zhnews-extract"
    assert any("护士长陈敏说" in p for p in doc.paragraphs)


def test_step_rejects_with_reason_and_passes_text_through() -> None:
    step = ExtractStep(max_bytes=100)
    result = step(make_doc())
    assert isinstance(result, Reject)
    assert (result.stage, result.reason) == ("extract", "too_large")
    text_doc = make_doc(input_kind="text", raw="纯文本")
    assert step(text_doc) is text_doc and text_doc.raw == "纯文本"


def test_step_params_and_pickling() -> None:
    step = ExtractStep(max_depth=50)
    assert step.get_params() == {"max_bytes": 10 * 1024 * 1024, "max_depth": 50, "max_nodes": 200_000}
    clone = pickle.loads(pickle.dumps(step))
    assert clone.get_params() == step.get_params()
    assert isinstance(clone(make_doc()), Doc)
