"""``zhnews labels``: export labels to Label Studio / doccano and import them back."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    from pipeline.label.interop import FORMATS

    p = subparsers.add_parser(
        "labels",
        help="export labels to Label Studio / doccano, or import their exports",
        description="Move labels between the project's label JSONL (what 'zhnews label' writes and "
        "'zhnews train --labels' reads) and Label Studio (JSON tasks) or doccano (JSONL).",
    )
    sub = p.add_subparsers(dest="labels_command", metavar="{export,import}", required=True)
    ex = sub.add_parser("export", help="write labels as Label Studio tasks or doccano JSONL")
    ex.add_argument("labels", metavar="LABELS.jsonl")
    ex.add_argument("--format", required=True, choices=FORMATS)
    ex.add_argument("--out", metavar="FILE", help="output file (default: standard output)")
    ex.add_argument("--label-config", metavar="FILE", help="also write the Label Studio labelling config (XML)")
    ex.add_argument("--taxonomy", metavar="FILE", help="taxonomy YAML for --label-config (default: the packaged one)")
    ex.set_defaults(func=export)
    im = sub.add_parser("import", help="read a Label Studio JSON or doccano JSONL export into label JSONL")
    im.add_argument("file", metavar="FILE")
    im.add_argument("--format", choices=FORMATS, help="input format (default: detected from the content)")
    im.add_argument("--out", metavar="LABELS.jsonl", help="output file (default: standard output)")
    im.add_argument("--taxonomy", metavar="FILE", help="taxonomy YAML the topics must belong to (default: the packaged one)")
    im.set_defaults(func=import_)


def _write(out: str | None, text: str) -> None:
    import sys
    from pathlib import Path

    from pipeline.io.atomic import atomic_write

    if out is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        def write(tmp: str) -> None:
            Path(tmp).write_text(text, encoding="utf-8")

        atomic_write(Path(out), write)


def export(args: argparse.Namespace) -> int:
    import json
    import sys
    from pathlib import Path

    from pipeline.errors import UsageError
    from pipeline.label import interop
    from pipeline.label import model as clf
    from pipeline.label.store import read_labels

    if not Path(args.labels).is_file():
        raise UsageError(f"no such file: {args.labels}")
    labels = list(read_labels(args.labels).values())
    if args.format == "label-studio":
        text = json.dumps(interop.to_label_studio(labels), ensure_ascii=False, indent=1) + "\n"
    else:
        text = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in interop.to_doccano(labels))
    _write(args.out, text)
    if args.label_config:
        _write(args.label_config, interop.label_studio_config(clf.load_taxonomy(args.taxonomy)))
    print(f"zhnews labels: {len(labels)} labels exported as {args.format}", file=sys.stderr)
    return 0


def import_(args: argparse.Namespace) -> int:
    import json
    import sys
    from pathlib import Path

    from pipeline.errors import UsageError
    from pipeline.label import interop
    from pipeline.label import model as clf

    if not Path(args.file).is_file():
        raise UsageError(f"no such file: {args.file}")
    imported = interop.read_import(args.file, clf.load_taxonomy(args.taxonomy), args.format)
    latest = {label["id"]: label for label in imported.labels}  # the last label of an id wins
    _write(args.out, "".join(json.dumps(label, ensure_ascii=False) + "\n" for label in latest.values()))
    repeated = len(imported.labels) - len(latest)
    print(
        f"zhnews labels: {len(latest)} labels imported"
        + (f" ({repeated} earlier labels of the same items replaced)" if repeated else "")
        + (f"; {len(imported.unlabelled)} items without a label left out: {', '.join(imported.unlabelled[:10])}"
           + (" …" if len(imported.unlabelled) > 10 else "") if imported.unlabelled else ""),
        file=sys.stderr,
    )
    return 0
