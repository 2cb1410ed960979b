"""``zhnews report``: one self-contained HTML file (inline SVG charts, no external resources)."""

from __future__ import annotations

import datetime as dt
import html
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from matplotlib import rc_context
from matplotlib.figure import Figure

from pipeline.report import aggregate as agg
from pipeline.report import plots
from pipeline.report.load import RunData, model_rates

#: Sources in the source x topic heatmap: a screen of rows; the rest are in the sources chart.
TOP_SOURCES = 12
#: Sources with their own trend panel: six panels stay legible on one screen.
TOP_SOURCE_TRENDS = 6

_CSS = """
mark{background:#fff1a8}ul.evidence li{margin:.3em 0}
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","WenQuanYi Micro Hei","PingFang SC",
"Microsoft YaHei",sans-serif;max-width:1180px;margin:2em auto;padding:0 1em;color:#222;line-height:1.5}
h1{font-size:1.6em}h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:2em}
figure.chart{margin:1em 0}figure.chart svg{max-width:100%;height:auto}
table{border-collapse:collapse;font-size:.88em;margin:.8em 0}
th,td{border:1px solid #ddd;padding:.25em .5em;vertical-align:top;text-align:left}
th{background:#f4f4f4}dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2em 1em}
dl.facts dt{font-weight:bold}.note{color:#555;font-size:.9em}
div.interactive{width:100%;margin:1em 0}@media print{div.interactive{display:none}}
"""


@dataclass
class Section:
    """One view: a heading, an optional chart, an optional table and a note."""

    key: str
    title: str
    figure: Figure | None = None
    table: pd.DataFrame | None = None
    note: str = ""
    #: markup built from escaped text (for views a plain table cannot show)
    markup: str = ""
    #: a Vega-Lite spec drawn under the static chart when the page runs JavaScript
    interactive: dict | None = None


def figure_svg(fig: Figure, salt: str) -> str:
    """The figure as an inline ``<svg>`` element (glyphs as paths, ids unique per ``salt``)."""
    buffer = io.StringIO()
    with rc_context({"svg.hashsalt": salt, "svg.fonttype": "path"}):
        fig.savefig(buffer, format="svg")
    text = buffer.getvalue()
    return text[text.index("<svg"):]


def build_sections(run: RunData, discover_k: int = 8) -> list[Section]:
    """Every view of the report, in reading order."""
    articles, label = run.articles, run.topic_label
    totals, counts, left_out = agg.over_time(articles)
    terms = agg.top_terms_by_topic(articles)
    discovered = agg.discover_topics(articles, k=discover_k)
    clusters = agg.duplicate_clusters(articles)
    examples = agg.topic_examples(articles)
    flags, reasons = agg.quality_flag_counts(articles), agg.reject_reasons(run.rejects)
    term_table = pd.DataFrame({"topic": [label(k) for k in terms],
                               "terms": [" ".join(w for w, _ in v) for v in terms.values()]})
    if not examples.empty:
        examples = examples.assign(topic=examples["topic"].map(label),
                                   topics=examples["topics"].map(", ".join),
                                   topic_scores=examples["topic_scores"].map(
                                       lambda s: " ".join(f"{k}={v:.2f}" for k, v in s.items())))
    discovered_table = discovered.assign(terms=discovered["terms"].map(" ".join)) if not discovered.empty else discovered
    quality = pd.DataFrame([(k, format_number(v)) for k, v in agg.quality_summary(articles).items()],
                           columns=["signal", "value"])
    return [
        Section("over-time", "Articles per month by topic 各月各主题文章数",
                plots.plot_articles_over_time(totals, counts, label),
                note="Canonical articles only (one per duplicate cluster); periods are months, or quarters/years "
                     f"for long ranges; {left_out} dated articles in sparse tails (before/after the periods holding "
                     "99% of the articles) are left out. An article can carry several topics."),
        corrected_section(run, articles, counts.index, label),
        Section("shares", "Topic shares over time 主题占比", plots.plot_topic_shares(agg.topic_shares(counts), label),
                note="Each topic's share of the topic assignments, as the model assigned them (not corrected)."),
        Section("terms", "Top terms per topic 各主题高频词",
                plots.plot_term_panels(terms, "各主题特征词 Distinctive terms per topic", label), term_table,
                note="Mean TF-IDF of a term inside the topic minus outside it, over the run's tokens."),
        Section("discovered", "Discovered topics (NMF) 自动发现的主题",
                plots.plot_discovered_topics(discovered), discovered_table,
                note="Non-negative matrix factorization of the TF-IDF matrix: themes the taxonomy may not cover."),
        Section("sources", "Sources 来源", plots.plot_counts(agg.source_counts(articles), "来源 Sources"),
                note="The outlet the page or record names (a source line, or the dateline its text opens with), "
                     "else the site of its URL; [file name] of the input only when none of these exists."),
        *source_sections(run, articles, label),
        Section("duplicates", "Largest duplicate clusters 重复文章簇",
                plots.plot_duplicate_clusters(clusters), clusters,
                note="Near-duplicates (MinHash): the same story syndicated or reposted."),
        Section("examples", "An example article per topic 各主题示例",
                table=examples.drop(columns=["evidence"], errors="ignore"),
                markup=evidence_markup(examples) if "evidence" in examples else "",
                note="The article with the highest score for each topic, with all its scores; below, "
                     "the sentences of each example that the model found behind its topic, highlighted."),
        Section("quality", "Extraction quality 抽取质量", plots.plot_quality(flags, reasons), quality),
    ]


