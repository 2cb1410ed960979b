"""What a fresh worker process spends before its first document, and how fast it then classifies.

Each measurement is a fresh ``python`` subprocess (nothing imported or cached from a previous
one; jieba's own dictionary cache is warm, as on any run after the first):

* ``worker``: build the default steps and set every one up, as ``warm_up`` does in a worker
  (``distributed`` imported first, as a Dask worker has it), seconds per step;
* ``model``: load the default model as the classify step does (seconds, and whether scikit-learn
  got imported), score a first batch of 50 records (the lookup tables are built then), then
  classify 2,000 pre-segmented 500-character records cut from the labelled texts (in memory
  only), evidence included: docs/s, median of 3 passes;
* ``zhnews classify``: wall time of the whole command on 3 labelled records (written to a
  temporary file), start-up included.
* ``cold`` and ``forked``: the CPU seconds a local pool's worker spends before it can take a
  task, from a fresh interpreter (imports and every step's set-up) and forked by the warm fork
  server (:mod:`pipeline.engine.warm_parent`; unpickling the steps and setting up what the
  server has not), both setting up the default steps.

``--baseline SRC`` measures the same in another source tree (the code before a change:
``git archive COMMIT | tar -x -C SRC``), interleaved round by round.  Medians of ``--runs``
rounds::

    python benchmarks/worker_setup.py --runs 5 --baseline /tmp/before
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _shared import shared_data_dir  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent

WORKER = """
import json, time
t0 = time.perf_counter()
import distributed  # noqa: F401  (a Dask worker has it already)
t1 = time.perf_counter()
from pipeline.config import RunConfig
from pipeline.steps import build_steps
steps = build_steps(RunConfig(inputs=["x"], output="unused"))
out = {"import distributed": t1 - t0, "import + build steps": time.perf_counter() - t1}
for step in steps:
    t = time.perf_counter()
    step._ensure_ready()
    out[step.name] = time.perf_counter() - t
out["total after distributed"] = time.perf_counter() - t1
print(json.dumps(out))
"""

WARM = """
import json, time
from concurrent.futures import ProcessPoolExecutor
from pipeline.config import RunConfig
from pipeline.steps import build_steps
from pipeline.engine.local import worker_context
from pipeline.engine.task import pipeline_key, warm_up
import multiprocessing
steps = build_steps(RunConfig())
key = pipeline_key(steps, None)
context = worker_context() if {forked} else multiprocessing.get_context("spawn")
with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
    pool.submit(int).result()  # the worker is up (forked: the server has set up)
    pool.submit(warm_up, steps, None, key).result()
    cpu = pool.submit(time.process_time).result()  # the worker's CPU since it started
print(json.dumps({{"cpu": cpu}}))
"""

MODEL = """
import json, statistics, sys, time
t = time.perf_counter()
from pipeline.classify import persist
model = persist.load_model()
load = time.perf_counter() - t
sklearn = "sklearn" in sys.modules
from pipeline.classify.data import read_jsonl
from pipeline.segment import tokenize
text = "".join(r["text"] for r in read_jsonl({labels!r}))
docs = [{{"id": str(i), "text": text[(i * 500) % (len(text) - 500):][:500]}} for i in range(2000)]
seg = [dict(d, tokens=tokenize(d["text"])) for d in docs]
t = time.perf_counter()
model.predict_records(seg[:50], simplified=True)
first = time.perf_counter() - t
rates = []
for _ in range(3):
    t = time.perf_counter()
    model.predict_records(seg, simplified=True)
    rates.append(len(seg) / (time.perf_counter() - t))
print(json.dumps({{"load": load, "first batch": first, "docs/s": statistics.median(rates), "sklearn imported": sklearn}}))
"""


def _run(code: str, tree: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=str(tree))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tree, env=env).stdout
    return json.loads(out.strip().splitlines()[-1])


def _cli(records: Path, tree: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=str(tree))
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pipeline", "classify", str(records)], capture_output=True, check=True, cwd=tree, env=env)
    return {"wall": time.perf_counter() - t}


def _median(rows: list[dict]) -> dict:
    return {k: round(statistics.median(r[k] for r in rows), 3) if not isinstance(rows[0][k], bool) else rows[0][k]
            for k in rows[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--baseline", type=Path, help="another source tree measured in the same rounds")
    args = parser.parse_args()
    labels = str(shared_data_dir() / "labels" / "dev.jsonl")
    trees = {"this tree": ROOT} | ({"baseline": args.baseline.resolve()} if args.baseline else {})
    rows: dict[str, list[dict]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        three = Path(tmp) / "three.jsonl"
        with open(labels, encoding="utf-8") as src:
            three.write_text("".join(src.readline() for _ in range(3)), encoding="utf-8")
        for _ in range(args.runs):
            for name, tree in trees.items():
                rows.setdefault(f"{name}: worker set-up", []).append(_run(WORKER, tree))
                rows.setdefault(f"{name}: model", []).append(_run(MODEL.format(labels=labels), tree))
                rows.setdefault(f"{name}: zhnews classify, 3 records", []).append(_cli(three, tree))
            for forked in (False, True):
                kind = "forked from the warm server" if forked else "cold (spawned)"
                rows.setdefault(f"worker CPU before its first task, {kind}", []).append(_run(WARM.format(forked=forked), ROOT))
    report = {"runs": args.runs, **{k: _median(v) for k, v in rows.items()}}
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
