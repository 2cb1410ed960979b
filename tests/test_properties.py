"""Property-based tests (hypothesis) on extract, clean, normalize and segment.

* never crash: any input gives a result or :class:`InputRejected`, no other exception;
* no mojibake from valid input: Chinese text encoded in UTF-8, GBK or Big5 inside a simple
  page comes back character for character, without U+FFFD;
* normalization is idempotent; segmentation keeps every character;
* ``doc_id`` is stable across processes and hash seeds.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.clean import clean_body, clean_text
from pipeline.errors import InputRejected
from pipeline.extract import extract_html
from pipeline.normalize import normalize_text
from pipeline.record import make_doc_id
from pipeline.segment import tokenize

REPO = Path(__file__).resolve().parent.parent
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _alphabet(codec: str, start: int = 0x4E00, stop: int = 0x9FA6, step: int = 7) -> str:
    """Common Han characters that ``codec`` can encode (a sample of the BMP block)."""
    chars = []
    for code in range(start, stop, step):
        ch = chr(code)
        try:
            ch.encode(codec)
        except UnicodeEncodeError:
            continue
        chars.append(ch)
    return "".join(chars)


HAN_GB = _alphabet("gb2312")
HAN_BIG5 = _alphabet("big5")
HAN_BOTH = "".join(ch for ch in HAN_GB if ch in set(HAN_BIG5))

# -- never crash --------------------------------------------------------------------------------
TAGS = ["<p>", "</p>", "<div>", "</div>", "<html>", "<body>", "<br>", "<script>", "</script>", "<!--", "-->",
        "<meta charset=gbk>", "<title>", "</title>", "&amp;", "&#0;", "&#x110000;", "<![CDATA[", "]]>",
        "<!DOCTYPE html [<!ENTITY e 'x'>]>", "&e;", "<table><tr><td>", "\x00", "\ufffd", "\u200b", "\r\n"]
html_like = st.lists(st.one_of(st.sampled_from(TAGS), st.text(min_size=0, max_size=30)), max_size=40).map("".join)


def _accepts_or_rejects(call, *args) -> None:
    try:
        call(*args)
    except InputRejected:
        pass


@FAST
@given(st.binary(max_size=3000))
def test_extract_never_crashes_on_bytes(data: bytes) -> None:
    _accepts_or_rejects(extract_html, data)


@FAST
@given(html_like)
def test_extract_never_crashes_on_html_like_text(text: str) -> None:
    _accepts_or_rejects(extract_html, text)
    _accepts_or_rejects(extract_html, text.encode("utf-8", "surrogatepass"))


@FAST
@given(st.text(max_size=2000))
def test_clean_never_crashes(text: str) -> None:
    _accepts_or_rejects(clean_text, text)
    _accepts_or_rejects(clean_body, text)


@FAST
@given(st.text(max_size=1000))
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once


@FAST
@given(st.text(alphabet=HAN_BOTH + "，。、“”：；！？ 0123456789abcXYZ·—\n\u3000", max_size=300))
def test_normalize_idempotent_on_chinese(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once


@FAST
@given(st.text(max_size=500))
def test_segmentation_keeps_every_character(text: str) -> None:
    tokens = tokenize(text)
    assert all(token.strip() for token in tokens)
    assert "".join("".join(tokens).split()) == "".join(text.split())


# -- no mojibake from valid input ---------------------------------------------------------------
def _paragraphs(alphabet: str) -> st.SearchStrategy[list[str]]:
    sentence = st.text(alphabet=alphabet, min_size=12, max_size=40).map(lambda s: s + "。")
    return st.lists(st.lists(sentence, min_size=2, max_size=4).map("，".join), min_size=3, max_size=5)


def _page(paragraphs: list[str], charset: str | None, title: str = "标题", home: str = "首页") -> str:
    meta = f'<meta charset="{charset}">' if charset else ""
    body = "".join(f"<p>{p}</p>\n" for p in paragraphs)
    return (f"<html><head>{meta}<title>{title}</title></head><body><div class=\"nav\"><a href=\"/\">{home}</a></div>"
            f"<div class=\"article\">{body}</div></body></html>")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_paragraphs(HAN_GB), st.sampled_from(["utf-8", "gbk", "gb18030"]), st.booleans())
def test_simplified_text_round_trips(paragraphs: list[str], codec: str, declared: bool) -> None:
    data = _page(paragraphs, codec if declared else None).encode(codec)
    article = extract_html(data)
    body = article.body()
    assert "\ufffd" not in body
    for paragraph in paragraphs:
        assert paragraph in body


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_paragraphs(HAN_BIG5), st.sampled_from(["utf-8", "big5"]), st.booleans())
def test_traditional_text_round_trips(paragraphs: list[str], codec: str, declared: bool) -> None:
    data = _page(paragraphs, codec if declared else None, "標題", "首頁").encode(codec)
    article = extract_html(data)
    body = article.body()
    assert "\ufffd" not in body
    for paragraph in paragraphs:
        assert paragraph in body


# -- stable ids ---------------------------------------------------------------------------------
@FAST
@given(st.text(max_size=60), st.text(max_size=60))
def test_doc_id_is_a_pure_function(source: str, locator: str) -> None:
    first = make_doc_id(source, locator)
    assert first == make_doc_id(source, locator)
    assert len(first) == 16 and int(first, 16) >= 0


def test_doc_id_stable_across_processes() -> None:
    """Same ids under different hash seeds (no dependence on Python's str hashing)."""
    inputs = [("html/a.html", ""), ("feed.jsonl", "line:3"), ("crawl.warc.gz", "https://例子.cn/a@<urn:1>"),
              ("路径/新闻.html", ""), ("x", "\udcff")]
    code = ("import sys, json; from pipeline.record import make_doc_id; "
            f"print(json.dumps([make_doc_id(s, l) for s, l in {inputs!r}]))")
    outputs = set()
    for seed in ("0", "1", "12345"):
        env = dict(os.environ, PYTHONPATH=str(REPO), PYTHONHASHSEED=seed)
        done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
        outputs.add(done.stdout)
    assert len(outputs) == 1
    assert len(set(eval(outputs.pop()))) == len(inputs)  # distinct inputs, distinct ids
