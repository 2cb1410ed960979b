"""``zhnews label``: label items in the browser while the model picks what to label next."""

from __future__ import annotations

import argparse

from pipeline.cli.flags import add_command, add_output
from pipeline.label import settings


def register(subparsers: argparse._SubParsersAction) -> None:
    p = add_command(
        subparsers,
        "label",
        help="label items in a local web app (active learning)",
        description="Serve a labelling page for the items of FILE.jsonl or RUN_DIR. Each label is "
        "appended to LABELS.jsonl as soon as it is given (restart with the same --output to resume); "
        "the model retrains in the background every N labels and chooses the next items. "
        "Needs the 'label' extra.",
        example="zhnews label corpus/processed -o labels.jsonl\n"
        "zhnews train --labels labels.jsonl -o models/mine",
    )
    p.add_argument("input", metavar="FILE.jsonl|RUN_DIR")
    add_output(p, "labels file (appended to; created if missing)", metavar="LABELS.jsonl", required=True)
    p.add_argument("--model", metavar="DIR", help="model scoring the pool until the first retrain "
                   "(default: models/default or $ZHNEWS_MODEL_DIR when it exists)")
    p.add_argument("--taxonomy", metavar="FILE", help="taxonomy YAML (default: the packaged one)")
    p.add_argument("--base-labels", metavar="FILE", help="labelled JSONL (with text) trained on together with --output")
    p.add_argument("--host", default=settings.DEFAULT_HOST, help="address to listen on (default: %(default)s)")
    p.add_argument("--port", type=int, default=settings.DEFAULT_PORT, help="port (default: %(default)s; 0: any free port)")
    p.add_argument("--strategy", choices=settings.STRATEGIES, default="uncertainty", help="how the next item is chosen (default: %(default)s)")
    p.add_argument("--retrain-every", type=int, default=settings.RETRAIN_EVERY, metavar="N",
                   help="retrain after every N new labels (default: %(default)s; 0: never)")
    p.add_argument("--seed", type=int, default=0, help="seed of the random order (ties, --strategy random)")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    import signal
    import sys

    from pipeline.errors import UsageError
    from pipeline.label.server import require_extra

    require_extra()
    from pipeline.label import model as clf
    from pipeline.label.app import create_app
    from pipeline.label.pool import read_pool
    from pipeline.label.retrainer import Retrainer
    from pipeline.label.server import allowed_hosts, bind, exposure_warning, make_server
    from pipeline.label.session import LabelSession
    from pipeline.label.store import LabelStore

    if args.retrain_every < 0:
        raise UsageError("--retrain-every must be 0 or more")
    if args.model and not clf.model_exists(args.model):
        raise UsageError(f"no model at {args.model}")
    model_dir = args.model or (str(clf.default_model_dir()) if clf.model_exists(clf.default_model_dir()) else None)
    taxonomy = clf.load_taxonomy(args.taxonomy)
    pool = read_pool(args.input)
    base = clf.read_jsonl(args.base_labels) if args.base_labels else []
    store = LabelStore(args.output)
    if store.compact():
        print(f"zhnews label: {args.output} rewritten with one line per item (the latest label)", file=sys.stderr)
    session = LabelSession(pool, store, taxonomy, args.strategy, base, args.retrain_every, args.seed)
    sock = bind(args.host, args.port)
    warning = exposure_warning(args.host)
    if warning:
        print(f"zhnews label: {warning}", file=sys.stderr)
    retrainer = Retrainer(args.input, taxonomy, session.on_result) if args.retrain_every or model_dir else None
    if retrainer is not None:
        retrainer.start()
    session.start(retrainer.submit if retrainer else None, model_dir)
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    progress = session.progress()
    print(
        f"zhnews label: {progress['pool']} items, {progress['remaining']} unlabelled; labels go to {args.output}\n"
        f"zhnews label: model: {model_dir or 'none yet (trained from the first labels)'}\n"
        f"zhnews label: open http://{shown}:{port}/  (Ctrl-C to stop)",
        file=sys.stderr,
        flush=True,
    )
    # uvicorn stops gracefully on SIGINT/SIGTERM, then raises the signal again under the handler
    # found before it started: for SIGTERM make that an exception too, so the clean-up below runs
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        make_server(create_app(session, allowed_hosts(args.host))).run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        if retrainer is not None:
            retrainer.close()
        store.compact()
        store.close()
        sock.close()
    print(f"zhnews label: stopped; {len(store.labels)} labels in {args.output}", file=sys.stderr)
    return 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
