"""``zhnews labels``: export labels to Label Studio / doccano and import them back."""

from __future__ import annotations

import argparse

from pipeline.cli.flags import add_command, add_output


def register(subparsers: argparse._SubParsersAction) -> None:
    from pipeline.label.interop import FORMATS

    p = add_command(
        subparsers,
        "labels",
        help="export labels to Label Studio / doccano, or import their exports",
        description="Move labels between the project's label JSONL (what 'zhnews label' writes and "
        "'zhnews train --labels' reads) and Label Studio (JSON tasks) or doccano (JSONL).",
        example="zhnews labels export labels.jsonl --format label-studio -o tasks.json\n"
        "zhnews labels import export.json -o labels.jsonl",
    )
    sub = p.add_subparsers(dest="labels_command", metavar="{export,import}", required=True)
    ex = add_command(sub, "export", help="write labels as Label Studio tasks or doccano JSONL",
                     description="Write labels as Label Studio tasks (JSON) or doccano JSONL.",
                     example="zhnews labels export labels.jsonl --format doccano -o items.jsonl")
    ex.add_argument("labels", metavar="LABELS.jsonl")
    ex.add_argument("--format", required=True, choices=FORMATS)
    add_output(ex, "output file (default: standard output)")
    ex.add_argument("--label-config", metavar="FILE", help="also write the Label Studio labelling config (XML)")
    ex.add_argument("--taxonomy", metavar="FILE", help="taxonomy YAML for --label-config (default: the packaged one)")
    ex.set_defaults(func=export)
    im = add_command(sub, "import", help="read a Label Studio JSON or doccano JSONL export into label JSONL",
                     description="Read a Label Studio JSON or doccano JSONL export into label JSONL.",
                     example="zhnews labels import project-1.json -o labels.jsonl")
    im.add_argument("file", metavar="FILE")
    im.add_argument("--format", choices=FORMATS, help="input format (default: detected from the content)")
    add_output(im, "output file (default: standard output)", metavar="LABELS.jsonl")
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
    from pathlib import Path

    from pipeline.cli.flags import status
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
    _write(args.output, text)
    if args.label_config:
        _write(args.label_config, interop.label_studio_config(clf.load_taxonomy(args.taxonomy)))
    status(args, f"{len(labels)} labels exported as {args.format}")
    return 0


def import_(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path

    from pipeline.cli.flags import status
    from pipeline.errors import UsageError
    from pipeline.label import interop
    from pipeline.label import model as clf

    if not Path(args.file).is_file():
        raise UsageError(f"no such file: {args.file}")
    imported = interop.read_import(args.file, clf.load_taxonomy(args.taxonomy), args.format)
    latest = {label["id"]: label for label in imported.labels}  # the last label of an id wins
    _write(args.output, "".join(json.dumps(label, ensure_ascii=False) + "\n" for label in latest.values()))
    repeated = len(imported.labels) - len(latest)
    status(
        args,
        f"{len(latest)} labels imported"
        + (f" ({repeated} earlier labels of the same items replaced)" if repeated else "")
        + (f"; {len(imported.unlabelled)} items without a label left out: {', '.join(imported.unlabelled[:10])}"
           + (" …" if len(imported.unlabelled) > 10 else "") if imported.unlabelled else ""),
    )
    return 0
