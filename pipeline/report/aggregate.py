"""The tables behind every view of the report and the notebook (pandas in, pandas out).

Counts over time use canonical articles by default (one per duplicate cluster) so a story
syndicated by twenty sites counts once; pass ``canonical_only=False`` to count every copy.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

_HAN = re.compile(r"[\u3400-\u9fff]")
_SPACE = re.compile(r"\s+")
UNKNOWN_SOURCE = "(unknown)"


def _canonical(articles: pd.DataFrame, canonical_only: bool) -> pd.DataFrame:
    if not canonical_only or "is_canonical" not in articles:
        return articles
    keep = articles["is_canonical"].map(lambda v: v is None or bool(v) or v != v)  # None/NaN: not deduplicated
    return articles[keep]


def _text(value: object) -> str:
    """A string cell as text ('' for None/NaN)."""
    return value.strip() if isinstance(value, str) else ""


def month_of(articles: pd.DataFrame) -> pd.Series:
    """``YYYY-MM`` period of each article's publication date (NaT when undated)."""
    return pd.to_datetime(articles["published_date"]).dt.to_period("M")


def _full_months(index: Iterable[pd.Period]) -> pd.PeriodIndex:
    months = sorted(p for p in index if not pd.isna(p))
    if not months:
        return pd.PeriodIndex([], freq="M")
    return pd.period_range(months[0], months[-1], freq="M")


def monthly_totals(articles: pd.DataFrame, canonical_only: bool = True) -> pd.DataFrame:
    """Per month: ``articles`` (dated) and ``relevant``; every month of the range present."""
    frame = _canonical(articles, canonical_only)
    month = month_of(frame)
    relevant = frame["relevant"].fillna(False).astype(bool) if "relevant" in frame else pd.Series(False, index=frame.index)
    table = pd.DataFrame({"month": month, "articles": 1, "relevant": relevant.astype(int)}).dropna(subset=["month"])
    out = table.groupby("month")[["articles", "relevant"]].sum()
    return out.reindex(_full_months(out.index), fill_value=0)


def monthly_topic_counts(articles: pd.DataFrame, canonical_only: bool = True) -> pd.DataFrame:
    """Months x topics: articles assigned each topic (an article can have several)."""
    frame = _canonical(articles, canonical_only)
    pairs = pd.DataFrame({"month": month_of(frame), "topic": frame["topics"]}).dropna(subset=["month"])
    pairs = pairs.explode("topic").dropna(subset=["topic"])
    if pairs.empty:
        return pd.DataFrame(index=_full_months(month_of(frame).dropna()))
    table = pd.crosstab(pairs["month"], pairs["topic"])
    table = table.reindex(_full_months(table.index), fill_value=0)
    table.columns.name = None
    return table[table.sum().sort_values(ascending=False).index]


def core_periods(totals: pd.DataFrame, tail_share: float = 0.005) -> tuple[pd.Period, pd.Period] | None:
    """First and last period after dropping sparse tails holding at most ``tail_share`` of the
    articles on each side (a few very old or mis-dated items otherwise stretch the time axis)."""
    if totals.empty or totals["articles"].sum() == 0:
        return None
    share = totals["articles"].cumsum() / totals["articles"].sum()
    start = totals.index[int(np.searchsorted(share.to_numpy(), tail_share, side="right"))]
    rest = (totals["articles"][::-1].cumsum() / totals["articles"].sum()).to_numpy()
    end = totals.index[len(totals) - 1 - int(np.searchsorted(rest, tail_share, side="right"))]
    return start, end


def trim(table: pd.DataFrame, periods: tuple[pd.Period, pd.Period] | None) -> pd.DataFrame:
    """Rows of a per-period table between the two periods (inclusive)."""
    if periods is None or table.empty:
        return table
    return table.loc[periods[0]: periods[1]]


def resample(counts: pd.DataFrame, max_points: int = 48) -> pd.DataFrame:
    """Monthly counts summed to quarters (or years) when there are more than ``max_points`` months."""
    if len(counts) <= max_points:
        return counts
    freq = "Q" if len(counts) / 3 <= max_points else "Y"
    return counts.groupby(counts.index.asfreq(freq)).sum()


def over_time(articles: pd.DataFrame, canonical_only: bool = True, max_points: int = 48
              ) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """``(totals, topic counts, articles left out)`` per period for the time charts: sparse tails
    trimmed (:func:`core_periods`), months summed to quarters or years when the range is long."""
    totals = monthly_totals(articles, canonical_only)
    span = core_periods(totals)
    kept = trim(totals, span)
    counts = trim(monthly_topic_counts(articles, canonical_only), span).reindex(kept.index, fill_value=0)
    left_out = int(totals["articles"].sum() - kept["articles"].sum())
    return resample(kept, max_points), resample(counts, max_points), left_out