def _facts(run: RunData) -> str:
    manifest, counts = run.manifest, run.manifest.get("counts", {})
    dates = run.articles["published_date"].dropna() if len(run.articles) else pd.Series(dtype="datetime64[ns]")
    items = [
        ("Run", manifest.get("run_id", "?")),
        ("Pipeline / schema", f"{manifest.get('pipeline_version', '?')} / {manifest.get('schema_version', '?')}"),
        ("Model", manifest.get("model_version") or "none"),
        ("Articles", f"{len(run.articles)} ({int(run.articles['is_canonical'].fillna(True).astype(bool).sum()) if len(run.articles) else 0} canonical)"),
        ("Relevant", int(run.articles["relevant"].fillna(False).astype(bool).sum()) if len(run.articles) else 0),
        ("Rejected inputs", len(run.rejects)),
        ("Input documents", counts.get("documents", "?")),
        ("Publication dates", f"{dates.min().date()} – {dates.max().date()}" if len(dates) else "none"),
        ("Undated articles", int(run.articles["published_date"].isna().sum()) if len(run.articles) else 0),
    ]
    rows = "".join(f"<dt>{html.escape(str(k))}</dt><dd>{html.escape(str(v))}</dd>" for k, v in items)
    return f'<dl class="facts">{rows}</dl>'


def corrected_section(run: RunData, articles: pd.DataFrame, periods: pd.Index, label: Callable[[str], str]) -> Section:
    """Topic shares of the articles per period as `zhnews prevalence` estimates them, with intervals."""
    rates = model_rates(run)
    table = agg.corrected_topic_shares(articles, rates, periods) if rates else pd.DataFrame()
    note = ("Share of each period's canonical articles about each topic: the mean of the model's calibrated "
            "probabilities rather than a count of assigned labels; bands: 95 % intervals that carry how far the "
            "model's bias moved between the outlets of its cross-validation. `zhnews prevalence` gives the same "
            "figures as data, and with --labels a random labelled sample of this corpus corrects them.")
    if not rates:
        note = "No correction: the model that scored this run (with its cross-validated rates) is not at hand."
    return Section("corrected", "Topic shares, corrected 校正后的主题占比", plots.plot_corrected_shares(table, periods, label),
                   note=note)


def source_sections(run: RunData, articles: pd.DataFrame, label: Callable[[str], str]) -> list[Section]:
    """The source x topic heatmap (corrected shares when the model's rates are at hand) and the
    topic trends of the top sources."""
    sources = agg.top_sources(articles, TOP_SOURCES)
    rates = model_rates(run)
    if rates:
        shares = agg.corrected_source_topic_shares(articles, rates, sources)
        title = "来源 × 主题（校正后） Topic shares per source, corrected for classifier errors"
        note = ("Share of each source's canonical articles about each topic, estimated as in the corrected section "
                "(`zhnews prevalence --by source` gives intervals).")
    else:
        shares = agg.source_topic_shares(articles, sources)
        title = "来源 × 主题 Topic shares per source (as assigned)"
        note = ("Share of each source's canonical articles the model assigned each topic (not corrected: the model "
                "that scored this run is not at hand). An article can carry several topics.")
    periods, trends = agg.source_topic_trends(articles, sources[:TOP_SOURCE_TRENDS])
    return [
        Section("source-topics", "Topics per source 各来源的主题", plots.plot_source_topic_heatmap(shares, title, label),
                note=note),
        Section("source-trends", "Topic trends of the top sources 主要来源的主题趋势",
                plots.plot_source_trends(periods, trends, label),
                note=f"Canonical articles per period and topic for the {len(trends)} sources with the most articles; "
                     "the periods of the first chart."),
    ]


