"""``zhnews clean FILE.txt...``: one JSON article per text dump, in input order."""

from __future__ import annotations

import argparse
from typing import Any

from pipeline.cli.flags import add_command, add_output


def register(subparsers: Any) -> None:
    parser = add_command(
        subparsers,
        "clean",
        help="clean text dumps into articles (one JSON line per file)",
        description="For each text dump, in input order, print one JSON object with title, "
        "published_at (ISO-8601 or null), author, source, body (paragraphs joined by newlines), "
        "script and text (normalized); a dump that yields no article prints {\"error\": REASON}.",
        example="zhnews clean dump.txt\nzhnews clean dumps/*.txt -o articles.jsonl",
    )
    parser.add_argument("files", nargs="+", metavar="FILE.txt")
    add_output(parser, "JSONL file to write (default: standard output)", metavar="FILE.jsonl")
    parser.add_argument("--opencc", default="t2s", help="OpenCC config for the text field (default t2s)")
    parser.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    from pipeline.clean import CleanStep
    from pipeline.cli.single import doc_for, emit, normalize_step, read_inputs
    from pipeline.errors import InputRejected
    from pipeline.ingest.decode import ENCODING_ERRORS_FLAG, decode_text
    from pipeline.record import Doc, Reject
    from pipeline.steps import StepPipeline

    docs: list[Doc | Reject] = []
    for name, data in read_inputs(args.files):
        doc = doc_for(name, "text", "")
        try:
            if not data.strip():
                raise InputRejected("empty_input", "the file is empty")
            decoded = decode_text(data)
            doc.raw, doc.encoding, doc.encoding_errors = decoded.text, decoded.codec, decoded.errors
            if decoded.errors:
                doc.quality_flags.append(ENCODING_ERRORS_FLAG)
        except InputRejected as exc:
            docs.append(Reject.of(doc, "ingest", exc.reason, exc.detail))
            continue
        docs.append(doc)
    pipeline = StepPipeline([CleanStep(), normalize_step(args.opencc)])
    return emit(pipeline, args.output, docs)
