"""The model card (README.md of a model directory), written from the model's metadata."""

from __future__ import annotations

from pathlib import Path
from typing import Any

SCHEME_TITLES = {
    "source": "leave one source family out (each outlet tested by a model that never saw it; the reported figure)",
    "time": "leave one time block out (contiguous date blocks)",
    "random": "stratified random folds (shown beside the grouped figures; random folds flatter)",
}


def welfare_lines(cfg: dict[str, Any]) -> list[str]:
    """How the relevance score is made, when welfare classifiers take part in it."""
    share = float(cfg.get("welfare_weight") or 0.0)
    if share <= 0:
        return []
    mix = "" if share >= 1 else f" at weight {share:g}, the relevance classifier the rest"
    return [
        "The relevance score is the chance that the item discusses at least one topic, from welfare",
        f"classifiers (one per topic, fitted on every item, relevant or not){mix}; it is zero for items",
        "that never name medical workers.",
    ]


def threshold_lines(meta: dict[str, Any]) -> list[str]:
    """How the relevance threshold was chosen, when general news that names medical workers had a say."""
    cfg = meta.get("config") or {}
    share = float(cfg.get("low_prevalence") or 0.0)
    if share <= 0 or not meta.get("threshold_negatives"):
        return []
    return [
        f"The {meta['threshold_negatives']} general-news negatives that name medical workers weigh "
        f"{float(cfg.get('hard_negative_weight', 1)):g} labelled items each, and",
        "the relevance threshold maximizes a mean of two F1s (weight "
        f"{float(cfg.get('low_prevalence_weight', 0.5)):g} on the second): on the labelled items, and",
        f"expected on a corpus where {share:.0%} is relevant and the rest is like those negatives",
        "(their out-of-fold scores).",
    ]


def render_card(meta: dict[str, Any], command: str, cv: dict[str, Any] | None = None) -> str:
    """Markdown model card: data, sizes, thresholds, CV metrics, versions and date."""
    if meta.get("kind") == "multiclass":
        about = [
            "Single-label classifier: TF-IDF (body character 1-3-grams, word 1-2-grams, large",
            "vocabularies; `multiclass_features` in the config) with a linear SVM; class scores are",
            "the softmax of its margins.",
        ]
    else:
        cfg = meta.get("config") or {}
        from pipeline.classify.groups import PLAN_NAMES

        inner = PLAN_NAMES.get(cfg.get("inner_groups", ""), f"{cfg.get('inner_folds', 5)}-fold")
        if cfg.get("topic_inner_groups"):
            topic_plan = PLAN_NAMES.get(cfg["topic_inner_groups"], f"{cfg.get('inner_folds', 5)}-fold")
            inner = f"{inner} (topics: {topic_plan})"
        about = [
            "TF-IDF (word 1-2-grams, body character 2-3-grams, weighted title n-grams, taxonomy",
            "seed-term counts) plus sentence-level co-occurrence features (sentences naming medical",
            "workers that also contain a topic's seed term; block weight `cooc_weight` in the config)",
            "with class-balanced logistic regression: one relevance classifier and one",
            f"classifier per topic; Platt-calibrated and thresholded on inner {inner} out-of-fold scores",
            f"(topic thresholds at least {cfg.get('topic_floor')}; at most {cfg.get('max_topics') or 'any number of'}"
            " topics per relevant item). Each assigned topic comes with evidence: the item's own",
            "sentences its classifier scores highest (sentences naming medical workers or the topic's",
            "terms first).",
            *welfare_lines(cfg),
            *threshold_lines(meta),
        ]
    lines = [
        f"# zhnews classifier `{meta.get('model_version')}`",
        "",
        *about,
        f"Word segmentation: `{(meta.get('config') or {}).get('segmenter', 'jieba')}` (used again at inference;",
        "jieba is the fallback when rjieba is not installed).",
        "",
        "## Training",
        f"- command: `{command}`",
        f"- data: `{meta.get('trained_on')}` ({meta.get('n_records')} records, {meta.get('n_relevant')} relevant)",
        f"- general-news negatives: {meta.get('negative_records', 0)}; unlabelled pool records used: {meta.get('pool_records')}",
        f"- topic counts: {meta.get('topic_counts')}",
        f"- thresholds: {meta.get('thresholds')}",
        f"- config: `{meta.get('config')}`",
        f"- versions: {meta.get('versions')}",
        f"- date: {meta.get('date')}",
    ]
    for scheme, report in (cv or {}).items():
        lines += ["", f"## Cross-validation: {SCHEME_TITLES.get(scheme, scheme)}", ""]
        if "relevance" not in report:
            lines.append(f"- accuracy {report['accuracy']:.3f}, macro-F1 {report['macro_f1']:.3f}")
            continue
        rel = report["relevance"]
        lines += [
            f"relevance F1 **{rel['f1']:.3f}**, topic micro-F1 **{report['topic_micro_f1']:.3f}** "
            f"(macro {report['topic_macro_f1']:.3f})",
            "",
            "| | support | P | R | F1 |",
            "|---|---|---|---|---|",
            f"| relevance | {rel['support']} | {rel['precision']:.3f} | {rel['recall']:.3f} | {rel['f1']:.3f} |",
        ]
        for key, m in report["topics"].items():
            lines.append(f"| {key} | {m['support']} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} |")
        folds = report.get("folds") or []
        if folds:
            lines += ["", "| fold (held out) | items | relevance P | R | F1 | topic micro-F1 |", "|---|---|---|---|---|---|"]
            for f in folds:
                r = f["relevance"]
                lines.append(f"| {f['fold']} | {f['n']} | {r['precision']:.3f} | {r['recall']:.3f} | {r['f1']:.3f} | {f['topic_micro_f1']:.3f} |")
    lines += [
        "",
        "## Use",
        "Load with `pipeline.classify.load_model(DIR)` or `zhnews classify FILE.jsonl --model DIR`.",
        "Inputs may be Traditional or Simplified.",
        "`model.skops` is the fitted state: vocabularies, idf, coefficients, intercepts, calibration and",
        "thresholds as numpy arrays with a JSON header, in one skops file of a dict. The loader lists the",
        "file's types first and refuses, unloaded, a file naming any type beyond skops' default-trusted",
        "ones; nothing is unpickled and the file can name no code but the project's own analyzers.",
        "`meta.json` keeps the out-of-fold posteriors of the training items under `quantification`:",
        "`zhnews prevalence` widens its default intervals (mean posterior) by how far these scores",
        "were off between source families, and `--method pacc` corrects shares with their rates.",
        "Limits: trained on several hundred items of a few outlets (CCTV transcripts, HK news, Weibo",
        "posts); on an outlet it has not seen, expect the leave-one-source-out figures above, not the",
        "random-fold ones; rare topics (family, health_service) have very few examples and low recall.",
        "",
    ]
    return "\n".join(lines)


def write_card(out_dir: str | Path, meta: dict[str, Any], command: str, cv: dict[str, Any] | None = None) -> Path:
    path = Path(out_dir) / "README.md"
    path.write_text(render_card(meta, command, cv), encoding="utf-8")
    return path
