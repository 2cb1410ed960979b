"""The report's interactive charts in headless Chromium (driven by Playwright, as the labelling page):
they draw offline, show values on hover, and a click on a source filters its topic trend."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.cli import main as cli_main
from pipeline.report.load import load_run
from tests._browser import page  # noqa: F401 - fixture
from tests._run_fixture import synthetic_run  # noqa: F401 - fixture

pytestmark = pytest.mark.slow


def _articles(page, selector: str) -> int:
    labels = page.eval_on_selector_all(selector, "els => els.map(e => e.getAttribute('aria-label'))")
    return sum(int(re.search(r"articles: (\d+)$", label).group(1)) for label in labels)


def test_interactive_charts_hover_and_filter_offline(page, synthetic_run: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    assert cli_main(["report", str(synthetic_run), "--out", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html) and "vegaEmbed" in html
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(out.as_uri())
    page.wait_for_function("window.zhnewsViews && window.zhnewsViews['over-time'] && window.zhnewsViews['sources']")
    assert not errors and all(url.startswith("file:") for url in requests)  # nothing fetched: works offline
    assert page.locator("#chart-over-time svg").count() == 1  # the static chart stays for printing

    # hover: a point of the topic trend shows its period, topic and count
    point = page.locator("#vis-over-time path[aria-roledescription='point'][aria-label*='2020-02'][aria-label*='(pay)']")
    point.hover(force=True)
    tooltip = page.locator("#vg-tooltip-element")
    tooltip.wait_for(state="visible")
    text = tooltip.inner_text()
    articles = load_run(synthetic_run).articles
    feb = articles[(articles["published_date"].dt.strftime("%Y-%m") == "2020-02") & articles["is_canonical"].astype(bool)]
    assert "2020-02" in text and "pay" in text
    assert re.search(rf"articles\s+{int(feb['topics'].map(lambda t: 'pay' in t).sum())}\b", text)

    # click: the source's bar filters the trend beside it to that source's articles
    points = "#vis-sources path[aria-roledescription='point']"
    everything = _articles(page, points)
    page.locator("#vis-sources path[aria-roledescription='bar'][aria-label*='source: 健康报;']").click()
    page.wait_for_function("window.zhnewsViews['sources'].data('source_pick_store').length === 1")
    mine = articles[(articles["source"] == "健康报") & articles["published_date"].notna()]
    expected = int(mine["topics"].map(len).sum())
    page.wait_for_function(f"""() => [...document.querySelectorAll("{points}")]
        .map(e => +e.getAttribute('aria-label').match(/articles: (\\d+)$/)[1]).reduce((a, b) => a + b, 0) === {expected}""")
    assert 0 < expected < everything


def test_static_report_has_no_script(synthetic_run: Path, tmp_path: Path) -> None:
    out = tmp_path / "static.html"
    assert cli_main(["report", str(synthetic_run), "--out", str(out), "--static"]) == 0
    html = out.read_text(encoding="utf-8")
    assert "<script" not in html and 'id="chart-sources"' in html
