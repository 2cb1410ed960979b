"""What a fresh worker process spends before its first document, step by step.

Each measurement is a fresh ``python`` subprocess (nothing imported or cached from a previous
one; jieba's own dictionary cache is warm, as on any run after the first), and the runs of the
variants interleave:

* ``worker``: build the default steps and set every one up, as ``warm_up`` does in a worker
  (``distributed`` imported first, as a Dask worker has it), seconds per step;
* ``model: inference copy``: load the default model as the classify step does
  (``load_for_inference``: ``inference.npz``, no scikit-learn);
* ``model: skops``: load it with ``load_model`` (skops, which imports scikit-learn).

Medians of ``--runs`` rounds::

    python benchmarks/worker_setup.py --runs 5
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys

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

MODEL = """
import json, sys, time
t = time.perf_counter()
from pipeline.classify.persist import {loader}
model = {loader}()
print(json.dumps({{"seconds": time.perf_counter() - t, "sklearn imported": "sklearn" in sys.modules,
                  "features": type(model.state["features"]).__name__}}))
"""


def _run(code: str) -> dict:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    worker: list[dict] = []
    light: list[dict] = []
    full: list[dict] = []
    for _ in range(args.runs):
        worker.append(_run(WORKER))
        light.append(_run(MODEL.format(loader="load_for_inference")))
        full.append(_run(MODEL.format(loader="load_model")))
    med = {k: round(statistics.median(r[k] for r in worker), 3) for k in worker[0]}
    light_s = statistics.median(r["seconds"] for r in light)
    full_s = statistics.median(r["seconds"] for r in full)
    print(json.dumps({
        "runs": args.runs,
        "worker_setup_seconds_median": med,
        "model_load_seconds_median": {
            "inference copy": round(light_s, 3), "skops": round(full_s, 3), "ratio skops / copy": round(full_s / light_s, 1),
        },
        "sklearn_imported": {"inference copy": light[0]["sklearn imported"], "skops": full[0]["sklearn imported"]},
        "features": {"inference copy": light[0]["features"], "skops": full[0]["features"]},
    }, indent=2))


if __name__ == "__main__":
    main()
