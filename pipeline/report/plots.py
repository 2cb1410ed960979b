"""One matplotlib figure per view; figures are built without pyplot (no global state).

Every function takes the tables of :mod:`pipeline.report.aggregate` and a ``label`` function
turning topic keys into display names, and returns a :class:`matplotlib.figure.Figure`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from pipeline.report.fonts import use_cjk_font

Label = Callable[[str], str]


def _identity(key: str) -> str:
    return key


def _figure(width: float, height: float) -> Figure:
    use_cjk_font()
    return Figure(figsize=(width, height), layout="constrained")


def _empty(fig: Figure, ax, message: str) -> Figure:
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, color="#666")
    ax.set_axis_off()
    return fig


def _count_axis(axis) -> None:
    """Ticks at whole numbers only: the axis counts articles (its SVG group id starts ``count-axis``,
    so a browser test can find its tick labels)."""
    axis.set_major_locator(MaxNLocator(integer=True))
    axis.set_gid(f"count-axis-{axis.axis_name}-{id(axis):x}")


def _period_ticks(ax, index: pd.Index, max_ticks: int = 14) -> None:
    step = max(1, int(np.ceil(len(index) / max_ticks)))
    positions = np.arange(len(index))[::step]
    ax.set_xticks(positions, [str(index[i]) for i in positions], rotation=45, ha="right")


def _short(text: object, width: int = 28) -> str:
    value = str(text) if text is not None and text == text else "(untitled)"
    value = "".join(ch for ch in value if not "\ue000" <= ch <= "\uf8ff")  # private-use glyphs: no font has them
    return value if len(value) <= width else value[: width - 1] + "…"


def _barh(ax, labels: Sequence[str], values: np.ndarray, color: str) -> None:
    """Horizontal bars, first item on top; positional so repeated labels stay separate bars."""
    positions = np.arange(len(labels))[::-1]
    ax.barh(positions, values, color=color)
    ax.set_yticks(positions, list(labels))


def plot_articles_over_time(totals: pd.DataFrame, topic_counts: pd.DataFrame, label: Label = _identity) -> Figure:
    """Top: articles and relevant articles per period; bottom: topic assignments, stacked."""
    fig = _figure(11, 7)
    top, bottom = fig.subplots(2, 1, sharex=True)
    if totals.empty:
        return _empty(fig, top, "no dated articles")
    x = np.arange(len(totals))
    top.plot(x, totals["articles"], label="全部文章 all articles", color="#4c72b0", lw=1.6)
    top.plot(x, totals["relevant"], label="相关文章 relevant", color="#dd8452", lw=1.6)
    top.set_ylabel("文章数 articles")
    top.set_title("每期文章数 Articles per period")
    top.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    _count_axis(top.yaxis)
    counts = topic_counts.reindex(totals.index, fill_value=0)
    base = np.zeros(len(counts))
    colors = _palette(len(counts.columns))
    for color, topic in zip(colors, counts.columns):
        bottom.bar(x, counts[topic].to_numpy(), bottom=base, label=label(topic), color=color, width=0.85)
        base += counts[topic].to_numpy()
    bottom.set_ylabel("文章数 articles")
    bottom.set_title("各主题文章数 Articles per topic")
    _count_axis(bottom.yaxis)
    if len(counts.columns):  # beside the axes: inside, it covered the tallest bars
        bottom.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    _period_ticks(bottom, totals.index)
    return fig


def _palette(n: int) -> list:
    from matplotlib import colormaps

    cmap = colormaps["tab10" if n <= 10 else "tab20"]
    return [cmap(i % cmap.N) for i in range(n)]


def plot_topic_shares(shares: pd.DataFrame, label: Label = _identity) -> Figure:
    """Stacked shares of the topic assignments per period."""
    fig = _figure(11, 4.5)
    ax = fig.subplots()
    if shares.empty or not len(shares.columns):
        return _empty(fig, ax, "no topic assignments")
    x = np.arange(len(shares))
    ax.stackplot(x, *(shares[c].to_numpy() for c in shares.columns), labels=[label(c) for c in shares.columns],
                 colors=_palette(len(shares.columns)), alpha=0.9)
    ax.set_ylim(0, 1)
    ax.set_ylabel("占比 share")
    ax.set_title("主题占比随时间变化 Topic shares over time")
    ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=8)
    _period_ticks(ax, shares.index)
    return fig


def plot_term_panels(terms: Mapping[str, Sequence[tuple[str, float]]], title: str, label: Label = _identity,
                     columns: int = 3) -> Figure:
    """Small multiples: one horizontal bar chart of weighted terms per topic."""
    keys = [k for k, v in terms.items() if v]
    rows = max(1, int(np.ceil(len(keys) / columns)))
    fig = _figure(11, 2.6 * rows + 0.6)
    axes = np.atleast_1d(fig.subplots(rows, columns)).ravel()
    fig.suptitle(title)
    if not keys:
        for ax in axes[1:]:
            ax.set_axis_off()
        return _empty(fig, axes[0], "no terms")
    for ax, key in zip(axes, keys):
        words = [w for w, _ in terms[key]][::-1]
        weights = [s for _, s in terms[key]][::-1]
        ax.barh(words, weights, color="#55a868")
        ax.set_title(label(key), fontsize=10)
        ax.tick_params(axis="x", labelsize=7)
    for ax in axes[len(keys):]:
        ax.set_axis_off()
    return fig


def plot_discovered_topics(discovered: pd.DataFrame, terms_shown: int = 5) -> Figure:
    """Size of each NMF topic, labelled by its leading terms."""
    fig = _figure(11, 0.45 * max(len(discovered), 3) + 1.2)
    ax = fig.subplots()
    if discovered.empty:
        return _empty(fig, ax, "too few articles to discover topics")
    labels = [f"{row.topic}: {' '.join(row.terms[:terms_shown])}" for row in discovered.itertuples()][::-1]
    ax.barh(labels, discovered["articles"].to_numpy()[::-1], color="#8172b3")
    ax.set_xlabel("文章数 articles")
    _count_axis(ax.xaxis)
    ax.set_title("发现的主题 (NMF) Discovered topics")
    return fig


def plot_counts(series: pd.Series, title: str, xlabel: str = "文章数 articles", color: str = "#4c72b0",
                width: int = 40) -> Figure:
    """A horizontal bar chart of a count series (largest on top)."""
    fig = _figure(11, 0.38 * max(len(series), 3) + 1.2)
    ax = fig.subplots()
    if series.empty:
        return _empty(fig, ax, f"{title}: none")
    _barh(ax, [_short(i, width) for i in series.index], series.to_numpy(), color)
    ax.set_xlabel(xlabel)
    _count_axis(ax.xaxis)
    ax.set_title(title)
    return fig


def plot_duplicate_clusters(clusters: pd.DataFrame) -> Figure:
    """The largest near-duplicate clusters by size, labelled by their canonical title."""
    series = pd.Series(clusters["size"].to_numpy(), index=[_short(t, 36) for t in clusters["title"]]) \
        if not clusters.empty else pd.Series(dtype="int64")
    return plot_counts(series, "最大的重复文章簇 Largest duplicate clusters", "副本数 copies", "#c44e52", 40)


def plot_quality(flags: pd.Series, reasons: pd.Series) -> Figure:
    """Left: articles per quality flag; right: rejected inputs per stage and reason."""
    rows = max(len(flags), len(reasons), 3)
    fig = _figure(11, 0.38 * rows + 1.4)
    left, right = fig.subplots(1, 2)
    for ax, series, title, color in ((left, flags, "质量标记 Quality flags", "#937860"),
                                     (right, reasons, "拒收原因 Rejected inputs", "#da8bc3")):
        if series.empty:
            _empty(fig, ax, f"{title}: none")
            continue
        _barh(ax, [_short(i, 30) for i in series.index], series.to_numpy(), color)
        ax.set_title(title)
        _count_axis(ax.xaxis)
    return fig


def plot_corrected_shares(table: pd.DataFrame, periods: pd.Index, label: Label = _identity) -> Figure:
    """Each topic's corrected share of the articles per period, with its 95 % interval as a band."""
    fig = _figure(11, 4.5)
    ax = fig.subplots()
    if table.empty:
        return _empty(fig, ax, "no dated articles, or no cross-validated rates in the model")
    x = {p: i for i, p in enumerate(periods)}
    topics = list(dict.fromkeys(table["topic"]))
    for color, topic in zip(_palette(len(topics)), topics):
        rows = table[table["topic"] == topic]
        xs = [x[p] for p in rows["period"]]
        ax.plot(xs, rows["estimate"], color=color, label=label(topic), linewidth=1.5)
        ax.fill_between(xs, rows["low"], rows["high"], color=color, alpha=0.15, linewidth=0)
    ax.set_ylim(0, max(0.05, float(table["high"].max()) * 1.05))
    ax.set_ylabel("文章占比 share of articles")
    ax.set_title("校正后的主题占比 Topic shares corrected for classifier errors (95 % intervals)")
    ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=8)
    _period_ticks(ax, periods)
    return fig


