"""Generate a corpus of bad (and a few good) inputs, with the outcome each one must have.

``generate(root)`` writes files under ``root`` and returns a manifest ``{relative path:
[expected outcome, ...]}``: one entry per document the file holds, ``"row"`` for a document
that must become an article row, otherwise the reject reason it must get.  Containers (JSONL,
WARC) list one outcome per record; the lists are compared as multisets.

Every file is built here from invented text; nothing is copied from real data.  Run it as a
script to write a corpus for manual runs: ``python tests/make_bad_inputs.py OUT_DIR``.
"""

from __future__ import annotations

import bz2
import codecs
import gzip
import io
import json
import lzma
import os
import random
import struct
import sys
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

#: Invented news paragraphs (medical-worker welfare and general news), Simplified script.
PARAGRAPHS = [
    "记者从市卫生健康委员会获悉，今年起全市二级以上公立医院将为夜班医护人员发放夜班补贴，"
    "每个夜班补贴标准由原来的五十元提高到一百二十元，所需资金纳入医院年度预算统筹安排。",
    "据介绍，新政策覆盖临床、医技和护理等岗位，连续值班超过十二小时的人员还可以申请调休。"
    "院方表示，将同步改善值班室住宿条件，为夜班人员提供热餐和休息空间。",
    "一位在急诊科工作了八年的护士告诉记者，过去夜班补贴标准多年没有调整，"
    "这次提高以后，大家的积极性明显提升，科室人员流失的情况也有望得到缓解。",
    "市卫健委有关负责人表示，下一步还将研究出台基层医务人员职称评审倾斜政策，"
    "并开展心理疏导服务，帮助一线医护人员缓解工作压力，切实保障医务人员合法权益。",
]
#: Traditional-script paragraphs (invented), for Big5 pages.
PARAGRAPHS_TRAD = [
    "記者從醫院管理局獲悉，今年起各公立醫院將為夜班醫護人員發放額外津貼，"
    "每個夜班津貼標準由原來的三百元提高到五百元，所需經費納入年度預算統籌安排。",
    "醫管局發言人表示，新措施涵蓋臨床、醫技和護理等職系，連續值班超過十二小時的人員"
    "可以申請補假，院方亦會改善當值休息室的設施，為夜班人員提供熱餐。",
    "一名在急症室工作了八年的護士表示，過去津貼多年沒有調整，這次提高以後，"
    "同事的士氣明顯提升，部門人手流失的情況亦有望得到紓緩。",
]

ROW = "row"
#: Page furniture in Traditional script, for pages that must encode in Big5.
_TRAD_FURNITURE = {"新闻中心": "新聞中心", "新闻": "新聞", "首页": "首頁", "来源": "來源", "本地日报": "本地日報",
                   "版权所有": "版權所有", "未经授权不得转载": "未經授權不得轉載"}


def html_page(title: str, paragraphs: list[str], charset: str | None = "utf-8", extra_head: str = "",
              doctype: str = "<!DOCTYPE html>", trad: bool = False) -> str:
    """A plain news page with navigation and footer furniture around the article."""
    meta = f'<meta charset="{charset}">' if charset else ""
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    page = (
        f"{doctype}\n<html lang=\"zh-CN\"><head>{meta}{extra_head}<title>{title}_新闻中心</title></head>\n"
        "<body><div class=\"nav\"><a href=\"/\">首页</a> | <a href=\"/news\">新闻</a> | <a href=\"/health\">健康</a></div>\n"
        f"<div class=\"article\"><h1>{title}</h1><div class=\"info\">2021-03-15 09:30 来源：本地日报</div>\n"
        f"<div class=\"content\">{body}</div></div>\n"
        "<div class=\"footer\">版权所有 本地日报社 未经授权不得转载</div></body></html>\n"
    )
    if trad:
        for simplified, traditional in _TRAD_FURNITURE.items():
            page = page.replace(simplified, traditional)
    return page


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