def topic_shares(counts: pd.DataFrame) -> pd.DataFrame:
    """Each topic's share of the topic assignments per period (periods without any dropped)."""
    totals = counts.sum(axis=1)
    return counts[totals > 0].div(totals[totals > 0], axis=0)


def source_labels(articles: pd.DataFrame) -> pd.Series:
    """The outlet of each article as the views name it (:func:`pipeline.query.sources.source_name`):
    the ``source_name`` column :func:`~pipeline.report.load.read_articles` adds, else computed here."""
    if "source_name" in articles:
        return articles["source_name"].fillna(UNKNOWN_SOURCE)
    from pipeline.query.sources import source_name

    def cell(column: str) -> list:
        return [v if isinstance(v, str) else None for v in articles[column]] if column in articles \
            else [None] * len(articles)

    names = [source_name(*values) for values in zip(cell("source"), cell("url"), cell("text"), cell("source_path"))]
    return pd.Series(names, index=articles.index, dtype=object)


def source_counts(articles: pd.DataFrame, top: int = 15, canonical_only: bool = False) -> pd.Series:
    """Articles per source, largest first (see :func:`source_labels`)."""
    return source_labels(_canonical(articles, canonical_only)).value_counts().head(top)


def top_sources(articles: pd.DataFrame, top: int = 8) -> list[str]:
    """The ``top`` sources with the most canonical articles (ties by name)."""
    counts = source_labels(_canonical(articles, True)).value_counts()
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return [name for name, _ in ranked[:top]]


def source_topic_shares(articles: pd.DataFrame, sources: Sequence[str]) -> pd.DataFrame:
    """Sources x topics: the share of each source's canonical articles assigned each topic
    (an article can carry several topics, so a row can sum above 1); a column ``articles`` too."""
    frame = _canonical(articles, True)
    names = source_labels(frame)
    topics = sorted({t for row in frame["topics"] for t in row},
                    key=lambda t: (-sum(t in row for row in frame["topics"]), t))
    rows = []
    for source in sources:
        members = frame[names == source]
        row = {"source": source, "articles": len(members)}
        for topic in topics:
            row[topic] = float(members["topics"].map(lambda r, t=topic: t in r).mean()) if len(members) else 0.0
        rows.append(row)
    return pd.DataFrame(rows, columns=["source", "articles", *topics]).set_index("source")


def corrected_source_topic_shares(articles: pd.DataFrame, rates: dict, sources: Sequence[str]) -> pd.DataFrame:
    """Sources x topics: each topic's share of the source's canonical articles corrected for the
    classifier's errors as :func:`corrected_topic_shares` estimates them; a column ``articles`` too."""
    from pipeline.classify.prevalence import Prevalence

    frame = _canonical(articles, True)
    names = source_labels(frame)
    quantifier = Prevalence().fit(rates)
    keys = list(quantifier.keys_)
    rows = []
    for source in sources:
        members = frame[names == source]
        row: dict[str, object] = {"source": source, "articles": len(members)}
        if len(members):
            rel = members["relevant_score"].fillna(0.0).to_numpy(dtype=float)
            scores = np.array([[float((s or {}).get(k, 0.0)) for k in keys] for s in members["topic_scores"]])
            shares = quantifier.estimate(rel, scores.reshape(len(members), len(keys)))
            row.update({k: shares.topics[k].estimate for k in keys})
        rows.append(row)
    return pd.DataFrame(rows, columns=["source", "articles", *keys]).set_index("source").fillna(0.0)


def source_topic_trends(articles: pd.DataFrame, sources: Sequence[str], max_points: int = 48
                        ) -> tuple[pd.Index, dict[str, pd.DataFrame]]:
    """Per source, its canonical articles per period and topic, on the common time axis of
    :func:`over_time` (sparse tails trimmed, long ranges summed to quarters or years)."""
    totals, _, _ = over_time(articles, True, max_points)
    names = source_labels(articles)
    out: dict[str, pd.DataFrame] = {}
    for source in sources:
        members = articles[names == source]
        counts = monthly_topic_counts(members, True)
        if len(totals) and isinstance(totals.index, pd.PeriodIndex) and len(counts.index):
            counts = counts.groupby(counts.index.asfreq(totals.index.freqstr)).sum()
        out[source] = counts.reindex(totals.index, fill_value=0)
    return totals.index, out