def plot_source_topic_heatmap(shares: pd.DataFrame, title: str, label: Label = _identity, width: int = 24) -> Figure:
    """Sources (rows) x topics (columns), each cell the topic's share of the source's articles."""
    topics = [c for c in shares.columns if c != "articles"]
    fig = _figure(11, 0.42 * max(len(shares), 3) + 2.2)
    ax = fig.subplots()
    if shares.empty or not topics:
        return _empty(fig, ax, "no sources with topic assignments")
    values = shares[topics].to_numpy(dtype=float)
    image = ax.imshow(values, cmap="Blues", vmin=0, vmax=max(0.05, float(np.nanmax(values))), aspect="auto")
    ax.set_xticks(np.arange(len(topics)), [label(t) for t in topics], rotation=35, ha="right")
    ax.set_yticks(np.arange(len(shares)), [f"{_short(s, width)} (n={int(n)})" for s, n in shares["articles"].items()])
    threshold = 0.6 * float(np.nanmax(values)) if values.size else 0.0
    for (row, col), value in np.ndenumerate(values):
        ax.text(col, row, f"{value:.0%}", ha="center", va="center", fontsize=7,
                color="white" if value > threshold else "#222")
    fig.colorbar(image, ax=ax, label="占比 share", shrink=0.8)
    ax.set_title(title)
    return fig


