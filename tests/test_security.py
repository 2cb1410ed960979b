"""Security: no untrusted unpickling, no private crawl targets, no entity resolution, no path
escapes.  Everything runs for real (a local HTTP server, real model files, real runs)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from pipeline.extract import extract_html
from tests.crawl_server import Route, TestSite
from tests.make_bad_inputs import PARAGRAPHS, _gzip, _response, _warc_record, html_page

REPO = Path(__file__).resolve().parent.parent


def zhnews(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


# -- models: skops files of plain arrays, audited before loading ---------------------------------
class _Touch:
    """Creates a file when unpickled: proof that a loader ran code from the file."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self):
        return (Path.touch, (Path(self.path),))


class _Marker:
    """Creates a file when skops builds it from a file (``__setstate__``): proof that it was loaded."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __setstate__(self, state: dict) -> None:
        Path(state["path"]).touch()
        self.__dict__.update(state)


def _model_dir(tmp_path: Path, content: object) -> Path:
    """A model directory whose ``model.skops`` is ``content`` written by skops itself."""
    import skops.io as sio

    folder = tmp_path / "model"
    folder.mkdir()
    sio.dump(content, folder / "model.skops")
    return folder


def test_model_loader_refuses_pickles(tmp_path: Path) -> None:
    """A pickle named model.skops is not a zip archive: refused, never unpickled."""
    import pickle

    from pipeline.classify.persist import load_model
    from pipeline.errors import UsageError

    folder = tmp_path / "model"
    folder.mkdir()
    marker = tmp_path / "was-unpickled"
    (folder / "model.skops").write_bytes(pickle.dumps(_Touch(str(marker))))
    with pytest.raises(UsageError, match="not a model file"):
        load_model(folder)
    assert not marker.exists()


@pytest.mark.parametrize("where", ["value", "object array"])
def test_model_loader_refuses_untrusted_types_unloaded(tmp_path: Path, where: str) -> None:
    """A skops file naming a type skops does not trust by default (here a class of this module,
    alone or inside an array of objects) is refused before anything in it is built."""
    import skops.io as sio

    from pipeline.classify.persist import FORMAT, load_model
    from pipeline.errors import UsageError

    marker = tmp_path / "was-loaded"
    payload = _Marker(str(marker))
    value = payload if where == "value" else np.array([payload], dtype=object)
    folder = _model_dir(tmp_path, {"header": json.dumps({"format": FORMAT, "state": {}}), "a0": value})
    with pytest.raises(sio.exceptions.UntrustedTypesFoundException):  # the file is what the test says
        sio.load(folder / "model.skops")
    with pytest.raises(UsageError, match=r"names types that skops does not trust by default \(\S*_Marker\), so it was not loaded"):
        load_model(folder)
    assert not marker.exists()


def test_model_loader_refuses_functions_named_by_the_file(tmp_path: Path) -> None:
    """A skops file that names a function (os.system) is refused unloaded."""
    from pipeline.classify.persist import FORMAT, load_model
    from pipeline.errors import UsageError

    folder = _model_dir(tmp_path, {"header": json.dumps({"format": FORMAT, "state": {}}), "a0": os.system})
    with pytest.raises(UsageError, match=r"\(\w+\.system\), so it was not loaded.*retrain"):
        load_model(folder)


def test_model_loader_refuses_trusted_objects_that_are_not_a_model(tmp_path: Path) -> None:
    """skops trusts scikit-learn estimators by default; a file of one is still not a model."""
    from sklearn.linear_model import LogisticRegression

    from pipeline.classify.persist import load_model
    from pipeline.errors import UsageError

    with pytest.raises(UsageError, match="not a model file"):
        load_model(_model_dir(tmp_path, LogisticRegression()))


def test_model_loader_refuses_code_named_by_the_header(tmp_path: Path) -> None:
    """The only code a model file may name is one of the project's analyzers."""
    from pipeline.classify.persist import FORMAT, load_model
    from pipeline.errors import UsageError

    block = {"$tfidf": {"analyzer": "system", "terms": {"text": {"$array": "a0"}, "lengths": {"$array": "a1"}},
                        "idf": None, "sublinear_tf": True, "norm": "l2"}}
    state = {"kind": "multilabel", "features": {"$features": {"blocks": [["chars", block]], "weights": {}}}}
    folder = _model_dir(tmp_path, {"header": json.dumps({"format": FORMAT, "state": state}),
                                   "a0": np.frombuffer("医生".encode(), dtype=np.uint8), "a1": np.array([2])})
    with pytest.raises(UsageError, match="analyzer 'system' is not one of"):
        load_model(folder)