def format_number(value: object) -> str:
    """A table number as a reader expects it: whole numbers without decimals, others to 3 places."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.3f}"


def evidence_markup(examples: pd.DataFrame) -> str:
    """Each example's evidence sentences, highlighted, under its topic and title (text escaped)."""
    items = []
    for row in examples.itertuples(index=False):
        sentences = list(row.evidence or [])
        if not sentences:
            continue
        marks = " … ".join(f"<mark>{html.escape(s)}</mark>" for s in sentences)
        items.append(f"<li><b>{html.escape(str(row.topic))}</b> · {html.escape(str(row.title or ''))}: {marks}</li>")
    return f'<ul class="evidence">{"".join(items)}</ul>' if items else ""


def _section_html(section: Section) -> str:
    parts = [f'<section id="{section.key}"><h2>{html.escape(section.title)}</h2>']
    if section.note:
        parts.append(f'<p class="note">{html.escape(section.note)}</p>')
    if section.figure is not None:
        parts.append(f'<figure class="chart" id="chart-{section.key}">{figure_svg(section.figure, section.key)}</figure>')
    if section.interactive is not None:
        from pipeline.report.interactive import embed_markup

        parts.append(embed_markup(section.key))
    if section.table is not None and not section.table.empty:
        # pandas writes a newline inside a cell as a literal "\n": cells are one line each
        table = section.table.map(lambda v: " ".join(v.split()) if isinstance(v, str) else v)
        parts.append(table.to_html(index=False, escape=True, border=0, na_rep=""))
    if section.markup:
        parts.append(section.markup)
    parts.append("</section>")
    return "\n".join(parts)


def render_report(run: RunData, interactive: bool = True) -> str:
    """The report as one HTML document; ``interactive``: add the Vega-Lite charts when altair and
    vl-convert are installed (:mod:`pipeline.report.interactive`)."""
    sections = build_sections(run)
    script = ""
    if interactive:
        from pipeline.report import interactive as vis

        if vis.available():
            add_interactive(sections, run)
            script = vis.embed_script({s.key: s.interactive for s in sections if s.interactive is not None})
    title = f"zhnews report — {run.manifest.get('run_id', run.run_dir.name)}"
    generated = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    from pipeline.query.filters import describe

    selection = describe(run.article_filter)
    scope = f" Articles selected: {html.escape(selection)}." if selection else ""
    toc = "".join(f'<li><a href="#{s.key}">{html.escape(s.title)}</a></li>' for s in sections)
    body = "\n".join(_section_html(s) for s in sections)
    return (
        f'<!DOCTYPE html>\n<html lang="zh-Hans"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f"<style>{_CSS}</style></head><body><h1>{html.escape(title)}</h1>"
        f'<p class="note">Generated {generated} from {html.escape(str(run.run_dir))}.{scope}</p>'
        f"{_facts(run)}<ul>{toc}</ul>\n{body}\n{script}</body></html>\n"
    )


def add_interactive(sections: list[Section], run: RunData) -> None:
    """Vega-Lite specs for the topic trend and the source explorer sections."""
    from pipeline.report import interactive as vis

    articles, label = run.articles, run.topic_label
    by_key = {s.key: s for s in sections}
    _, counts, _ = agg.over_time(articles)
    if "over-time" in by_key:
        by_key["over-time"].interactive = vis.topic_trend_spec(counts, label)
    if "sources" in by_key:
        sources = agg.top_sources(articles, TOP_SOURCES)
        counted = agg.source_counts(articles, top=TOP_SOURCES, canonical_only=True)
        _, trends = agg.source_topic_trends(articles, sources)
        by_key["sources"].interactive = vis.source_explorer_spec(counted, trends, label)


def write_report(run: RunData, out: Path, interactive: bool = True) -> Path:
    """Render the report and write it atomically to ``out``."""
    from pipeline.io.atomic import write_text_atomic

    write_text_atomic(Path(out), render_report(run, interactive))
    return Path(out)
