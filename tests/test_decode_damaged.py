"""Pages with a few damaged bytes are decoded with them replaced and counted, not rejected."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from pipeline.errors import InputRejected
from pipeline.extract.api import extract_html
from pipeline.ingest.decode import ENCODING_ERRORS_FLAG, decode_text, error_limit

FIXTURES = Path(__file__).parent / "fixtures" / "html"
GB_PAGE = FIXTURES / "community_clinic_gb2312.html"  # declares gb2312
UTF8_PAGE = FIXTURES / "news_boilerplate.html"


def corrupt(data: bytes, count: int, start_marker: bytes, byte: int = 0xFF) -> bytes:
    """``data`` with ``count`` non-ASCII bytes of the article (after ``start_marker``), spread
    over it, overwritten by ``byte`` (what a bad sector or a careless transcoder leaves)."""
    start = data.index(start_marker)
    high = [i for i in range(start, len(data)) if data[i] >= 0x80]
    out = bytearray(data)
    for k in range(count):
        out[high[(k + 1) * len(high) // (count + 2)]] = byte
    return bytes(out)


def char_recall(kept: str, original: str) -> float:
    """Share of ``original``'s characters (as a bag) that ``kept`` still has."""
    a, b = Counter(kept), Counter(original)
    return sum((a & b).values()) / sum(b.values())


def test_gb_page_with_three_bad_bytes_keeps_its_body() -> None:
    clean = GB_PAGE.read_bytes()
    damaged = corrupt(clean, 3, "本报讯".encode("gb2312"))
    original = extract_html(clean)
    article = extract_html(damaged)
    assert original.encoding_errors == 0 and ENCODING_ERRORS_FLAG not in original.flags
    assert article.encoding == "gb18030"
    assert char_recall(article.body(), original.body()) >= 0.9
    assert article.title == original.title and article.published_at == original.published_at
    assert 3 <= article.encoding_errors <= 6  # a bad GB lead byte can take its trail byte along
    assert article.body().count("\ufffd") == article.encoding_errors
    assert ENCODING_ERRORS_FLAG in article.flags


def test_gb_page_without_declaration_with_bad_bytes() -> None:
    clean = GB_PAGE.read_bytes().replace(b"; charset=gb2312", b"")
    damaged = corrupt(clean, 3, "本报讯".encode("gb2312"), byte=0x80)
    decoded = decode_text(damaged)
    assert decoded.codec == "gb18030" and 1 <= decoded.errors <= 6  # 0x80 is a valid GBK trail byte
    assert "夜间门诊由中心的六名全科医生" in decoded.text


def test_utf8_page_with_bad_bytes_is_counted() -> None:
    clean = UTF8_PAGE.read_bytes()
    clean.decode("utf-8")
    damaged = corrupt(clean, 3, b"<body")
    decoded = decode_text(damaged)
    assert decoded.codec == "utf-8"
    assert 3 <= decoded.errors <= 9 and decoded.text.count("\ufffd") == decoded.errors  # 3 bytes of a sequence each


def test_a_page_no_codec_reads_is_rejected_or_not_read_with_one() -> None:
    """Past the limit no single codec is used with replacements: a GB page with a bad byte in
    every few characters is either read by another route or rejected, never kept as GB18030
    with hundreds of U+FFFD."""
    clean = GB_PAGE.read_bytes()
    damaged = corrupt(clean, 300, b"<body", byte=0xFF)
    try:
        decoded = decode_text(damaged)
    except InputRejected as exc:
        assert exc.reason == "undecodable"
        return
    assert decoded.errors <= error_limit(len(damaged))


def test_error_limit_grows_with_the_page() -> None:
    assert error_limit(2_000) == 20
    assert error_limit(1_000_000) == 1_000


def test_gold_pages_all_decode(shared_data: Path) -> None:
    """No real page of the extraction sets is rejected as undecodable or read with more bad
    bytes than the limit."""
    pages = sorted((shared_data / "extraction").rglob("*.html"))
    assert len(pages) > 200
    for page in pages:
        data = page.read_bytes()
        decoded = decode_text(data)
        assert decoded.errors <= error_limit(len(data)), page.name


@pytest.mark.slow
def test_run_records_encoding_errors(tmp_path: Path) -> None:
    """Through ``run``: the damaged page is a row with its count and flag, the clean one has 0."""
    import pyarrow.dataset as ds

    from pipeline.config import make_config
    from pipeline.runner import run_pipeline

    inputs = tmp_path / "in"
    inputs.mkdir()
    clean = GB_PAGE.read_bytes()
    (inputs / "clean.html").write_bytes(clean)
    (inputs / "damaged.html").write_bytes(corrupt(clean, 3, "本报讯".encode("gb2312")))
    out = tmp_path / "out"
    summary = run_pipeline(make_config(inputs=[str(inputs)], output=str(out), workers=1,
                                       classify_enabled=False, dedup_enabled=False))
    assert summary.rows == 2 and summary.rejects == 0
    rows = {r["source_path"].rsplit("/", 1)[-1]: r for r in ds.dataset(out / "articles", partitioning="hive")
            .to_table(columns=["source_path", "encoding_errors", "quality_flags"]).to_pylist()}
    assert rows["clean.html"]["encoding_errors"] == 0
    assert ENCODING_ERRORS_FLAG not in rows["clean.html"]["quality_flags"]
    assert rows["damaged.html"]["encoding_errors"] >= 3
    assert ENCODING_ERRORS_FLAG in rows["damaged.html"]["quality_flags"]