def _stopwords() -> frozenset[str]:
    try:
        from pipeline.segment.tokenizer import stopwords

        return stopwords()
    except (ImportError, OSError):
        return frozenset()


def _terms(tokens: Sequence[str], stop: frozenset[str] = frozenset()) -> list[str]:
    return [t for t in tokens if len(t) >= 2 and _HAN.search(t) and t not in stop]


def _tfidf(docs: list[list[str]], min_df: int):
    from functools import partial

    from sklearn.feature_extraction.text import TfidfVectorizer

    max_df = 0.5 if len(docs) >= 20 else 1.0
    vectorizer = TfidfVectorizer(analyzer=partial(_terms, stop=_stopwords()), min_df=min(min_df, max(1, len(docs) // 10)),
                                 max_df=max_df, sublinear_tf=True)
    try:
        matrix = vectorizer.fit_transform(docs)
    except ValueError:  # empty vocabulary
        return None, np.array([], dtype=object)
    return matrix, vectorizer.get_feature_names_out()


def top_terms_by_topic(articles: pd.DataFrame, n: int = 10, min_df: int = 3) -> dict[str, list[tuple[str, float]]]:
    """Terms most distinctive of each predicted topic: mean TF-IDF inside minus outside the topic.

    Computed from the run's own tokens (words of two or more characters with Han script), so it
    shows what the articles assigned a topic talk about, whatever model assigned it.
    """
    frame = articles.reset_index(drop=True)
    matrix, vocab = _tfidf([list(t) for t in frame["tokens"]], min_df)
    if matrix is None:
        return {}
    result: dict[str, list[tuple[str, float]]] = {}
    topics = Counter(t for row in frame["topics"] for t in row)
    for topic, _ in topics.most_common():
        inside = np.array([topic in row for row in frame["topics"]])
        mean_in = np.asarray(matrix[inside].mean(axis=0)).ravel()
        mean_out = np.asarray(matrix[~inside].mean(axis=0)).ravel() if (~inside).any() else 0.0
        score = mean_in - mean_out
        best = np.argsort(-score, kind="stable")[:n]
        result[topic] = [(str(vocab[i]), float(score[i])) for i in best if score[i] > 0]
    return result


def discover_topics(articles: pd.DataFrame, k: int = 8, n_terms: int = 10, seed: int = 0,
                    min_df: int = 3) -> pd.DataFrame:
    """Unsupervised topics (NMF over TF-IDF of the tokens): one row per topic with its top
    terms, size (articles whose strongest component it is) and an example title."""
    from sklearn.decomposition import NMF

    frame = articles.reset_index(drop=True)
    matrix, vocab = _tfidf([list(t) for t in frame["tokens"]], min_df)
    if matrix is None or matrix.shape[0] < 2 or matrix.shape[1] < 2:
        return pd.DataFrame(columns=["topic", "terms", "articles", "example"])
    k = max(1, min(k, matrix.shape[0] - 1, matrix.shape[1] - 1))
    model = NMF(n_components=k, init="nndsvd", random_state=seed, max_iter=400)
    weights = model.fit_transform(matrix)
    strongest = weights.argmax(axis=1)
    has_weight = weights.max(axis=1) > 0
    rows = []
    for j, component in enumerate(model.components_):
        members = np.flatnonzero((strongest == j) & has_weight)
        example = None
        if len(members):
            best = frame.iloc[members[np.argmax(weights[members, j])]]
            example = _text(best["title"]) or _text(best["text"])[:60]
        rows.append({
            "topic": f"T{j + 1}",
            "terms": [str(vocab[i]) for i in np.argsort(-component)[:n_terms]],
            "articles": int(len(members)),
            "example": example,
        })
    return pd.DataFrame(rows).sort_values("articles", ascending=False, kind="stable").reset_index(drop=True)


def duplicate_clusters(articles: pd.DataFrame, top: int = 10) -> pd.DataFrame:
    """The largest near-duplicate clusters (syndicated stories): size, title, sources, dates."""
    columns = ["cluster", "size", "title", "sources", "first", "last"]
    if "dup_cluster_id" not in articles:
        return pd.DataFrame(columns=columns)
    frame = articles[articles["dup_cluster_id"].notna()]
    rows = []
    for cluster, group in frame.groupby("dup_cluster_id"):
        if len(group) < 2:
            continue
        canonical = group[group["is_canonical"].fillna(False).astype(bool)]
        head = canonical.iloc[0] if len(canonical) else group.iloc[0]
        dates = pd.to_datetime(group["published_date"]).dropna()
        rows.append({
            "cluster": cluster,
            "size": len(group),
            "title": _text(head["title"]) or _text(head["text"])[:40],
            "sources": int(source_labels(group).nunique()),
            "first": dates.min().date().isoformat() if len(dates) else None,
            "last": dates.max().date().isoformat() if len(dates) else None,
        })
    if not rows:
        return pd.DataFrame(columns=columns)
    out = pd.DataFrame(rows).sort_values(["size", "cluster"], ascending=[False, True], kind="stable")
    return out.head(top).reset_index(drop=True)


def topic_examples(articles: pd.DataFrame, excerpt_chars: int = 160) -> pd.DataFrame:
    """For each predicted topic, its highest-scoring article with all its scores."""
    rows = []
    topics = Counter(t for row in articles["topics"] for t in row)
    for topic, _ in topics.most_common():
        members = articles[articles["topics"].map(lambda row, t=topic: t in row)]
        scores = members["topic_scores"].map(lambda s, t=topic: float(s.get(t, 0.0)) if s else 0.0)
        best = members.loc[scores.idxmax()]
        date = best["published_date"]
        rows.append({
            "topic": topic,
            "title": best["title"],
            "date": None if pd.isna(date) else pd.Timestamp(date).date().isoformat(),
            "source": source_labels(members.loc[[scores.idxmax()]]).iloc[0],
            "score": round(float(scores.max()), 3),
            "relevant_score": None if pd.isna(best["relevant_score"]) else round(float(best["relevant_score"]), 3),
            "topics": list(best["topics"]),
            "topic_scores": {k: round(float(v), 3) for k, v in sorted(best["topic_scores"].items(), key=lambda kv: -kv[1])},
            "excerpt": _SPACE.sub(" ", _text(best["text"]))[:excerpt_chars],  # one line: paragraphs joined
            # the sentences that made the model assign the topic (runs before schema 1.1 have none)
            "evidence": list((best.get("evidence") or {}).get(topic, [])),
        })
    return pd.DataFrame(rows)


def quality_flag_counts(articles: pd.DataFrame) -> pd.Series:
    """Articles carrying each extraction/normalization quality flag, most frequent first."""
    counts = Counter(flag for row in articles["quality_flags"] for flag in set(row))
    return pd.Series(dict(counts.most_common()), dtype="int64")


def reject_reasons(rejects: pd.DataFrame) -> pd.Series:
    """Rejected inputs per ``stage: reason``."""
    if rejects.empty:
        return pd.Series(dtype="int64")
    keys = rejects["stage"].astype(str) + ": " + rejects["reason"].astype(str)
    return keys.value_counts()


def quality_summary(articles: pd.DataFrame) -> dict[str, float | int]:
    """The number of articles, medians of the per-article quality signals and the share of flagged articles."""
    out: dict[str, float | int] = {"articles": len(articles)}
    for column in ("char_count", "han_ratio", "mojibake_score"):
        if column in articles and articles[column].notna().any():
            out[f"median_{column}"] = round(float(articles[column].median()), 3)
    if len(articles):
        out["flagged_share"] = round(float(articles["quality_flags"].map(bool).mean()), 3)
    return out


def corrected_topic_shares(articles: pd.DataFrame, rates: dict, periods: pd.Index) -> pd.DataFrame:
    """Per period of ``periods`` and topic, the share of the period's canonical articles about
    the topic, as ``zhnews prevalence`` estimates it without labels from the model's
    cross-validated ``rates`` (the mean posterior, its 95 % interval carrying the bias spread
    between outlets): columns period, topic, estimate, low, high."""
    from pipeline.classify.prevalence import Prevalence

    columns = ["period", "topic", "estimate", "low", "high"]
    frame = _canonical(articles, True)
    if frame.empty or not len(periods) or not isinstance(periods, pd.PeriodIndex):
        return pd.DataFrame(columns=columns)
    dated = frame[frame["published_date"].notna()]
    of_article = dated["published_date"].dt.to_period(periods.freqstr)
    quantifier = Prevalence().fit(rates)
    rows = []
    for period in periods:
        members = dated[of_article == period]
        if members.empty:
            continue
        rel = members["relevant_score"].fillna(0.0).to_numpy(dtype=float)
        scores = np.array([[float((s or {}).get(k, 0.0)) for k in quantifier.keys_] for s in members["topic_scores"]])
        shares = quantifier.estimate(rel, scores.reshape(len(members), len(quantifier.keys_)))
        for key, share in shares.topics.items():
            rows.append({"period": period, "topic": key, "estimate": share.estimate, "low": share.low, "high": share.high})
    return pd.DataFrame(rows, columns=columns)
