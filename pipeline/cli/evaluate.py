"""``zhnews evaluate``: scores of a model on labelled JSONL, with top terms per topic."""

from __future__ import annotations

import argparse

from pipeline.cli.flags import add_command, add_output


def register(subparsers: argparse._SubParsersAction) -> None:
    p = add_command(
        subparsers,
        "evaluate",
        help="precision/recall/F1 of a model on labelled JSONL",
        description="Relevance and per-topic precision/recall/F1 with support (or accuracy and the "
        "class confusion for single-label sets) and the top terms of each topic, as a table.",
        example="zhnews evaluate --labels heldout.jsonl --model models/default\n"
        "zhnews evaluate --labels heldout.jsonl --json -o scores.json",
    )
    p.add_argument("--labels", required=True, metavar="FILE.jsonl", help="labelled records")
    p.add_argument("--model", metavar="DIR", help="model directory (default: the packaged model or $ZHNEWS_MODEL_DIR)")
    p.add_argument("--top-terms", type=int, default=10, metavar="N", help="terms shown per topic")
    p.add_argument("--json", action="store_true", help="print the report as JSON (for machines)")
    add_output(p, "file to write the report to (default: standard output)")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    import json
    import sys

    from pipeline.classify.cv import format_report
    from pipeline.classify.data import labelled_set, read_jsonl
    from pipeline.classify.explain import top_terms
    from pipeline.classify.metrics import multiclass_report, multilabel_report
    from pipeline.classify.persist import load_model
    from pipeline.classify.training import trained_on
    from pipeline.cli.flags import output_stream
    from pipeline.errors import UsageError

    model = load_model(args.model)
    records = read_jsonl(args.labels)
    data = labelled_set(records, model.topic_keys if model.kind == "multilabel" else None)
    if data.kind != model.kind:
        raise UsageError(f"labels are {data.kind} but the model is {model.kind}")
    seen = trained_on(model, records)
    if seen:
        print(
            f"zhnews evaluate: warning: {seen} of {len(records)} items were used to train this model; "
            "its scores on them flatter it (evaluate on items it has not seen)",
            file=sys.stderr,
        )
    results = model.predict_records(records, evidence=False)
    if data.kind == "multiclass":
        report = multiclass_report(data.labels or [], [r["topics"][0] for r in results])
    else:
        assert data.relevant is not None  # multi-label sets have it
        gold = [list(r.get("topics") or []) for r in records]
        report = multilabel_report(
            data.relevant.astype(bool), [r["relevant"] for r in results], gold, [r["topics"] for r in results], data.keys
        )
    report["model_version"] = model.version
    report["items_seen_in_training"] = seen
    report["top_terms"] = top_terms(model, args.top_terms)
    with output_stream(args.output) as out:
        if args.json:
            json.dump(report, out, ensure_ascii=False, indent=1)
            out.write("\n")
            return 0
        out.write(format_report(report, f"model {model.version} on {args.labels} ({len(records)} items)") + "\n")
        out.write("\ntop terms\n")
        for key, terms in report["top_terms"].items():
            out.write(f"  {key}: {', '.join(terms)}\n")
    return 0
