"""decode_bytes: declared, undeclared and wrongly declared Chinese encodings."""

from __future__ import annotations

import codecs

import pytest

from pipeline.errors import InputRejected
from pipeline.ingest.decode import canonical_codec, decode_bytes

TEXT = "<html><head>{meta}<title>护士节福利</title></head><body><p>医院为护士发放节日慰问金，并组织免费体检。夜班补贴同步上调。</p></body></html>"
TRAD = "<html><head>{meta}<title>護士節福利</title></head><body><p>醫院為護士發放節日慰問金，並組織免費體檢。夜班補貼同步上調。</p></body></html>"


@pytest.mark.parametrize(
    ("name", "codec"),
    [("gb2312", "gb18030"), ("GBK", "gb18030"), ("big5", "big5hkscs"), ("UTF8", "utf-8"),
     ("iso-8859-1", "cp1252"), ("no-such-codec", None), (None, None)],
)
def test_canonical_codec(name, codec) -> None:
    assert canonical_codec(name) == codec


def test_undeclared_gbk() -> None:
    text, codec = decode_bytes(TEXT.format(meta="").encode("gbk"))
    assert codec == "gb18030" and "夜班补贴同步上调" in text


def test_undeclared_big5() -> None:
    text, codec = decode_bytes(TRAD.format(meta="").encode("big5"))
    assert codec == "big5hkscs" and "夜班補貼同步上調" in text


def test_utf8_declared_gb2312() -> None:
    data = TEXT.format(meta='<meta charset="gb2312">').encode("utf-8")
    text, codec = decode_bytes(data)
    assert codec == "utf-8" and "夜班补贴同步上调" in text


def test_gbk_character_outside_gb2312_declared_gb2312() -> None:
    data = TEXT.format(meta='<meta charset="gb2312">').replace("护士", "镕基").encode("gbk")
    text, codec = decode_bytes(data)
    assert codec == "gb18030" and "镕基" in text


def test_http_header_wins_over_meta() -> None:
    data = TEXT.format(meta='<meta charset="big5">').encode("gbk")
    text, codec = decode_bytes(data, "text/html; charset=GBK")
    assert codec == "gb18030" and "护士节福利" in text


def test_bom() -> None:
    text, codec = decode_bytes(codecs.BOM_UTF8 + TEXT.format(meta="").encode("utf-8"))
    assert codec == "utf-8-sig" and text.startswith("<html>")


def test_nul_bytes_are_binary() -> None:
    with pytest.raises(InputRejected) as info:
        decode_bytes(b"\x00\x01" * 100)
    assert info.value.reason == "binary_input"