def _warc_record(rec_type: str, uri: str, payload: bytes, record_id: int, *,
                 http: bytes | None = None) -> bytes:
    """One WARC/1.0 record; ``http`` is the HTTP header block prepended to ``payload``."""
    block = (http or b"") + payload
    headers = (
        "WARC/1.0\r\n"
        f"WARC-Type: {rec_type}\r\n"
        f"WARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-{record_id:012d}>\r\n"
        "WARC-Date: 2021-03-15T01:30:00Z\r\n"
        f"WARC-Target-URI: {uri}\r\n"
        f"Content-Type: {'application/http; msgtype=response' if http is not None else 'text/plain'}\r\n"
        f"Content-Length: {len(block)}\r\n\r\n"
    ).encode("ascii")
    return headers + block + b"\r\n\r\n"


def _http_headers(status: str, content_type: str, length: int) -> bytes:
    return (f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {length}\r\n\r\n").encode("ascii")


def _response(uri: str, body: bytes, record_id: int, status: str = "200 OK",
              content_type: str = "text/html; charset=utf-8") -> bytes:
    return _warc_record("response", uri, body, record_id, http=_http_headers(status, content_type, len(body)))


def _billion_laughs(levels: int = 9) -> str:
    lines = ['<!ENTITY lol0 "lol">']
    for level in range(1, levels + 1):
        refs = f"&lol{level - 1};" * 10
        lines.append(f'<!ENTITY lol{level} "{refs}">')
    return "\n".join(lines)


def _bmp_like(rng: random.Random) -> bytes:
    return b"BM" + struct.pack("<I", 4096) + bytes(rng.randrange(256) for _ in range(4090))


@dataclass
class Corpus:
    """Where the corpus lives, its manifest, and the kind of defect each file exercises."""

    root: Path
    manifest: dict[str, list[str]]
    kinds: dict[str, str]
    secret_path: Path
    secret_text: str
    contains: dict[str, str]


def generate(root: Path, huge_bytes: int = 200 << 20, seed: int = 7) -> Corpus:
    """Write the bad-input corpus under ``root`` (created); return its manifest.

    ``huge_bytes``: size of the over-limit page (a sparse file: no disk space is used).
    """
    rng = random.Random(seed)
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, list[str]] = {}
    kinds: dict[str, str] = {}
    contains: dict[str, str] = {}  # a snippet the text_original of that file's row must hold
    # A local file an XXE page tries to read; hidden, so discovery never treats it as input.
    secret_text = "SECRET-TOKEN-" + "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(16))
    secret_path = root / ".secret.txt"
    secret_path.write_text(secret_text, encoding="ascii")

    def put(rel: str, data: bytes, expected: list[str], kind: str) -> Path:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        manifest[rel] = expected
        kinds[rel] = kind
        return path

    page = html_page("市属医院提高夜班医护人员补贴标准", PARAGRAPHS)
    page_gbk = html_page("市属医院提高夜班医护人员补贴标准", PARAGRAPHS, charset="gbk")
    page_big5 = html_page("醫管局提高夜班醫護人員津貼", PARAGRAPHS_TRAD, charset="big5", trad=True)
    utf8 = page.encode("utf-8")

    # -- controls: good pages that must become rows ------------------------------------------
    put("good/utf8.html", utf8, [ROW], "control")
    put("good/gbk.html", page_gbk.encode("gbk"), [ROW], "control")
    put("good/big5.html", page_big5.encode("big5"), [ROW], "control")
    put("good/article.txt", ("夜班补贴标准提高\n2021年3月15日 来源：本地日报\n\n" + "\n\n".join(PARAGRAPHS)).encode("utf-8"),
        [ROW], "control")

    # -- empty and binary ------------------------------------------------------------------
    put("empty/zero.html", b"", ["empty_input"], "empty file")
    put("empty/whitespace.html", b" \r\n\t\n  \n", ["empty_input"], "empty file")
    put("empty/zero.txt", b"", ["empty_input"], "empty file")
    put("empty/tags_only.html", b"<html><head><title></title></head><body><div></div></body></html>",
        ["no_article"], "empty file")
    put("binary/png.html", b"\x89PNG\r\n\x1a\n" + bytes(rng.randrange(256) for _ in range(3000)),
        ["binary_input"], "binary named .html")
    put("binary/pdf.html", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" * 40,
        ["binary_input"], "binary named .html")
    put("binary/elf.html", b"\x7fELF\x02\x01\x01" + bytes(rng.randrange(256) for _ in range(3000)),
        ["binary_input"], "binary named .html")
    put("binary/random.html", bytes(rng.randrange(256) for _ in range(8000)), ["binary_input"], "binary named .html")
    put("binary/bmp.html", _bmp_like(rng), ["binary_input"], "binary named .html")
    put("binary/random.txt", bytes(rng.randrange(256) for _ in range(8000)), ["binary_input"], "binary named .html")
    put("binary/nul_flood.html", utf8[:200] + b"\x00" * 2000 + utf8[200:], ["binary_input"], "NUL bytes")

    # -- NUL bytes, invalid UTF-8, BOMs, mixed and unknown encodings ----------------------------
    cut = utf8.index("每个夜班".encode())
    put("nul/few_nuls.html", utf8[:cut] + b"\x00" + utf8[cut:cut + 60] + b"\x00\x00" + utf8[cut + 60:],
        [ROW], "NUL bytes")
    put("encoding/invalid_utf8_middle.html", utf8[:cut] + b"\xff\xfe\xc3" + utf8[cut:], [ROW], "invalid UTF-8")
    put("encoding/bom_utf8.html", codecs.BOM_UTF8 + utf8, [ROW], "BOM")
    put("encoding/bom_utf16le.html", page.replace('charset="utf-8"', 'charset="utf-16"').encode("utf-16"),
        [ROW], "BOM")
    put("encoding/bom_utf16be.html", codecs.BOM_UTF16_BE + page.encode("utf-16-be"), [ROW], "BOM")
    put("encoding/bom_utf32le.html", codecs.BOM_UTF32_LE + page.encode("utf-32-le"), [ROW], "BOM")
    put("encoding/bom_utf32be.html", codecs.BOM_UTF32_BE + page.encode("utf-32-be"), [ROW], "BOM")
    put("encoding/bom_utf16le.txt", "\n\n".join(PARAGRAPHS).encode("utf-16"), [ROW], "BOM")
    half = len(PARAGRAPHS) // 2
    mixed = (html_page("夜班补贴", PARAGRAPHS[:half], charset=None).encode("gbk")
             .replace(b"</div></div>", html_page("", PARAGRAPHS[half:], charset=None)
                      .split('<div class="content">')[1].split("</div>")[0].encode("utf-8") + b"</div></div>", 1))
    put("encoding/mixed_gbk_utf8.html", mixed, [ROW], "mixed GBK/UTF-8")
    put("encoding/wrong_declared_gbk_is_utf8.html", page.replace('charset="utf-8"', 'charset="gb2312"').encode("utf-8"),
        [ROW], "unknown/wrong encoding")
    put("encoding/unknown_charset_name.html", page.replace('charset="utf-8"', 'charset="x-klingon-8"').encode("gb18030"),
        [ROW], "unknown/wrong encoding")
    put("encoding/undeclared_big5.html", html_page("醫管局提高津貼", PARAGRAPHS_TRAD, charset=None, trad=True).encode("big5"),
        [ROW], "unknown/wrong encoding")
    put("encoding/gbk.txt", "\n\n".join(PARAGRAPHS).encode("gbk"), [ROW], "unknown/wrong encoding")
    put("encoding/shift_jis.html", html_page("看護師の夜勤手当", ["看護師の夜勤手当が来年度から引き上げられることになり、"
        "病院側は休憩室の設備も改善すると発表しました。" * 3], charset=None, trad=True).encode("shift_jis", "xmlcharrefreplace"),
        [ROW], "unknown/wrong encoding")
    contains["encoding/shift_jis.html"] = "看護師の夜勤手当"

    for rel in ("good/utf8.html", "good/gbk.html", "nul/few_nuls.html", "encoding/invalid_utf8_middle.html",
                "encoding/bom_utf8.html", "encoding/bom_utf16le.html", "encoding/bom_utf16be.html",
                "encoding/bom_utf32le.html", "encoding/bom_utf32be.html", "encoding/bom_utf16le.txt",
                "encoding/wrong_declared_gbk_is_utf8.html", "encoding/unknown_charset_name.html", "encoding/gbk.txt"):
        contains[rel] = "每个夜班补贴标准由原来的五十元提高到一百二十元"
    contains["encoding/mixed_gbk_utf8.html"] = "大家的积极性明显提升"  # from the UTF-8 half
    contains["good/big5.html"] = contains["encoding/undeclared_big5.html"] = "每個夜班津貼標準"

    # -- mojibake text ------------------------------------------------------------------------
    moji_latin = "\n\n".join(PARAGRAPHS).encode("utf-8").decode("cp1252", "replace")
    put("mojibake/utf8_as_cp1252.txt", moji_latin.encode("utf-8"), ["mojibake"], "all mojibake")
    moji_gbk = "\n\n".join(PARAGRAPHS).encode("utf-8").decode("gbk", "replace")
    put("mojibake/utf8_as_gbk.html", html_page("乱码", moji_gbk.split("\n\n")).encode("utf-8"), ["mojibake"],
        "all mojibake")
    # GBK bytes read as UTF-8 (U+FFFD), saved as UTF-8, then read as GBK: the classic 锟斤拷
    kunjinkao = "\n\n".join(PARAGRAPHS).encode("gbk").decode("utf-8", "replace").encode("utf-8").decode("gbk", "replace")
    put("mojibake/kunjinkao_gbk.html", html_page("乱码", kunjinkao.split("\n\n"), charset="gbk").encode("gbk", "replace"),
        ["mojibake"], "all mojibake")

    # -- size and structure limits --------------------------------------------------------------
    huge = root / "limits/huge_200mb.html"
    huge.parent.mkdir(parents=True, exist_ok=True)
    with open(huge, "wb") as handle:  # sparse: a real head, then a hole up to huge_bytes
        handle.write(utf8[:400])
        handle.truncate(huge_bytes)
    manifest["limits/huge_200mb.html"] = ["too_large"]
    kinds["limits/huge_200mb.html"] = "huge page"
    deep = "<html><body>" + "<div>" * 10_000 + "<p>" + PARAGRAPHS[0] + "</p>" + "</div>" * 10_000 + "</body></html>"
    put("limits/deep_10000.html", deep.encode("utf-8"), ["too_deep"], "deep DOM")
    deep_mid = "<html><body>" + "<div>" * 300 + "<p>" + PARAGRAPHS[0] + "</p>" + "</div>" * 300 + "</body></html>"
    put("limits/deep_300.html", deep_mid.encode("utf-8"), ["too_deep"], "deep DOM")
    wide = "<html><body>" + "<span>字</span>" * 250_000 + "<p>" + PARAGRAPHS[0] + "</p></body></html>"
    put("limits/many_nodes.html", wide.encode("utf-8"), ["too_many_nodes"], "node count")

    # -- compression: wrong extensions and bombs ---------------------------------------------------
    put("compressed/gzip_named_html.html", _gzip(utf8), [ROW], "compressed, wrong extension")
    put("compressed/gzip_named_txt.txt", _gzip("\n\n".join(PARAGRAPHS).encode("utf-8")), [ROW],
        "compressed, wrong extension")
    put("compressed/bzip2_named_html.html", bz2.compress(utf8), ["binary_input"], "compressed, wrong extension")
    put("compressed/xz_named_html.html", lzma.compress(utf8), ["binary_input"], "compressed, wrong extension")
    put("compressed/truncated_gzip.html", _gzip(utf8 * 4)[:700], ["truncated_input"], "compressed, wrong extension")
    put("compressed/corrupt_gzip.html", _gzip(utf8)[:20] + b"\x00garbage" * 50, ["corrupt_compression"],
        "compressed, wrong extension")
    put("bombs/gzip_bomb.html", _gzip(b"<html><body>" + b"\x20" * (60 << 20)), ["decompression_bomb"], "zip/gzip bomb")
    put("bombs/gzip_bomb_multimember.html", _gzip(b"<p>" + b"a" * (4 << 20)) * 3, ["decompression_bomb"],
        "zip/gzip bomb")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("page.html", b"\x20" * (50 << 20))
    put("bombs/zip_bomb.html", buffer.getvalue(), ["unsupported_archive"], "zip/gzip bomb")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("article.txt", "\n\n".join(PARAGRAPHS))
    put("compressed/zip_named_txt.txt", buffer.getvalue(), ["unsupported_archive"], "compressed, wrong extension")

    # -- XML tricks -------------------------------------------------------------------------------
    laughs = html_page("夜班补贴标准提高", PARAGRAPHS[:2] + ["&lol9;"], doctype=(
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html [\n' + _billion_laughs() + "\n]>"))
    put("xml/billion_laughs.xhtml", laughs.encode("utf-8"), [ROW], "XML entity tricks")
    xxe = html_page("夜班补贴标准提高", PARAGRAPHS[:2] + ["&xxe;"], doctype=(
        f'<?xml version="1.0"?>\n<!DOCTYPE html [<!ENTITY xxe SYSTEM "file://{secret_path.resolve()}">]>'))
    put("xml/xxe_external_entity.html", xxe.encode("utf-8"), [ROW], "XML entity tricks")
    sitemap = ('<?xml version="1.0"?>\n<!DOCTYPE urlset [' + _billion_laughs() + ']>\n'
               '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://news.example.cn/&lol9;</loc></url></urlset>')
    put("xml/sitemap_laughs.xml", sitemap.encode("utf-8"), ["unsupported_input"], "XML entity tricks")

    # -- JSONL -------------------------------------------------------------------------------------
    good = [{"id": f"a{i}", "title": "夜班补贴标准提高", "text": "\n".join(PARAGRAPHS[i:] + PARAGRAPHS[:i]),
             "url": f"https://news.example.cn/a/{i}.html", "date": "2021-03-15"} for i in range(3)]
    lines = [json.dumps(good[0], ensure_ascii=False).encode("utf-8"),
             b"",  # blank lines are not documents
             json.dumps(good[1], ensure_ascii=False).encode("utf-8")[:-25],  # cut mid-record
             b"[1, 2, 3]",
             json.dumps({"id": "no-text", "title": "only a title"}).encode("utf-8"),
             json.dumps({"id": "empty-text", "text": "   "}).encode("utf-8"),
             json.dumps(good[2], ensure_ascii=False).encode("gbk"),  # not UTF-8
             b"\x00\x00\x00",
             json.dumps(good[2], ensure_ascii=False).encode("utf-8")]
    put("jsonl/broken_lines.jsonl", b"\n".join(lines) + b"\n",
        [ROW, "bad_json", "bad_json", "missing_text", "missing_text", "bad_encoding", "bad_json", ROW], "broken JSONL")
    put("jsonl/no_final_newline.jsonl", json.dumps(good[0], ensure_ascii=False).encode("utf-8"), [ROW], "broken JSONL")
    full = b"".join(json.dumps({"id": f"t{i}", "text": "".join(rng.sample(SENTENCES, 6))}, ensure_ascii=False)
                    .encode("utf-8") + b"\n" for i in range(60))
    cut_gz = _gzip(full)[: len(_gzip(full)) * 9 // 10]
    complete_lines = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS).decompress(cut_gz).count(b"\n")
    put("jsonl/truncated.jsonl.gz", cut_gz, [ROW] * complete_lines + ["truncated_input"], "broken JSONL")
    put("jsonl/empty.jsonl", b"", [], "broken JSONL")

    # -- WARC --------------------------------------------------------------------------------------
    page2 = html_page("医院改善值班室条件", PARAGRAPHS[1:]).encode("utf-8")
    records = [
        _warc_record("warcinfo", "", b"software: invented\r\n", 1),
        _response("https://news.example.cn/a/1.html", utf8, 2),
        _response("https://news.example.cn/a/2.html", page2, 3),
        _response("https://news.example.cn/missing.html", b"<html>not found</html>", 4, status="404 Not Found"),
        _response("https://news.example.cn/logo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, 5, content_type="image/png"),
        _response("https://news.example.cn/a/empty.html", b"", 6),
        _response("https://news.example.cn/../../../etc/passwd", page2.replace("值班室".encode(), "休息室".encode()), 7),
    ]
    warc_expected = [ROW, ROW, "http_status", "not_html", "empty_input", ROW]
    put("warc/good.warc.gz", b"".join(_gzip(r) for r in records), warc_expected, "WARC")
    put("warc/plain.warc", b"".join(records), warc_expected, "WARC")
    whole = b"".join(_gzip(r) for r in records)
    first_three = len(b"".join(_gzip(r) for r in records[:3]))
    put("warc/truncated.warc.gz", whole[: first_three + 40], [ROW, ROW, "truncated_warc"], "truncated WARC")
    put("warc/zero_byte_record.warc", _warc_record("response", "https://news.example.cn/z.html", b"", 8, http=b""),
        ["empty_input"], "0-byte WARC record")
    put("warc/zero_length.warc.gz", b"", [], "0-byte WARC record")

    # -- names and strings Parquet cannot store as they are -------------------------------------
    raw_name = b"names/\xd0\xc2\xce\xc5.html"  # GBK bytes for a Chinese name, as unzip leaves them
    (root / "names").mkdir(exist_ok=True)
    (root / os.fsdecode(raw_name)).write_bytes(page_gbk.encode("gbk"))
    shown = raw_name.decode("utf-8", "backslashreplace")
    manifest[shown], kinds[shown] = [ROW], "non-UTF-8 name, lone surrogates"
    surrogates = [{"id": "s1", "title": "夜班补贴\ud800", "text": PARAGRAPHS[0] + "\udcff" + PARAGRAPHS[1]},
                  {"id": "s2", "url": "https://news.example.cn/\ud83d", "text": "\n".join(PARAGRAPHS)}]
    put("names/lone_surrogates.jsonl", b"".join(json.dumps(r).encode("ascii") + b"\n" for r in surrogates),
        [ROW, ROW], "non-UTF-8 name, lone surrogates")

    # -- files nobody can read as articles ---------------------------------------------------------
    put("other/report.pdf", b"%PDF-1.4\n" + bytes(rng.randrange(256) for _ in range(500)), ["unsupported_input"],
        "unsupported file type")
    put("other/no_extension", utf8, ["unsupported_input"], "unsupported file type")
    return Corpus(root=root, manifest=manifest, kinds=kinds, secret_path=secret_path, secret_text=secret_text,
                  contains=contains)


#: Invented sentences the SIGKILL-trial corpus is assembled from.
SENTENCES = [
    "记者从市卫生健康委员会获悉，今年起全市公立医院将为夜班医护人员发放夜班补贴。",
    "每个夜班补贴标准由原来的五十元提高到一百二十元，所需资金纳入医院年度预算。",
    "新政策覆盖临床、医技和护理等岗位，连续值班超过十二小时的人员可以申请调休。",
    "院方表示，将同步改善值班室住宿条件，为夜班人员提供热餐和休息空间。",
    "一位在急诊科工作了八年的护士说，补贴提高以后，科室人员流失的情况有望缓解。",
    "下一步还将研究出台基层医务人员职称评审倾斜政策，并开展心理疏导服务。",
    "区教育局公布了今年秋季小学招生方案，新增学位两千个，主要集中在新建小区。",
    "气象台发布暴雨黄色预警，预计未来三小时内部分地区降雨量将超过五十毫米。",
    "市场监管部门近日开展春季食品安全检查，抽检蔬菜水果样品三百余批次。",
    "本届篮球联赛共有十二支球队参赛，比赛将持续到年底，决赛在市体育馆举行。",
    "社区卫生服务中心为辖区老人开展免费体检，并建立了家庭医生签约档案。",
    "公交公司宣布新开通三条夜班线路，方便医院、工厂等单位的夜班职工通勤。",
]


def make_crash_corpus(root: Path, pages: int = 120, records: int = 60, seed: int = 3) -> Path:
    """A clean corpus for the SIGKILL trials: ``pages`` HTML pages assembled from invented
    sentences (every tenth a near-duplicate, so dedup has work) and one JSONL file."""
    rng = random.Random(seed)
    previous: list[str] = []
    for i in range(pages):
        if i % 10 == 9:  # a near-duplicate of the previous page: same body, another site
            body = previous
        else:
            body = ["".join(rng.sample(SENTENCES, 4)) + f"（第{i}期）" for _ in range(3)]
        previous = body
        folder = root / f"site{i % 4}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"page{i:03d}.html").write_text(html_page(f"本地新闻第{i}期", body), encoding="utf-8")
    with open(root / "feed.jsonl", "w", encoding="utf-8") as handle:
        for i in range(records):
            text = "\n".join("".join(rng.sample(SENTENCES, 3)) for _ in range(3))
            handle.write(json.dumps({"id": f"r{i}", "title": f"快讯{i}", "text": text, "date": "2021-04-01"},
                                    ensure_ascii=False) + "\n")
    return root


def collect_outcomes(output_dir: Path, prefix: str) -> dict[str, list[tuple[str, str]]]:
    """``{relative path: [(outcome, detail), ...]}`` read back from a finished run's output.

    ``prefix``: how the run saw the corpus root in ``source_path`` (e.g. ``"bad/"``).
    Rows give ``("row", text_original)``; rejects ``(reason, "stage: detail")``.
    """
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq

    found: dict[str, list[tuple[str, str]]] = {}

    def key(path: str) -> str:
        return path[len(prefix):] if path.startswith(prefix) else path

    if any((output_dir / "articles").rglob("*.parquet")):
        articles = ds.dataset(output_dir / "articles", format="parquet", partitioning="hive")
        for row in articles.to_table(columns=["source_path", "text_original"]).to_pylist():
            found.setdefault(key(row["source_path"]), []).append((ROW, row["text_original"] or ""))
    for row in pq.read_table(output_dir / "rejects").to_pylist():
        found.setdefault(key(row["source_path"]), []).append((row["reason"], f"{row['stage']}: {row['detail']}"))
    return found


def check_file(corpus: Corpus, rel: str, found: dict[str, list[tuple[str, str]]]) -> str | None:
    """None when ``rel`` got exactly its expected outcomes, else what went wrong."""
    from collections import Counter

    got = found.get(rel, [])
    if Counter(o for o, _ in got) != Counter(corpus.manifest[rel]):
        return f"expected {sorted(corpus.manifest[rel])}, got {sorted(got)[:6]}"
    snippet = corpus.contains.get(rel)
    if snippet and not any(snippet in text for outcome, text in got if outcome == ROW):
        return f"no row contains {snippet!r}: {[t[:80] for o, t in got if o == ROW]}"
    return None


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python tests/make_bad_inputs.py OUT_DIR", file=sys.stderr)
        return 2
    corpus = generate(Path(argv[0]))
    print(json.dumps(corpus.manifest, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
