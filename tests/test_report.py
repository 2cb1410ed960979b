"""The analyst views (pipeline.report) and ``zhnews report``, checked in a real headless Chromium."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from pipeline.cli import main as cli_main
from pipeline.report import aggregate as agg
from pipeline.report.fonts import find_cjk_font
from pipeline.report.load import load_run, resolve_run_dir
from tests._run_fixture import STORIES, sample_run, shared_run, synthetic_run  # noqa: F401 - fixtures

SECTIONS = ["over-time", "corrected", "shares", "terms", "discovered", "sources", "source-topics", "source-trends",
            "duplicates", "examples", "quality"]
CHARTS = [s for s in SECTIONS if s != "examples"]


@pytest.fixture(scope="module")
def run(synthetic_run: Path):
    return load_run(synthetic_run)


def test_monthly_totals_count_canonical_articles_per_month(run) -> None:
    totals = agg.monthly_totals(run.articles)
    # 46 dated rows cycle over Dec, Jan, Feb, Feb, Mar, Apr; copies 1 (Jan) and 2 (Feb) are not canonical
    assert [str(p) for p in totals.index] == ["2019-12", "2020-01", "2020-02", "2020-03", "2020-04"]
    assert totals["articles"].tolist() == [8, 7, 15, 7, 7]
    every_copy = agg.monthly_totals(run.articles, canonical_only=False)
    assert every_copy["articles"].sum() == 46


def test_topic_counts_shares_and_resampling(run) -> None:
    counts = agg.monthly_topic_counts(run.articles)
    assert set(counts.columns) == {"pay", "protection", "rest", "mental", "family"}
    assert int(counts.loc[pd.Period("2020-02", "M")].sum()) > int(counts.loc[pd.Period("2020-03", "M")].sum())
    shares = agg.topic_shares(counts)
    assert shares.sum(axis=1).round(6).eq(1).all()
    months = pd.DataFrame({"n": range(60)}, index=pd.period_range("2016-01", periods=60, freq="M"))
    quarters = agg.resample(months, max_points=48)
    assert len(quarters) == 20 and quarters["n"].iloc[0] == 0 + 1 + 2


def test_terms_examples_clusters_and_quality(run) -> None:
    terms = agg.top_terms_by_topic(run.articles, n=8, min_df=1)
    assert "家属" in [w for w, _ in terms["family"]] and "伤医" in [w for w, _ in terms["protection"]]
    assert all("菜价" not in [w for w, _ in v] for v in terms.values())
    examples = agg.topic_examples(run.articles).set_index("topic")
    assert set(examples.index) == {"pay", "protection", "rest", "mental", "family"}
    assert examples.loc["family", "title"] == STORIES[6][0] and examples.loc["family", "score"] == pytest.approx(0.8)
    clusters = agg.duplicate_clusters(run.articles)
    assert clusters[["size", "title"]].values.tolist() == [[3, STORIES[0][0]]]
    assert agg.quality_flag_counts(run.articles).to_dict() == {"pinyin_annotations": 7}
    assert agg.reject_reasons(run.rejects).to_dict() == {"extract: empty_input": 1, "normalize: too_short": 1}
    sources = agg.source_counts(run.articles, top=100)
    unnamed = [i for i in range(48) if STORIES[1 if i == 46 else 7 if i == 47 else i % 8][3] is None]
    assert sources["人民网"] == sum(1 for i in range(46) if i % 8 == 0) + 2  # copies 1 and 2 are its story
    assert sources["news.example.cn"] == len(unnamed)  # no named source: the site of the URL, not the file name
    assert not any(k.startswith("[") for k in sources.index)


def test_discovered_topics_separate_the_stories(run) -> None:
    found = agg.discover_topics(run.articles, k=4, min_df=1)
    assert len(found) == 4 and found["articles"].sum() <= len(run.articles)
    assert all(len(terms) == 10 for terms in found["terms"])


def test_resolve_run_dir_prefers_argument_then_environment(synthetic_run: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZHNEWS_RUN_DIR", str(synthetic_run))
    assert resolve_run_dir() == synthetic_run
    assert resolve_run_dir(tmp_path) == tmp_path
    nested = tmp_path / "repo" / "notebooks"
    (tmp_path / "repo" / "corpus" / "processed" / "articles").mkdir(parents=True)
    nested.mkdir()
    monkeypatch.delenv("ZHNEWS_RUN_DIR")
    assert resolve_run_dir(base=nested) == tmp_path / "repo" / "corpus" / "processed"


def test_cli_rejects_a_folder_that_is_not_a_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["report", str(tmp_path)]) == 2
    assert "not a zhnews run folder" in capsys.readouterr().err


def _chromium() -> str | None:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing under CI (.ci/run installs it with apt)")
        pytest.skip("chromium not installed")
    return found


def _headless(browser: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               f"--user-data-dir={profile}", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)


@pytest.mark.slow
@pytest.mark.parametrize("run_name", ["synthetic_run", "sample_run", "shared_run"])
def test_report_renders_in_headless_chromium(run_name: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    browser = _chromium()
    run_dir: Path = request.getfixturevalue(run_name)
    out = tmp_path / "report.html"
    assert cli_main(["report", str(run_dir), "--out", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)  # self-contained
    dom = _headless(browser, tmp_path / "profile-dom", "--dump-dom", out.as_uri()).stdout
    for key in SECTIONS:
        assert f'<section id="{key}">' in dom
    for key in CHARTS:
        assert re.search(rf'<figure class="chart" id="chart-{key}"><svg', dom), key
    static = "".join(re.findall(r"<figure.*?</figure>", dom, flags=re.S))  # the page without its scripts
    assert "Traceback" not in static and "NaN" not in static
    _assert_no_cosmetic_defects(dom)
    if run_name == "sample_run":  # scored by the packaged model: its evidence and corrected shares
        assert "<mark>" in dom and "bias moved between the outlets" in dom
    shot = tmp_path / "report.png"
    _headless(browser, tmp_path / "profile-shot", f"--screenshot={shot}", "--window-size=1280,4000", out.as_uri())
    from matplotlib.image import imread

    pixels = imread(shot)
    assert pixels.shape[:2] == (4000, 1280) and pixels.std() > 0.05  # not a blank page


def test_cjk_font_is_found_when_ci_installs_one() -> None:
    if os.environ.get("CI") or find_cjk_font():
        assert find_cjk_font() is not None
    else:
        pytest.skip("no CJK font on this machine")


def _assert_no_cosmetic_defects(dom: str) -> None:
    """What a reader of the rendered page would see: no literal \\n in the text, whole numbers on
    every count axis (matplotlib writes each tick label as a comment in its SVG group)."""
    import lxml.html

    tree = lxml.html.fromstring(dom)
    visible = " ".join(t for t in tree.xpath("//body//text()[not(parent::style) and not(parent::script)]"))
    assert "\\n" not in visible and "NaN" not in visible and "Traceback" not in visible
    axes = tree.xpath("//*[starts-with(@id, 'count-axis')]")
    assert len(axes) >= 5  # articles over time (2), discovered, sources, duplicates, quality ...
    for axis in axes:
        labels = [c.text.strip() for c in axis.xpath(".//g[starts-with(@id, 'xtick_') or starts-with(@id, 'ytick_')]//comment()")]
        assert labels and all(re.fullmatch(r"[−-]?\d+", label) for label in labels), labels
    quality = tree.xpath("//section[@id='quality']//table")[0]
    cells = dict(row.xpath("./td/text()") for row in quality.xpath(".//tr[td]"))
    assert re.fullmatch(r"\d+", cells["articles"]) and re.fullmatch(r"\d+(\.\d+)?", cells["median_char_count"])


def test_topic_legend_does_not_cover_the_bars(run) -> None:
    from pipeline.report import plots

    totals, counts, _ = agg.over_time(run.articles)
    fig = plots.plot_articles_over_time(totals, counts, run.topic_label)
    fig.canvas.draw()
    bottom = fig.axes[1]
    legend = bottom.get_legend().get_window_extent()
    bars = [patch.get_window_extent() for patch in bottom.patches]
    assert bars and not any(legend.overlaps(bar) for bar in bars)


def test_per_source_views(run) -> None:
    sources = agg.top_sources(run.articles, 3)
    # 健康报 has stories 2 (protection) and 5 (mental, rest): rows 10, 18, ..., 42 and 5, 13, ..., 45
    # (row 2 became a copy of story 0), 11 canonical articles
    assert sources[0] == "健康报"
    shares = agg.source_topic_shares(run.articles, sources)
    assert shares.loc["健康报", "articles"] == 11
    assert shares.loc["健康报", "protection"] == pytest.approx(5 / 11) and shares.loc["健康报", "mental"] == pytest.approx(6 / 11)
    assert shares.loc["健康报", "pay"] == 0.0
    periods, trends = agg.source_topic_trends(run.articles, sources)
    assert list(trends) == sources and all(t.index.equals(periods) for t in trends.values())
    dated = run.articles[(run.articles["source"] == "健康报") & run.articles["published_date"].notna()]
    assert int(trends["健康报"]["protection"].sum()) == int(dated["topics"].map(lambda t: "protection" in t).sum())


def test_excerpts_and_quality_values_read_as_text(run) -> None:
    from pipeline.report.html import format_number

    examples = agg.topic_examples(run.articles)
    assert not examples["excerpt"].str.contains("\n").any()
    assert [format_number(v) for v in (45, 45.0, 0.91234, "x")] == ["45", "45", "0.912", "x"]