# -- crawler: no file://, private or loopback targets unless --allow-private ----------------------
@pytest.fixture
def site():
    with TestSite() as running:
        running.add("/robots.txt", Route(body=b"User-agent: *\nAllow: /\n", content_type="text/plain"))
        running.add("/news/1.html", Route(body=html_page("本地新闻", PARAGRAPHS).encode("utf-8")))
        yield running


def _crawl(tmp_path: Path, urls: list[str], *extra: str) -> tuple[subprocess.CompletedProcess[str], list[dict]]:
    out = tmp_path / "crawl"
    done = zhnews("crawl", "--urls", *urls, "--out", str(out), "--delay", "0", "--retries", "0",
                  "--timeout", "5", "--user-agent", "zhnews-test (+test@example.org)", *extra, cwd=tmp_path)
    log = out / "crawl_log.jsonl"
    rows = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()] if log.exists() else []
    return done, rows


def test_crawler_refuses_loopback_and_private_targets(tmp_path: Path, site: TestSite) -> None:
    port = site.port
    targets = [site.url("/news/1.html"), f"http://localhost:{port}/news/1.html", f"http://[::1]:{port}/a.html",
               "http://10.1.2.3/a.html", "http://169.254.169.254/latest/meta-data/", "http://192.168.0.1/",
               f"http://2130706433:{port}/news/1.html", f"http://0x7f000001:{port}/news/1.html"]
    done, rows = _crawl(tmp_path, targets)
    assert done.returncode == 0, done.stderr
    assert site.requests_for("/news/1.html") == [] and site.requests_for("/robots.txt") == []
    assert rows and all(r["status"] != "done" for r in rows)
    assert {r["reason"] for r in rows if r["kind"] == "page"} <= {"private_address", "robots", "connect_error"}
    assert any(r["reason"] == "private_address" for r in rows)
    assert not list((tmp_path / "crawl" / "warc").glob("*.warc.gz")) or "archived 0 pages" in done.stdout


def test_crawler_refuses_file_urls(tmp_path: Path) -> None:
    """As seeds (even with --allow-private) and through the crawl API."""
    from pipeline.crawl.config import CrawlConfig
    from pipeline.crawl.crawler import Crawler

    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-FILE-CONTENT", encoding="utf-8")
    done, rows = _crawl(tmp_path, [secret.resolve().as_uri()], "--allow-private")
    assert done.returncode == 2 and "http(s)" in done.stderr
    crawler = Crawler(CrawlConfig(allow_private=True), tmp_path / "api")
    try:
        assert crawler.add_seeds(["file:///etc/passwd", secret.resolve().as_uri(), "ftp://example.cn/a"]) == [
            "file:///etc/passwd", secret.resolve().as_uri(), "ftp://example.cn/a"]
    finally:
        crawler.close()


def test_crawler_refuses_redirect_to_file_url(tmp_path: Path, site: TestSite) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-FILE-CONTENT", encoding="utf-8")
    site.add("/go.html", Route(fault="redirect", status=302, location=secret.resolve().as_uri()))
    done, rows = _crawl(tmp_path, [site.url("/go.html")], "--allow-private")
    assert done.returncode == 0, done.stderr
    assert [r["reason"] for r in rows if r["kind"] == "page"] == ["bad_scheme"]
    for warc in (tmp_path / "crawl").rglob("*.warc*"):
        assert b"SECRET-FILE-CONTENT" not in warc.read_bytes()


def test_allow_private_opens_loopback(tmp_path: Path, site: TestSite) -> None:
    done, rows = _crawl(tmp_path, [site.url("/news/1.html")], "--allow-private")
    assert done.returncode == 0, done.stderr
    assert [r["status"] for r in rows if r["kind"] == "page"] == ["done"]
    assert len(site.requests_for("/news/1.html")) == 1


