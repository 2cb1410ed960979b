"""What a fresh worker process spends before its first document, step by step.

Each measurement is a fresh ``python`` subprocess (nothing imported or cached from a previous
one; jieba's own dictionary cache is warm, as on any run after the first), and the runs of the
variants interleave:

* ``worker``: build the default steps and set every one up, as ``warm_up`` does in a worker
  (``distributed`` imported first, as a Dask worker has it), seconds per step;
* ``model: inference copy``: load the default model as the classify step does
  (``load_for_inference``: ``inference.npz``, no scikit-learn);
* ``model: skops``: load it with ``load_model`` (skops, which imports scikit-learn);
* ``cold`` and ``forked``: the CPU seconds a local pool's worker spends before it can take a
  task, from a fresh interpreter (imports and every step's set-up) and forked by the warm fork
  server (:mod:`pipeline.engine.warm_parent`; unpickling the steps and setting up what the
  server has not), both setting up the default steps.

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
    cold: list[float] = []
    forked: list[float] = []
    for _ in range(args.runs):
        cold.append(_run(WARM.format(forked=False))["cpu"])
        forked.append(_run(WARM.format(forked=True))["cpu"])
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
        "worker_cpu_before_first_task_median": {
            "cold (spawned)": round(statistics.median(cold), 3), "forked from the warm server": round(statistics.median(forked), 3),
        },
        "sklearn_imported": {"inference copy": light[0]["sklearn imported"], "skops": full[0]["sklearn imported"]},
        "features": {"inference copy": light[0]["features"], "skops": full[0]["features"]},
    }, indent=2))


if __name__ == "__main__":
    main()