def plot_source_trends(periods: pd.Index, trends: Mapping[str, pd.DataFrame], label: Label = _identity,
                       columns: int = 2) -> Figure:
    """Small multiples: per top source, its articles per period and topic (lines)."""
    names = [s for s, table in trends.items() if not table.empty and table.to_numpy().sum() > 0]
    rows = max(1, int(np.ceil(len(names) / columns)))
    fig = _figure(11, 2.6 * rows + 0.8)
    axes = np.atleast_1d(fig.subplots(rows, columns, sharex=True)).ravel()
    fig.suptitle("主要来源的主题趋势 Topic trends of the top sources")
    if not names or not len(periods):
        for ax in axes[1:]:
            ax.set_axis_off()
        return _empty(fig, axes[0], "no dated articles with topics")
    topics = list(dict.fromkeys(t for s in names for t in trends[s].columns))
    colors = dict(zip(topics, _palette(len(topics))))
    x = np.arange(len(periods))
    for ax, source in zip(axes, names):
        table = trends[source]
        for topic in table.columns:
            ax.plot(x, table[topic].to_numpy(), color=colors[topic], lw=1.2, label=label(topic))
        ax.set_title(_short(source, 36), fontsize=10)
        _count_axis(ax.yaxis)
        ax.set_ylim(bottom=0)
    for ax in axes[len(names):]:
        ax.set_axis_off()
    for ax in axes[max(0, len(names) - columns): len(names)]:
        _period_ticks(ax, periods, max_ticks=8)
    handles: list = [_line(colors[t]) for t in topics]
    fig.legend(handles, [label(t) for t in topics], loc="outside lower center", ncols=min(5, len(topics)), fontsize=8)
    return fig


def _line(color):  # -> Line2D
    """A legend handle: a line of ``color``."""
    from matplotlib.lines import Line2D

    return Line2D([0], [0], color=color, lw=1.5)