# -- no entity resolution, no network while parsing --------------------------------------------------
def test_xxe_page_does_not_read_local_files(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-FILE-CONTENT", encoding="utf-8")
    doctype = (f'<?xml version="1.0"?>\n<!DOCTYPE html [<!ENTITY xxe SYSTEM "{secret.resolve().as_uri()}">\n'
               f'<!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote;]>')
    page = html_page("夜班补贴", PARAGRAPHS[:2] + ["附件：&xxe;"] + PARAGRAPHS[2:], doctype=doctype)
    for data in (page, page.encode("utf-8")):
        article = extract_html(data)
        assert "SECRET-FILE-CONTENT" not in article.body() + (article.title or "")
        assert PARAGRAPHS[0] in article.body()


def test_scripts_are_never_run_or_kept(tmp_path: Path) -> None:
    """Script, iframe and object content is dropped, and nothing they point at is fetched."""
    marker = tmp_path / "fetched.txt"
    marker.write_text("LOCAL-FILE-CONTENT", encoding="utf-8")
    extra = (f'<script>document.write("脚本注入的文字内容");</script><iframe src="{marker.as_uri()}"></iframe>'
             f'<object data="{marker.as_uri()}"></object><img src="{marker.as_uri()}" onerror="alert(1)">')
    page = html_page("夜班补贴", PARAGRAPHS).replace("<div class=\"content\">", "<div class=\"content\">" + extra)
    article = extract_html(page.encode("utf-8"))
    assert "脚本注入" not in article.body() and "LOCAL-FILE-CONTENT" not in article.body()
    assert PARAGRAPHS[1] in article.body()


def test_billion_laughs_stays_small() -> None:
    entities = ['<!ENTITY a0 "哈哈哈哈哈哈哈哈哈哈">'] + [
        f'<!ENTITY a{i} "{("&a" + str(i - 1) + ";") * 10}">' for i in range(1, 10)]
    page = html_page("夜班补贴", PARAGRAPHS + ["&a9;"], doctype="<!DOCTYPE html [" + "".join(entities) + "]>")
    article = extract_html(page.encode("utf-8"))
    assert len(article.body()) < 10 * len(page)


def test_sitemap_parser_resolves_no_entities(tmp_path: Path) -> None:
    from pipeline.crawl.discover import parse_sitemap

    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-FILE-CONTENT", encoding="utf-8")
    laughs = "".join(f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    xml = (f'<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY l0 "lol">{laughs}'
           f'<!ENTITY xxe SYSTEM "{secret.resolve().as_uri()}">]>'
           '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
           '<url><loc>https://news.example.cn/a/&xxe;</loc></url><url><loc>https://news.example.cn/&l9;</loc></url>'
           '<url><loc>https://news.example.cn/a/1.html</loc></url></urlset>')
    found = parse_sitemap(xml.encode("utf-8"), "https://news.example.cn/sitemap.xml", 1 << 20)
    joined = " ".join(found.pages)
    assert "SECRET" not in joined and "lollol" not in joined


# -- paths from WARC records, URLs and record fields never leave the output folder ------------------
def _files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


@pytest.mark.slow
def test_hostile_urls_and_ids_stay_inside_output(tmp_path: Path) -> None:
    body = html_page("夜班补贴", PARAGRAPHS).encode("utf-8")
    hostile = ["https://news.example.cn/../../../../tmp/escape.html", "file:///etc/passwd",
               "https://news.example.cn/%2e%2e/%2e%2e/escape.html", "../../escape.html", "/abs/escape.html",
               "https://news.example.cn/a/..\\..\\escape.html"]
    records = [_warc_record("warcinfo", "", b"software: test\r\n", 1)]
    records += [_response(url, body.replace(b"</h1>", f"{i}</h1>".encode()), 10 + i) for i, url in enumerate(hostile)]
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    (inputs / "hostile.warc.gz").write_bytes(b"".join(_gzip(r) for r in records))
    lines = [{"id": "../../../escape", "url": "file:///etc/passwd", "date": "../../2021", "source": "/etc",
              "title": "../..", "text": "\n".join(PARAGRAPHS)},
             {"id": "/abs/escape", "url": "https://x.cn/..%2f..%2f", "date": "2021-03-15/../../x",
              "text": "\n".join(PARAGRAPHS[::-1])}]
    (inputs / "hostile.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in lines) + "\n",
                                          encoding="utf-8")
    before = _files(tmp_path)
    done = zhnews("run", "inputs", "-o", "out", "--workers", "1", "--no-classify", "--quiet", cwd=tmp_path)
    assert done.returncode in (0, 3), done.stderr
    created = _files(tmp_path) - before
    out = (tmp_path / "out").resolve()
    assert created and all(p.resolve().is_relative_to(out) for p in created)
    assert not list(tmp_path.parent.glob("escape*")) and not Path("/tmp/escape.html").exists()
    for part in (out / "articles").rglob("*"):
        rel = part.relative_to(out / "articles").parts
        assert all(name.startswith(("year=", "month=", "part-")) for name in rel), rel
