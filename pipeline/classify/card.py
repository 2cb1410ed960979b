"""The model card (README.md of a model directory), written from the model's metadata."""

from __future__ import annotations

from pathlib import Path
from typing import Any


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
        about = [
            "TF-IDF (word 1-2-grams, body character 2-3-grams, weighted title n-grams, taxonomy",
            "seed-term counts) plus sentence-level co-occurrence features (sentences naming medical",
            "workers that also contain a topic's seed term; block weight `cooc_weight` in the config)",
            "with class-balanced logistic regression: one relevance classifier and one",
            f"classifier per topic; thresholds chosen on inner {cfg.get('inner_folds', 5)}-fold out-of-fold scores",
            f"(topic thresholds at least {cfg.get('topic_floor')}; at most {cfg.get('max_topics') or 'any number of'}"
            " topics per relevant item).",
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
        f"- unlabelled pool records used: {meta.get('pool_records')}",
        f"- topic counts: {meta.get('topic_counts')}",
        f"- thresholds: {meta.get('thresholds')}",
        f"- config: `{meta.get('config')}`",
        f"- versions: {meta.get('versions')}",
        f"- date: {meta.get('date')}",
    ]
    if cv:
        lines += ["", "## 5-fold cross-validation on the training labels"]
        if "relevance" in cv:
            rel = cv["relevance"]
            lines += [
                f"- relevance: P {rel['precision']:.3f} R {rel['recall']:.3f} F1 {rel['f1']:.4f}"
                + (" (tp {tp}, fp {fp}, fn {fn}, tn {tn})".format(**rel["confusion"]) if "confusion" in rel else ""),
                f"- topics: micro-F1 {cv['topic_micro_f1']:.3f}, macro-F1 {cv['topic_macro_f1']:.3f}",
                "",
                "| topic | support | P | R | F1 |",
                "|---|---|---|---|---|",
            ]
            for key, m in cv["topics"].items():
                lines.append(f"| {key} | {m['support']} | {m['precision']:.2f} | {m['recall']:.2f} | {m['f1']:.2f} |")
        else:
            lines.append(f"- accuracy {cv['accuracy']:.3f}, macro-F1 {cv['macro_f1']:.3f}")
    lines += [
        "",
        "## Use",
        "Load with `pipeline.classify.load_model(DIR)` (skops, allow-listed types only) or",
        "`zhnews classify FILE.jsonl --model DIR`. Inputs may be Traditional or Simplified.",
        "`inference.npz` (multi-label models) holds the same fitted numbers as plain arrays, made",
        "from this `model.skops` (its SHA-256 is recorded): `zhnews run` workers score with it",
        "without importing scikit-learn, and fall back to `model.skops` if it does not match.",
        "Limits: trained on a few hundred items (CCTV transcripts, HK news, Weibo posts); rare topics",
        "(family, health_service) have very few examples and low recall.",
        "",
    ]
    return "\n".join(lines)


def write_card(out_dir: str | Path, meta: dict[str, Any], command: str, cv: dict[str, Any] | None = None) -> Path:
    path = Path(out_dir) / "README.md"
    path.write_text(render_card(meta, command, cv), encoding="utf-8")
    return path
