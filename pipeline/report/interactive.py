"""Interactive charts of the report: Vega-Lite specs built with altair, rendered in the page by the
vega-embed bundle that vl-convert ships (inlined: the report still opens offline).

Two views get one: the topic trend (hover a point for its values, click a legend entry to
highlight a topic) and the source explorer (click a source's bar to see its topic trend, shift-click
for several).  The static SVG charts stay in the page (the interactive ones are left out of print).  Everything here needs the ``interactive`` extra (``pip install 'zhnews[interactive]'``).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

Label = Callable[[str], str]

#: vega-embed options: SVG marks (crisp, and reachable by the browser test), no export menu.
EMBED_OPTIONS = {"renderer": "svg", "actions": False}


def available() -> bool:
    """Whether the ``interactive`` extra (altair and vl-convert) is installed."""
    from pipeline.extras import missing_modules

    return not missing_modules("interactive")


@functools.cache
def script_bundle() -> str:
    """vega, vega-lite and vega-embed as one script (about 0.9 MB), safe inside a ``<script>`` element."""
    import vl_convert
    from altair.utils._importers import vl_version_for_vl_convert

    # the stub wants a snippet; without one the bundle defines the globals vegaEmbed, vegaLite and vega
    bundle: str = vl_convert.javascript_bundle(vl_version=vl_version_for_vl_convert())  # type: ignore[call-arg]
    # "</script" would end the element; "<\\/script" means the same inside JS strings and regexes
    return re.sub(r"</(script)", r"<\\/\1", bundle, flags=re.IGNORECASE)


def _long(counts: pd.DataFrame, label: Label, **extra: str) -> list[dict[str, Any]]:
    return [
        {**extra, "period": str(period), "topic": label(str(topic)), "articles": int(value)}
        for period, row in counts.iterrows() for topic, value in row.items()
    ]


def topic_trend_spec(counts: pd.DataFrame, label: Label) -> dict[str, Any] | None:
    """Articles per period and topic as lines with hoverable points (None when there is nothing to draw)."""
    import altair as alt

    if counts.empty or not len(counts.columns):
        return None
    periods = [str(p) for p in counts.index]
    pick = alt.selection_point(fields=["topic"], bind="legend", name="topic_pick")
    base = alt.Chart(alt.Data(values=_long(counts, label))).encode(
        x=alt.X("period:O", sort=periods, title="期间 period"),
        y=alt.Y("articles:Q", title="文章数 articles", axis=alt.Axis(tickMinStep=1, format="d")),
        color=alt.Color("topic:N", title="主题 topic"),
        opacity=alt.condition(pick, alt.value(1.0), alt.value(0.15)),
    )
    lines = base.mark_line().add_params(pick)
    points = base.mark_point(filled=True, size=40).encode(
        tooltip=[alt.Tooltip("period:O", title="period"), alt.Tooltip("topic:N", title="topic"),
                 alt.Tooltip("articles:Q", title="articles")]
    )
    chart = (lines + points).properties(width="container", height=320,
                                        title="各主题文章数（悬停查看数值，点击图例突出主题） Articles per topic")
    return chart.to_dict()


def source_explorer_spec(source_counts: pd.Series, trends: Mapping[str, pd.DataFrame], label: Label
                         ) -> dict[str, Any] | None:
    """Bars of articles per source; clicking one shows that source's topic trend beside it."""
    import altair as alt

    if source_counts.empty or not trends:
        return None
    rows = [r for source, table in trends.items() for r in _long(table, label, source=source)]
    if not rows:
        return None
    periods = [str(p) for p in next(iter(trends.values())).index]
    topics = list(dict.fromkeys(r["topic"] for r in rows))  # one colour per topic whatever is selected
    pick = alt.selection_point(fields=["source"], name="source_pick")
    bars_data = [{"source": s, "articles": int(n)} for s, n in source_counts.items()]
    bars = alt.Chart(alt.Data(values=bars_data)).mark_bar().encode(
        y=alt.Y("source:N", sort="-x", title=None),
        x=alt.X("articles:Q", title="文章数 articles", axis=alt.Axis(tickMinStep=1, format="d")),
        color=alt.condition(pick, alt.value("#4c72b0"), alt.value("#c8d3e6")),
        tooltip=[alt.Tooltip("source:N"), alt.Tooltip("articles:Q")],
    ).add_params(pick).properties(width=260, height=alt.Step(22), title="来源（点击筛选） Sources: click to filter")
    trend = alt.Chart(alt.Data(values=rows)).transform_filter(pick).transform_aggregate(
        articles="sum(articles)", groupby=["period", "topic"]
    ).encode(
        x=alt.X("period:O", sort=periods, title="期间 period"),
        y=alt.Y("articles:Q", title="文章数 articles", axis=alt.Axis(tickMinStep=1, format="d")),
        color=alt.Color("topic:N", title="主题 topic", scale=alt.Scale(domain=topics)),
    )
    lines = trend.mark_line() + trend.mark_point(filled=True, size=30).encode(
        tooltip=[alt.Tooltip("period:O"), alt.Tooltip("topic:N"), alt.Tooltip("articles:Q")]
    )
    chart = alt.hconcat(bars, lines.properties(width=500, height=320,
                                                title="所选来源的主题趋势 Topic trend of the selected sources"))
    return chart.to_dict()


def embed_markup(key: str) -> str:
    """The element a spec is drawn into."""
    return f'<div class="interactive" id="vis-{key}"></div>'


def _json(value: Any) -> str:
    """JSON safe inside a ``<script>`` element."""
    return json.dumps(value, ensure_ascii=False).replace("</", "<\\/")


def embed_script(specs: Mapping[str, dict[str, Any]]) -> str:
    """``<script>`` elements with the bundle and the calls drawing every spec (each view's Vega
    view is kept in ``window.zhnewsViews[key]``)."""
    if not specs:
        return ""
    calls = "".join(
        f"vegaEmbed('#vis-{key}', {_json(spec)}, {_json(EMBED_OPTIONS)})"
        f".then(r => {{ window.zhnewsViews['{key}'] = r.view; }}).catch(console.error);\n"
        for key, spec in specs.items()
    )
    return f"<script>{script_bundle()}</script>\n<script>window.zhnewsViews = {{}};\n{calls}</script>"
