"""``zhnews crawl`` from the command line: arguments, summary, refusal of private targets."""

from __future__ import annotations

from pathlib import Path

import pytest
from crawl_pages import news_page
from crawl_server import Route, TestSite
from warcio.archiveiterator import ArchiveIterator

from pipeline.cli import main

pytestmark = pytest.mark.slow  # runs the crawler command


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["crawl"], "give --urls, --sitemap or --feed"),
        (["crawl", "--urls", "no-such-file.txt"], "neither an http(s) URL nor a readable file"),
        (["crawl", "--urls", "http://example.cn/", "--delay", "-1"], "--delay must be >= 0"),
        (["crawl", "--urls", "http://example.cn/", "--concurrency", "0"], "--concurrency must be >= 1"),
        (["crawl", "--urls", "http://example.cn/", "--include", "(unclosed"], "bad pattern"),
    ],
)
def test_bad_arguments_exit_2(argv: list[str], message: str, tmp_path: Path,
                              capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*argv, "--out", str(tmp_path / "c")]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_private_targets_are_refused_without_allow_private(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    with TestSite() as site:
        site.add("/a.html", Route(news_page(1).encode()))
        seeds = tmp_path / "seeds.txt"
        seeds.write_text(f"# seeds\n{site.url('/a.html')}\n\nhttp://localhost:{site.port}/a.html\nnot a url\n")
        code = main(["crawl", "--urls", str(seeds), "--out", str(tmp_path / "c"), "--delay", "0",
                     "--retries", "0"])
        assert site.hits == []  # not even robots.txt
    out = capsys.readouterr().out
    assert code == 0
    assert "ignoring invalid URL 'not a url'" in out
    assert "archived 0 pages" in out and "failed: private_address 2" in out


def test_crawl_with_sitemap_and_feed_prints_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with TestSite() as site:
        site.add("/robots.txt", Route(b"User-agent: *\nDisallow: /hidden/\n", content_type="text/plain"))
        for i in range(6):
            site.add(f"/2024-01/0{i}/p.html", Route(news_page(i).encode()))
        site.add("/hidden/x.html", Route(news_page(9).encode()))
        site.add("/about.html", Route(news_page(8).encode()))
        locs = "".join(f"<url><loc>/2024-01/0{i}/p.html</loc></url>" for i in range(4))
        site.add("/sitemap.xml", Route(f"<urlset>{locs}<url><loc>/about.html</loc></url></urlset>".encode(),
                                       content_type="text/xml"))
        items = "".join(f"<entry><link href='/2024-01/0{i}/p.html'/></entry>" for i in range(3, 6))
        site.add("/atom.xml", Route(f"<feed xmlns='http://www.w3.org/2005/Atom'>{items}"
                                    "<entry><link href='/hidden/x.html'/></entry></feed>".encode(),
                                    content_type="application/atom+xml"))
        out_dir = tmp_path / "c"
        code = main(["crawl", "--sitemap", site.url("/sitemap.xml"), "--feed", site.url("/atom.xml"),
                     "--include", r"/\d{4}-\d{2}/\d{2}/", "--out", str(out_dir), "--delay", "0.01",
                     "--allow-private"])
        assert site.paths()["/about.html"] == 0  # excluded by --include
    out = capsys.readouterr().out
    assert code == 0
    assert "archived 6 pages this run (6 in total); sitemaps/feeds read: 2; still queued: 0" in out
    warcs = sorted((out_dir / "warc").glob("*.warc.gz"))
    assert len(warcs) == 1 and warcs[0].name in out
    with warcs[0].open("rb") as fh:
        kinds = [r.rec_type for r in ArchiveIterator(fh)]
    assert kinds == ["warcinfo"] + ["request", "response"] * 6
    # running again resumes a finished crawl: nothing is fetched twice
    assert main(["crawl", "--out", str(out_dir), "--allow-private", "--delay", "0"]) == 0
    assert "archived 0 pages this run (6 in total)" in capsys.readouterr().out


def test_max_pages_stops_and_a_rerun_continues(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with TestSite() as site:
        for i in range(8):
            site.add(f"/n/{i}.html", Route(news_page(i).encode()))
        seeds = [site.url(f"/n/{i}.html") for i in range(8)]
        args = ["crawl", "--urls", *seeds, "--out", str(tmp_path / "c"), "--delay", "0", "--allow-private"]
        assert main([*args, "--max-pages", "3", "--concurrency", "2"]) == 0
        assert "archived 3 pages this run (3 in total); sitemaps/feeds read: 0; still queued: 5" in capsys.readouterr().out
        assert main([*args, "--max-pages", "6"]) == 0
        assert "archived 3 pages this run (6 in total)" in capsys.readouterr().out
        assert main(args) == 0
        assert "archived 2 pages this run (8 in total); sitemaps/feeds read: 0; still queued: 0" in capsys.readouterr().out
        pages = site.paths()
        assert pages.pop("/robots.txt") == 3  # once per run
        assert sorted(pages.values()) == [1] * 8
