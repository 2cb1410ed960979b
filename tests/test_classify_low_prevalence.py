"""Relevance where few items are relevant: negatives that name medical workers, and a threshold
chosen for the labelled mix and for general news at once."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from pipeline.classify.cooc import names_workers, worker_pattern
from pipeline.classify.model import make_item
from pipeline.classify.thresholds import best_f1_threshold, low_prevalence_f1, two_regime_threshold


def test_low_prevalence_f1_by_hand() -> None:
    # recall 0.8, false-positive rate 0.1 at 10 % relevant: precision 0.08 / (0.08 + 0.09)
    f1 = low_prevalence_f1(np.array([0.8]), np.array([0.1]), 0.1)[0]
    precision = 0.08 / 0.17
    assert f1 == pytest.approx(2 * precision * 0.8 / (precision + 0.8))
    assert low_prevalence_f1(np.array([0.5]), np.array([0.0]), 0.1)[0] == pytest.approx(2 / 3)


def test_two_regime_threshold_rises_above_the_news_that_names_workers() -> None:
    # labelled mix: half relevant, weakly ranked, so calling everything relevant is best on it
    y = np.array([1] * 10 + [0] * 10)
    scores = np.concatenate([np.linspace(0.35, 0.8, 10), [0.3, 0.4, 0.5, 0.6, 0.7, 0.35, 0.45, 0.55, 0.65, 0.75]])
    news = np.linspace(0.3, 0.5, 50)  # general news naming medical workers, none above 0.5
    alone = best_f1_threshold(y, scores)
    both = two_regime_threshold(y, scores, news, 0.1)
    assert alone < 0.35  # every labelled item called relevant, and every news item with them
    assert 0.49 < both < 0.55  # rejects the news, keeps the 7 relevant items from 0.5 up
    assert (news >= both).mean() <= 0.02 and (scores[:10] >= both).sum() == 7
    # without such news the labelled mix decides alone
    assert two_regime_threshold(y, scores, np.array([]), 0.1) == alone


def test_names_workers_is_the_gate_rule() -> None:
    items = [
        make_item("", "护士节当天，医院为护士发放慰问金", []),
        make_item("醫護人員", "", []),  # the title alone counts (Traditional is matched after conversion)
        make_item("股市", "沪指收涨，成交量放大", []),
    ]
    hits = names_workers(items, worker_pattern(["护士", "医护人员", "醫護人員"]))
    assert hits.tolist() == [True, True, False]
    assert not names_workers(items, worker_pattern([])).any()


@pytest.mark.slow
def test_negatives_naming_workers_lower_false_positives_on_unseen_news(shared_data: Path) -> None:
    """Trained on real labels with public general news that names medical workers as negatives,
    the model calls fewer unseen such articles relevant (the other public half) than with its
    threshold set on the labelled mix alone, and its threshold is higher."""
    from pipeline.classify.data import labelled_set, read_jsonl
    from pipeline.classify.model import TrainConfig, record_item
    from pipeline.classify.taxonomy import load_taxonomy
    from pipeline.classify.training import fit_labelled

    tax = load_taxonomy()
    records = read_jsonl(shared_data / "labels" / "train.jsonl")[::2]

    def sogou(name: str) -> list[dict]:
        with (shared_data / "benchmarks" / "sogou_mini5" / name).open(encoding="utf-8", newline="") as fh:
            rows = [{"id": f"{name}:{i}", "text": row["content"]} for i, row in enumerate(csv.DictReader(fh))]
        hits = names_workers([record_item(r) for r in rows], worker_pattern(tax.worker_terms))
        return [r for r, hit in zip(rows, hits) if hit]

    train_news, unseen_news = sogou("sougou_eval.csv"), sogou("sougou_test.csv")
    assert len(train_news) >= 30 and len(unseen_news) >= 30
    cfg = TrainConfig(inner_folds=3)
    data = labelled_set(records, tax.keys)
    with_news = fit_labelled(data, tax, cfg, negatives=train_news)
    without = fit_labelled(data, tax, TrainConfig(inner_folds=3, hard_negative_weight=0.3, low_prevalence=0.0))
    assert with_news.state["relevance_threshold"] > without.state["relevance_threshold"]
    assert with_news.state["threshold_negatives"] == len(train_news) and without.state["threshold_negatives"] == 0

    def called(model) -> float:
        return float(np.mean([r["relevant"] for r in model.predict_records(unseen_news, evidence=False)]))

    assert called(with_news) < called(without)
    assert called(with_news) <= 0.25
    gold = np.array([bool(r["relevant"]) for r in records])
    pred = np.array([r["relevant"] for r in with_news.predict_records(records, evidence=False)])
    assert pred[gold].mean() >= 0.6  # still finds most relevant items it was trained on


def test_train_refuses_a_share_outside_zero_to_one(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from pipeline.cli import main as cli_main

    labels = tmp_path / "labels.jsonl"
    labels.write_text('{"id": 1, "text": "医护人员", "relevant": true, "topics": ["pay"]}\n', encoding="utf-8")
    assert cli_main(["train", "--labels", str(labels), "--low-prevalence", "1.5", "-o", str(tmp_path / "m")]) == 2
    assert "--low-prevalence must be in [0, 1)" in capsys.readouterr().err
    assert not (tmp_path / "m").exists()


def test_card_says_how_the_threshold_was_chosen() -> None:
    from pipeline.classify.card import threshold_lines

    cfg = {"low_prevalence": 0.1, "hard_negative_weight": 3.0, "low_prevalence_weight": 0.5}
    text = " ".join(threshold_lines({"config": cfg, "threshold_negatives": 140}))
    assert "The 140 general-news negatives that name medical workers weigh 3 labelled items" in text
    assert "10% is relevant" in text
    # labelled items alone: no such sentence
    assert threshold_lines({"config": cfg, "threshold_negatives": 0}) == []
    assert threshold_lines({"config": {**cfg, "low_prevalence": 0.0}, "threshold_negatives": 140}) == []


def test_shipped_model_rejects_unseen_news_that_names_medical_workers(shared_data: Path) -> None:
    """The shipped model was trained with the first public half (sogou eval among it); the
    sogou test articles that name medical workers are news it never saw, about patients, disease
    and celebrities. The model before negatives naming medical workers called 29 of these 41
    articles relevant; the shipped one calls at most a quarter, and still finds the relevant
    items it was trained on."""
    from pipeline.classify.data import read_jsonl
    from pipeline.classify.model import record_item
    from pipeline.classify.persist import load_model
    from pipeline.classify.taxonomy import load_taxonomy

    model = load_model()
    assert model.meta["threshold_negatives"] >= 100
    with (shared_data / "benchmarks" / "sogou_mini5" / "sougou_test.csv").open(encoding="utf-8", newline="") as fh:
        rows = [{"id": f"t{i}", "text": row["content"]} for i, row in enumerate(csv.DictReader(fh))]
    hits = names_workers([record_item(r) for r in rows], worker_pattern(load_taxonomy().worker_terms))
    news = [r for r, hit in zip(rows, hits) if hit]
    assert len(news) >= 30
    called = np.mean([r["relevant"] for r in model.predict_records(news, evidence=False)])
    assert called <= 0.25
    labelled = [r for r in read_jsonl(shared_data / "labels" / "train.jsonl") if r["relevant"]]
    found = np.mean([r["relevant"] for r in model.predict_records(labelled, evidence=False)])
    assert found >= 0.8
