"""Prevalence: the mean posterior with its between-outlet interval, PACC and prediction-powered
inference on constructed posteriors, PACC's bootstrap and degenerate rates, and the CLI."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from pipeline.classify.estimators import MeanPosterior, PredictionPowered
from pipeline.classify.pacc import PACC, bootstrap_means, cluster_rates
from pipeline.classify.prevalence import METHODS, event_posteriors, quantification_state
from pipeline.classify.scored import ScoredDocs, group_labels, groups
from pipeline.cli import main as cli_main
from pipeline.cli.prevalence import METHODS as CLI_METHODS
from pipeline.cli.prevalence import NO_RATES

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODEL = REPO_ROOT / "models" / "default"
SHARE_KEYS = {"estimate", "low", "high"}

# class-conditional posteriors of a classifier that errs both ways: positives average 0.75,
# negatives 0.2, so a set with 30 % positives has a mean posterior of 0.365, not 0.3
POSITIVE_SCORES = [0.9, 0.7, 0.6, 0.8, 0.75]
NEGATIVE_SCORES = [0.1, 0.3, 0.2, 0.05, 0.35]


def _oof(copies: int = 40) -> tuple[np.ndarray, np.ndarray]:
    scores = np.array(POSITIVE_SCORES * copies + NEGATIVE_SCORES * copies)
    labels = np.array([1] * (5 * copies) + [0] * (5 * copies))
    return scores, labels


def test_pacc_is_exact_when_the_rates_are_exact() -> None:
    scores, labels = _oof()
    target = np.array(POSITIVE_SCORES * 6 + NEGATIVE_SCORES * 14)  # 30 of 100 positive
    q = PACC(n_bootstrap=500).fit(scores, labels)
    assert (q.tpr_, q.fpr_) == pytest.approx((0.75, 0.2))
    share = q.estimate(target)
    assert target.mean() == pytest.approx(0.365)  # what the uncorrected mean would report
    assert share.estimate == pytest.approx(0.3, abs=1e-12)
    assert share.method == "pacc" and not share.note
    assert share.low < 0.3 < share.high
    assert 0.05 < share.high - share.low < 0.4


def test_pacc_clips_to_the_unit_interval() -> None:
    scores, labels = _oof()
    q = PACC(n_bootstrap=200).fit(scores, labels)
    assert q.estimate(np.full(50, 0.05)).estimate == 0.0  # below fpr
    assert q.estimate(np.full(50, 0.95)).estimate == 1.0  # above tpr
    share = q.estimate(np.full(50, 0.05))
    assert share.low == 0.0 and share.high >= 0.0


def test_intervals_cover_the_true_share_of_simulated_sets() -> None:
    rng = np.random.default_rng(7)
    covered, widths, errors = [], [], []
    for _ in range(60):
        m = 600
        y = rng.random(m) < 0.4
        s = np.where(y, rng.beta(4, 2, m), rng.beta(2, 4, m))
        n, p = 230, rng.uniform(0.05, 0.6)
        truth = rng.random(n) < p
        target = np.where(truth, rng.beta(4, 2, n), rng.beta(2, 4, n))
        share = PACC(n_bootstrap=250, seed=int(rng.integers(1000))).fit(s, y).estimate(target)
        covered.append(share.low <= truth.mean() <= share.high)
        widths.append(share.high - share.low)
        errors.append(abs(share.estimate - truth.mean()))
    assert np.mean(covered) >= 0.85
    assert np.mean(widths) < 0.3
    assert np.mean(errors) < 0.06


Z95 = 1.959964  # standard normal quantile of a two-sided 95 % interval


def test_mean_posterior_interval_adds_the_bias_spread_of_the_outlets() -> None:
    # outlet a: 60 items, share 0.5, mean posterior 0.6 (bias +0.1); b: 40 items, bias -0.05;
    # c: 10 items, too few to count as an outlet
    scores = np.array([0.8] * 30 + [0.4] * 30 + [0.65] * 20 + [0.25] * 20 + [0.9] * 10)
    labels = np.array([1] * 30 + [0] * 30 + [1] * 20 + [0] * 20 + [0] * 10)
    outlets = ["a"] * 60 + ["b"] * 40 + ["c"] * 10
    q = MeanPosterior().fit(scores, labels, outlets)
    assert q.biases_.tolist() == pytest.approx([0.1, -0.05])
    assert q.outlet_variance_ == pytest.approx((0.1**2 + 0.05**2) / 2)
    target = np.array([0.2, 0.4, 0.6, 0.8] * 25)
    share = q.estimate(target)
    half = Z95 * np.sqrt(target.var(ddof=1) / 100 + q.outlet_variance_)
    assert share.method == "pcc" and share.estimate == pytest.approx(0.5)
    assert (share.low, share.high) == pytest.approx((0.5 - half, 0.5 + half))
    # without outlets (or with one), the bias of all items is the only one known
    pooled = MeanPosterior().fit(scores, labels)
    assert pooled.biases_.tolist() == pytest.approx([scores.mean() - labels.mean()])
    assert MeanPosterior().fit(scores[:60], labels[:60], outlets[:60]).biases_.tolist() == pytest.approx([0.1])
    low = MeanPosterior().fit(scores, labels, outlets).estimate(np.full(30, 0.01))
    assert low.low == 0.0 and low.estimate == pytest.approx(0.01)


def _outlet(rng: np.random.Generator, n: int, share: float, bias: float) -> tuple[np.ndarray, np.ndarray]:
    """An outlet's labels and posteriors: the classifier's errors shift every posterior by ``bias``."""
    y = rng.random(n) < share
    s = np.clip(np.where(y, rng.beta(5, 3, n), rng.beta(3, 5, n)) + bias, 0.0, 1.0)
    return s, y.astype(int)


def test_mean_posterior_intervals_cover_new_outlets_and_sampling_alone_does_not() -> None:
    # the interval's assumption: the new outlet is like the tested ones (its bias and mix drawn alike)
    rng = np.random.default_rng(11)
    covered, sampling_only = [], []
    for _ in range(200):
        train = [_outlet(rng, 150, rng.uniform(0.2, 0.6), rng.normal(0, 0.08)) for _ in range(4)]
        scores, labels = np.concatenate([t[0] for t in train]), np.concatenate([t[1] for t in train])
        outlets = np.repeat(np.arange(4).astype(str), 150)
        target, truth = _outlet(rng, 230, rng.uniform(0.2, 0.6), rng.normal(0, 0.08))
        share = MeanPosterior().fit(scores, labels, outlets).estimate(target)
        covered.append(share.low <= truth.mean() <= share.high)
        half = Z95 * target.std(ddof=1) / np.sqrt(len(target))
        sampling_only.append(abs(target.mean() - truth.mean()) <= half)
    assert np.mean(covered) >= 0.8
    assert np.mean(sampling_only) < 0.6


def test_prediction_powered_shares_are_unbiased_when_the_classifier_over_predicts() -> None:
    rng = np.random.default_rng(13)
    errors, covered, raw = [], [], []
    for _ in range(300):
        share = rng.choice([0.03, 0.1, 0.4])
        corpus, truth = _outlet(rng, 330, share, 0.2)  # every posterior 0.2 too high
        labelled = rng.permutation(330)[:100]
        q = PredictionPowered().fit(corpus[labelled], truth[labelled])
        estimate = q.estimate(corpus)
        errors.append(estimate.estimate - truth.mean())
        covered.append(estimate.low <= truth.mean() <= estimate.high)
        raw.append(corpus.mean() - truth.mean())
    assert np.mean(raw) > 0.15  # what the mean posterior alone would report
    assert abs(np.mean(errors)) < 0.01
    assert np.mean(np.abs(errors)) < 0.03
    assert np.mean(covered) >= 0.88


def test_prediction_powered_share_of_the_labelled_items_themselves_is_their_share() -> None:
    scores, labels = _oof()
    share = PredictionPowered().fit(scores, labels).estimate(scores)
    assert share.method == "ppi" and share.estimate == pytest.approx(labels.mean())
    assert share.low < labels.mean() < share.high
    with pytest.raises(ValueError, match="at least 2"):
        PredictionPowered().fit([0.5], [1])


def test_prediction_powered_groups_shrink_their_residual_towards_the_corpus() -> None:
    # group a: the classifier is right on average (residual 0); group b: 0.3 too high (-0.3)
    scores = np.array([0.5] * 40 + [0.8] * 40)
    labels = np.array([1, 0] * 20 + [1, 0] * 20)
    groups = ["a"] * 40 + ["b"] * 40
    q = PredictionPowered().fit(scores, labels, groups)
    assert q.residual_ == pytest.approx(-0.15)
    # a group's mean residual varies as one residual of the corpus (pseudo pair included) over its 40
    per_item = np.var(np.concatenate([labels - scores, [1 - 0.65, -0.65]]), ddof=1)
    v = {"a": per_item / 40, "b": per_item / 40}
    assert q.tau2_ == pytest.approx(np.var([0.0, -0.3], ddof=1) - (v["a"] + v["b"]) / 2)
    weight = q.tau2_ / (q.tau2_ + v["a"])
    residual, variance = q.residual("a")
    assert residual == pytest.approx(weight * 0.0 + (1 - weight) * -0.15)
    assert variance == pytest.approx(weight**2 * v["a"] + (1 - weight) ** 2 * (q.tau2_ + q.residual_variance_))
    assert abs(q.residual("b")[0] + 0.3) < 0.03  # well-measured groups keep most of their own residual
    # a group without labelled items: the corpus residual, with the between-group variance added
    assert q.residual("c") == pytest.approx((-0.15, q.tau2_ + q.residual_variance_))
    assert q.estimate(np.full(10, 0.5), "a").estimate == pytest.approx(0.5 + residual)
    # groups that agree have no between-group variance: every group takes the corpus residual
    same = PredictionPowered().fit(scores[:40], labels[:40], ["a"] * 20 + ["b"] * 20)
    assert same.tau2_ == 0.0 and same.residual("a") == pytest.approx(same.residual())


def test_prediction_powered_groups_cover_groups_whose_mix_differs() -> None:
    rng = np.random.default_rng(17)
    grouped, pooled = [], []
    for _ in range(100):
        names = np.repeat(["g1", "g2", "g3", "g4"], 150)
        truth = (rng.random(600) < np.repeat([0.1, 0.3, 0.5, 0.7], 150)).astype(int)
        # an over-predicting classifier: its residual depends on the group's mix
        corpus = np.clip(np.where(truth == 1, rng.beta(6, 2, 600), rng.beta(4, 4, 600)), 0, 1)
        labelled = rng.permutation(600)[:100]
        by_group = PredictionPowered().fit(corpus[labelled], truth[labelled], names[labelled])
        whole = PredictionPowered().fit(corpus[labelled], truth[labelled])
        for g in ("g1", "g2", "g3", "g4"):
            share = truth[names == g].mean()
            for q, out in ((by_group, grouped), (whole, pooled)):
                est = q.estimate(corpus[names == g], g if q is by_group else None)
                out.append((abs(est.estimate - share), est.low <= share <= est.high))
    assert np.mean([c for _, c in grouped]) >= 0.85
    assert np.mean([c for _, c in pooled]) < 0.7
    assert np.mean([e for e, _ in grouped]) < np.mean([e for e, _ in pooled])


def test_no_positive_rates_fall_back_to_the_mean_posterior() -> None:
    q = PACC(n_bootstrap=200).fit([0.1, 0.2, 0.3], [0, 0, 0])
    share = q.estimate([0.2, 0.4, 0.6, 0.8])
    assert not q.adjusted and share.method == "pcc"
    assert "no positive" in share.note
    assert share.estimate == pytest.approx(0.5)
    assert share.low <= 0.5 <= share.high


def test_inseparable_rates_fall_back_to_the_mean_posterior() -> None:
    q = PACC(n_bootstrap=200).fit([0.5, 0.52, 0.48, 0.5], [1, 1, 0, 0])
    assert q.tpr_ - q.fpr_ < 0.05
    share = q.estimate([0.3, 0.5, 0.7])
    assert share.method == "pcc" and "does not separate" in share.note
    assert share.estimate == pytest.approx(0.5)


def test_empty_group_has_no_share() -> None:
    scores, labels = _oof()
    share = PACC(n_bootstrap=50).fit(scores, labels).estimate([])
    assert np.isnan(share.estimate) and share.note == "no documents"


def test_bootstrap_means_match_the_standard_error() -> None:
    rng = np.random.default_rng(3)
    small = np.array([0.0, 1.0] * 50)  # exact path: two distinct values
    reps = bootstrap_means(small, 4000, rng)
    assert reps.mean() == pytest.approx(0.5, abs=0.005)
    assert reps.std() == pytest.approx(0.05, rel=0.08)  # sqrt(0.25 / 100)
    large = rng.beta(0.5, 2.0, 20_000)  # binned path: 20,000 distinct values
    reps = bootstrap_means(large, 4000, rng)
    assert reps.mean() == pytest.approx(large.mean(), abs=3e-4)
    assert reps.std() == pytest.approx(large.std() / np.sqrt(len(large)), rel=0.08)


def test_cluster_rates_carry_the_spread_between_groups() -> None:
    rng = np.random.default_rng(5)
    # three outlets whose positives score 0.9, 0.7 and 0.5 on average
    scores = np.concatenate([np.full(50, 0.9), np.full(50, 0.1), np.full(50, 0.7), np.full(50, 0.1), np.full(50, 0.5)])
    labels = np.array([1] * 50 + [0] * 50 + [1] * 50 + [0] * 50 + [1] * 50, dtype=bool)
    outlet = np.array(["a"] * 100 + ["b"] * 100 + ["c"] * 50)
    tpr, fpr = cluster_rates(scores, labels, outlet, 2000, rng)
    assert tpr.min() == pytest.approx(0.5) and tpr.max() == pytest.approx(0.9)
    assert np.all(fpr == pytest.approx(0.1))  # outlet c has no negative: the others' rate
    pooled = PACC(n_bootstrap=2000).fit(scores, labels)
    grouped = PACC(n_bootstrap=2000).fit(scores, labels, outlet)
    assert grouped.tpr_replicates_.std() > 5 * pooled.tpr_replicates_.std()


def test_quantification_state_builds_the_model_contract() -> None:
    rel = np.array([0.9, 0.2, 0.6])
    topics = np.array([[0.5, 1.0], [0.9, 0.1], [0.0, 0.25]])
    state = quantification_state(
        rel, [1, 0, 1], topics, np.array([[1, 0], [1, 0], [0, 1]]), ["pay", "rest"], "leave-one-source-out"
    )
    assert set(state) == {"protocol", "relevance", "topics"}
    assert state["relevance"] == {"scores": [0.9, 0.2, 0.6], "labels": [1, 0, 1]}
    # topic events: relevant and the topic; posterior = relevance * topic score
    assert state["topics"]["pay"] == {"scores": [0.45, 0.18, 0.0], "labels": [1, 0, 0]}
    assert state["topics"]["rest"] == {"scores": [0.9, 0.02, 0.15], "labels": [0, 0, 1]}
    with_groups = quantification_state(
        rel, [1, 0, 1], topics, np.zeros((3, 2)), ["pay", "rest"], "x", groups=["a", "a", "b"]
    )
    assert with_groups["groups"] == ["a", "a", "b"]
    assert event_posteriors(rel, topics)[:, 2].tolist() == pytest.approx([0.9, 0.02, 0.15])


def test_groups_by_period_and_source() -> None:
    docs = ScoredDocs(
        np.zeros(6),
        np.zeros((6, 0)),
        ["2020-02-03T08:00:00+08:00", "2020-11-30", None, "2019-12-31", "unknown", "2020-01-15"],
        ["新华社", None, "新华社", "明報", "", "明報"],
    )
    assert group_labels(docs, "month") == ["2020-02", "2020-11", "undated", "2019-12", "undated", "2020-01"]
    assert group_labels(docs, "quarter") == ["2020-Q1", "2020-Q4", "undated", "2019-Q4", "undated", "2020-Q1"]
    assert group_labels(docs, "year") == ["2020", "2020", "undated", "2019", "undated", "2020"]
    assert group_labels(docs, "source") == ["新华社", "unknown", "新华社", "明報", "unknown", "明報"]
    assert group_labels(docs, "none") == ["all"] * 6
    split = groups(group_labels(docs, "year"))
    assert [(g, rows.tolist()) for g, rows in split] == [("2019", [3]), ("2020", [0, 1, 5]), ("undated", [2, 4])]


# -- command line -----------------------------------------------------------------------------


def _model_with_rates(tmp_path: Path, state: dict) -> Path:
    model = tmp_path / "model"
    shutil.copytree(DEFAULT_MODEL, model)
    meta = json.loads((model / "meta.json").read_text(encoding="utf-8"))
    meta["quantification"] = state
    (model / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return model


def _exact_state(keys: list[str]) -> dict:
    """Rates with relevance tpr 0.75 / fpr 0.2 and, for every topic event, the same."""
    scores, labels = _oof(copies=20)
    k = len(keys)
    # topic score 1.0 for all: the topic event posterior equals the relevance posterior
    return quantification_state(
        scores, labels, np.ones((len(scores), k)), np.ones((len(scores), k), dtype=int), keys, "constructed"
    )


def test_cli_without_rates_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    src = tmp_path / "scored.jsonl"
    src.write_text(json.dumps({"id": "a", "relevant_score": 0.5, "topic_scores": {}}) + "\n", encoding="utf-8")
    model = _model_with_rates(tmp_path, {})  # a model trained before rates were kept
    assert cli_main(["prevalence", str(src), "--model", str(model)]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"zhnews prevalence: error: {NO_RATES}"
    assert "\n" not in err


def _write_months(tmp_path: Path, keys: list[str]) -> Path:
    """Scored lines: January 30 % positives (mean posterior 0.365), March 60 % (0.53), 20 undated."""
    months = {"2021-01-": (6, 14), "2021-03-": (12, 8), "": (2, 2)}
    lines = []
    for prefix, (n_pos, n_neg) in months.items():
        for i, score in enumerate(POSITIVE_SCORES * n_pos + NEGATIVE_SCORES * n_neg):
            rec = {
                "id": f"{prefix or 'x'}{i}",
                "relevant_score": score,
                "topic_scores": {k: 1.0 for k in keys},
                "source": "央视新闻" if i % 2 else "人民日报",
            }
            if prefix:
                rec["published_at"] = f"{prefix}{1 + i % 28:02d}"
            lines.append(json.dumps(rec, ensure_ascii=False))
    src = tmp_path / "scored.jsonl"
    src.write_text("\n".join(lines) + "\n\n", encoding="utf-8")
    return src


def test_cli_on_scored_jsonl_prints_corrected_shares_per_month(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    keys = json.loads((DEFAULT_MODEL / "meta.json").read_text(encoding="utf-8"))["topic_keys"]
    model = _model_with_rates(tmp_path, _exact_state(keys))
    src = _write_months(tmp_path, keys)
    pacc = ["--method", "pacc", "--bootstrap", "300"]
    assert cli_main(["prevalence", str(src), "--model", str(model), "--by", "month", *pacc]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["group"] for r in rows] == ["2021-01", "2021-03", "undated"]
    assert [r["n"] for r in rows] == [100, 100, 20]
    for row, expected in zip(rows, (0.3, 0.6, 0.5)):
        assert set(row) == {"group", "n", "relevant", "topics"}
        assert set(row["relevant"]) == SHARE_KEYS
        assert set(row["topics"]) == set(keys)
        assert all(set(v) == SHARE_KEYS for v in row["topics"].values())
        assert row["relevant"]["estimate"] == pytest.approx(expected, abs=1e-4)
        assert row["relevant"]["low"] <= expected <= row["relevant"]["high"]
        # every topic event has the relevance event's posteriors and rates here
        assert row["topics"][keys[0]]["estimate"] == row["relevant"]["estimate"]
    # same seed, same output; CSV carries the same numbers
    assert cli_main(["prevalence", str(src), "--model", str(model), "--by", "month", *pacc]) == 0
    assert [json.loads(line) for line in capsys.readouterr().out.splitlines()] == rows
    assert cli_main(["prevalence", str(src), "--model", str(model), "--by", "source", "--format", "csv", *pacc]) == 0
    table = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["group"] for r in table] == ["人民日报", "央视新闻"]
    assert sum(int(r["n"]) for r in table) == 220
    assert list(table[0])[:5] == ["group", "n", "relevant_estimate", "relevant_low", "relevant_high"]
    assert len(table[0]) == 2 + 3 * (1 + len(keys))


def test_cli_default_is_the_mean_posterior_with_the_outlets_bias_spread(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    keys = json.loads((DEFAULT_MODEL / "meta.json").read_text(encoding="utf-8"))["topic_keys"]
    state = _exact_state(keys)
    # two outlets of 100 out-of-fold items: positives and negatives alternate between them
    state["groups"] = ["a" if i % 2 else "b" for i in range(len(state["relevance"]["scores"]))]
    scores, labels = (np.array(state["relevance"][k], dtype=float) for k in ("scores", "labels"))
    outlets = np.array(state["groups"])
    biases = [scores[outlets == g].mean() - labels[outlets == g].mean() for g in ("a", "b")]
    model = _model_with_rates(tmp_path, state)
    src = _write_months(tmp_path, keys)
    assert cli_main(["prevalence", str(src), "--model", str(model), "--by", "month"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    january = np.array(POSITIVE_SCORES * 6 + NEGATIVE_SCORES * 14)
    half = Z95 * np.sqrt(january.var(ddof=1) / 100 + np.mean(np.square(biases)))
    assert rows[0]["group"] == "2021-01"
    assert rows[0]["relevant"]["estimate"] == pytest.approx(0.365, abs=1e-4)  # the mean posterior
    assert rows[0]["relevant"]["low"] == pytest.approx(0.365 - half, abs=1e-4)
    assert rows[0]["relevant"]["high"] == pytest.approx(0.365 + half, abs=1e-4)
    assert rows[0]["relevant"]["low"] <= 0.3  # the true share is inside
    # prediction-powered inference needs labels; the mean posterior takes none
    assert cli_main(["prevalence", str(src), "--model", str(model), "--method", "ppi"]) == 2
    assert "--method ppi needs --labels" in capsys.readouterr().err
    labels_file = tmp_path / "labels.jsonl"
    labels_file.write_text(json.dumps({"id": "x0", "relevant": True, "topics": []}) + "\n", encoding="utf-8")
    assert (
        cli_main(["prevalence", str(src), "--model", str(model), "--method", "pcc", "--labels", str(labels_file)]) == 2
    )
    assert CLI_METHODS == METHODS


def test_cli_rejects_bad_input(tmp_path: Path) -> None:
    keys = json.loads((DEFAULT_MODEL / "meta.json").read_text(encoding="utf-8"))["topic_keys"]
    model = _model_with_rates(tmp_path, _exact_state(keys))
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "title": "no text, no scores"}\n', encoding="utf-8")
    assert cli_main(["prevalence", str(bad), "--model", str(model)]) == 2
    assert cli_main(["prevalence", str(tmp_path / "missing.jsonl"), "--model", str(model)]) == 2
    assert cli_main(["prevalence", str(tmp_path), "--model", str(model)]) == 2  # not a run folder
    assert cli_main(["prevalence", str(bad), "--model", str(model), "--bootstrap", "0"]) == 2


# -- a real model and a real run --------------------------------------------------------------


@pytest.fixture(scope="module")
def real_model(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict]]:
    """The current model trained on 200 labelled items, with rates from a 2-fold grouped CV
    (Weibo collections against the other outlets); returns it and 40 items it has not seen."""
    from pipeline.classify import TrainConfig, save_model, train
    from pipeline.classify.data import labelled_set, read_jsonl
    from pipeline.classify.model import record_item
    from pipeline.classify.taxonomy import load_taxonomy
    from pipeline.classify.training import fit_labelled

    records = sorted(read_jsonl(shared_data / "labels" / "train.jsonl"), key=lambda r: r["id"])
    taxonomy = load_taxonomy()
    cfg = TrainConfig(inner_folds=3)
    labelled, unseen = records[:200], records[200:240]
    family = np.array(["weibo" if "weibo" in r["source"] else "other" for r in labelled])
    data = labelled_set(labelled, taxonomy.keys)
    oof_rel, oof_topics = np.zeros(len(labelled)), np.zeros((len(labelled), len(taxonomy.keys)))
    for held in ("weibo", "other"):
        fit_rows = [r for r, f in zip(labelled, family) if f != held]
        fold = fit_labelled(labelled_set(fit_rows, taxonomy.keys), taxonomy, cfg)
        rel, topics = fold.scores(
            [record_item(r, segmenter=fold.segmenter) for r, f in zip(labelled, family) if f == held]
        )
        oof_rel[family == held], oof_topics[family == held] = rel, topics
    model = train(labelled, taxonomy, cfg)
    assert data.relevant is not None and data.topics is not None
    model.meta["quantification"] = quantification_state(
        oof_rel,
        data.relevant,
        oof_topics,
        data.topics,
        data.keys,
        "leave-one-source-family-out",
        groups=family.tolist(),
    )
    out = save_model(model, tmp_path_factory.mktemp("model") / "m")
    return out, unseen


def _read_rows(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines()]


@pytest.mark.slow
def test_cli_on_a_real_run_and_its_records(
    real_model: tuple[Path, list[dict]], tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    import duckdb

    model_dir, unseen = real_model
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    fields = ("id", "title", "text", "date", "source")
    (corpus / "items.jsonl").write_text(
        "".join(json.dumps({k: r.get(k) for k in fields}, ensure_ascii=False) + "\n" for r in unseen), encoding="utf-8"
    )
    run = tmp_path / "run"
    assert (
        cli_main(
            ["run", str(corpus), "-o", str(run), "--model", str(model_dir), "--workers", "1", "--no-dedup", "--quiet"]
        )
        == 0
    )

    assert cli_main(["prevalence", str(run), "--model", str(model_dir), "--by", "year"]) == 0
    rows = _read_rows(capsys.readouterr().out)
    articles = str(run / "articles" / "**" / "*.parquet")
    counts = duckdb.execute(
        f"select coalesce(substr(published_at_original, 1, 4), 'undated') as y, count(*) as n, avg(relevant_score) as s "
        f"from read_parquet('{articles}', hive_partitioning = true) group by y order by y"
    ).fetchall()
    assert [(r["group"], r["n"]) for r in rows] == [(y, n) for y, n, _ in counts]
    meta = json.loads((model_dir / "meta.json").read_text(encoding="utf-8"))
    keys = meta["topic_keys"]
    for row, (_, _, mean_score) in zip(rows, counts):
        assert set(row) == {"group", "n", "relevant", "topics"} and set(row["topics"]) == set(keys)
        assert set(row["relevant"]) == SHARE_KEYS and all(set(v) == SHARE_KEYS for v in row["topics"].values())
        # the default estimate is the mean posterior of the Parquet's scores
        assert row["relevant"]["estimate"] == pytest.approx(mean_score, abs=2e-4)
        for share in [row["relevant"], *row["topics"].values()]:
            assert 0.0 <= share["low"] <= share["estimate"] <= share["high"] <= 1.0

    # the same items as raw JSONL are classified with the model: the same documents, one group
    assert cli_main(["prevalence", str(corpus / "items.jsonl"), "--model", str(model_dir)]) == 0
    (whole,) = _read_rows(capsys.readouterr().out)
    assert whole["group"] == "all" and whole["n"] == len(unseen) == sum(n for _, n, _ in counts)
    truth = np.mean([bool(r["relevant"]) for r in unseen])
    assert whole["relevant"]["low"] - 0.25 <= truth <= whole["relevant"]["high"] + 0.25


def test_run_folder_scores_are_read_from_the_map_column(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from pipeline.classify.scored import read_run_scores
    from pipeline.errors import UsageError

    part = tmp_path / "run" / "articles" / "year=2020" / "month=03"
    part.mkdir(parents=True)
    table = pa.table(
        {
            "doc_id": ["a", "b", "c"],
            "text": ["x", "y", "z"],
            "published_at": ["2020-03-01", None, "2020-03-09T10:00:00+08:00"],
            "source": ["新华社", "明報", None],
            "relevant_score": pa.array([0.9, 0.1, 0.5], pa.float32()),
            "topic_scores": pa.array(
                [[("pay", 0.5), ("rest", 0.25)], None, [("retired_topic", 0.9), ("rest", 0.75)]],
                pa.map_(pa.string(), pa.float32()),
            ),
        }
    )
    pq.write_table(table, part / "part-0.parquet")
    docs = read_run_scores(tmp_path / "run", ["pay", "rest"])
    assert docs.relevant_score.tolist() == pytest.approx([0.9, 0.1, 0.5])
    # a missing map scores 0; a key the model does not know is ignored
    assert docs.topic_scores.tolist() == [[0.5, 0.25], [0.0, 0.0], [0.0, 0.75]]
    assert docs.published_at == ["2020-03-01", None, "2020-03-09T10:00:00+08:00"]
    assert group_labels(docs, "source") == ["新华社", "明報", "unknown"]
    unscored = table.set_column(4, "relevant_score", pa.array([0.9, None, 0.5], pa.float32()))
    pq.write_table(unscored, part / "part-0.parquet")
    with pytest.raises(UsageError, match="1 of 3 articles"):
        read_run_scores(tmp_path / "run", ["pay", "rest"])


@pytest.mark.slow
def test_cli_rates_from_corpus_labels_recover_the_labelled_share(
    real_model: tuple[Path, list[dict]], tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    """Prediction-powered inference (the default with labels) and PACC with rates measured on the
    very documents they estimate are exact: the share equals the labelled share, whatever the
    model's own (transferred) rates say."""
    model_dir, unseen = real_model
    items = tmp_path / "items.jsonl"
    fields = ("id", "title", "text", "date", "source")
    items.write_text(
        "".join(json.dumps({k: r.get(k) for k in fields}, ensure_ascii=False) + "\n" for r in unseen), encoding="utf-8"
    )
    # label lines as the labelling app writes them: id, relevant, topics, no text
    labels = tmp_path / "labels.jsonl"
    labels.write_text(
        "".join(
            json.dumps({"id": r["id"], "relevant": bool(r["relevant"]), "topics": r.get("topics") or []}) + "\n"
            for r in unseen
        ),
        encoding="utf-8",
    )
    truth = float(np.mean([bool(r["relevant"]) for r in unseen]))
    assert 10 <= sum(bool(r["relevant"]) for r in unseen) <= len(unseen) - 10

    for method, message in (
        ([], f"prediction-powered shares with {len(unseen)} labelled items"),
        (["--method", "pacc"], f"rates from {len(unseen)} labelled items for relevant"),
    ):
        assert cli_main(["prevalence", str(items), "--model", str(model_dir), "--labels", str(labels), *method]) == 0
        captured = capsys.readouterr()
        (row,) = _read_rows(captured.out)
        assert row["relevant"]["estimate"] == pytest.approx(truth, abs=2e-4)
        assert row["relevant"]["low"] <= truth <= row["relevant"]["high"]
        assert message in captured.err
        for key in ("pay", "protection"):
            share = float(np.mean([bool(r["relevant"]) and key in (r.get("topics") or []) for r in unseen]))
            if not method:  # every topic is prediction-powered; PACC keeps the model's rates of rare ones
                assert row["topics"][key]["estimate"] == pytest.approx(share, abs=2e-4)

    # per source: each labelled item counts in its own group's residual; the shares are of each group
    assert (
        cli_main(["prevalence", str(items), "--model", str(model_dir), "--labels", str(labels), "--by", "source"]) == 0
    )
    captured = capsys.readouterr()
    rows = _read_rows(captured.out)
    assert "outside" not in captured.err
    by_source: dict[str, list[bool]] = {}
    for r in unseen:
        by_source.setdefault(r.get("source") or "unknown", []).append(bool(r["relevant"]))
    assert {row["group"]: row["n"] for row in rows} == {g: len(v) for g, v in by_source.items()}
    for row in rows:
        for share in [row["relevant"], *row["topics"].values()]:
            assert 0.0 <= share["low"] <= share["estimate"] <= share["high"] <= 1.0
    # a labelled item with its own text, outside the corpus, counts in the corpus-wide residual only
    extra = tmp_path / "extra.jsonl"
    extra.write_text(
        labels.read_text(encoding="utf-8")
        + json.dumps({"id": "extra", "relevant": False, "topics": [], "text": unseen[0]["text"]})
        + "\n",
        encoding="utf-8",
    )
    assert cli_main(["prevalence", str(items), "--model", str(model_dir), "--labels", str(extra)]) == 0
    assert "(1 outside the documents estimated" in capsys.readouterr().err

    # an id the corpus does not hold, without a text, is a usage error naming it
    with labels.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps({"id": "no-such-item", "relevant": True, "topics": []}) + "\n")
    assert cli_main(["prevalence", str(items), "--model", str(model_dir), "--labels", str(labels)]) == 2
    assert "no-such-item" in capsys.readouterr().err
