"""End-to-end throughput, scaling and peak memory of ``zhnews run``, against bare jieba.

Builds a corpus of real text from the shared data folder in a temporary directory (JSONL
feeds as they are, the classification sets converted to JSONL, extraction pages that have a
reference body as HTML files; the whole set repeated until the target size is reached), then,
in one invocation, side by side and interleaved round by round:

* ``floor``: bare ``jieba.lcut`` over the documents' text (JSONL ``text`` fields, the pages'
  reference bodies) in one process, dictionary loaded beforehand;
* ``zhnews run`` (ingest to Parquet) with the local pool and with Dask, 1 and 2 workers;

and reports medians: text MB/s, the ratio to the floor, speedups of 2 workers over 1 (ratio of
the medians, and median of the same-round ratios; each round's split into the ratio of the
cores kept busy and the ratio of CPU seconds), the per-stage share of worker time (from
``manifest.json``) and the peak RSS summed over the process tree.  ``--rss-only`` runs a single
local 2-worker run (for the 500 MB point).  ``--agreement`` compares jieba-rs throughout and
accelerated jieba with pure-Python jieba on the corpus text (identical documents, token-boundary
F1, CPU speed-up).

    nice -n 10 python benchmarks/throughput.py --runs 3                  # 50 MB of text
    nice -n 10 python benchmarks/throughput.py --mb 50 --text-mb 0 --rss-only   # and --mb 500
    nice -n 5 python benchmarks/throughput.py --runs 4 --rotate --configs dask:1,dask:2  # no fixed order
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _shared import REPO_ROOT, shared_data_dir  # noqa: E402

csv.field_size_limit(1 << 30)


# -- corpus ----------------------------------------------------------------------------------
def _one_copy(data: Path) -> tuple[list[tuple[str, bytes]], list[str]]:
    """Files of one copy of the corpus (relative name, bytes) and the text they carry."""
    files: list[tuple[str, bytes]] = []
    texts: list[str] = []
    for path in sorted((data / "indomain").glob("*.jsonl")):
        raw = path.read_bytes()
        files.append((f"feeds/{path.name}", raw))
        for line in raw.decode("utf-8").splitlines():
            if line.strip():
                text = json.loads(line).get("text")
                if isinstance(text, str):
                    texts.append(text)

    def as_jsonl(name: str, items: list[str]) -> None:
        lines = [json.dumps({"id": f"{name}-{i}", "text": t}, ensure_ascii=False) for i, t in enumerate(items)]
        files.append((f"sets/{name}.jsonl", ("\n".join(lines) + "\n").encode("utf-8")))
        texts.extend(items)

    cnews = (data / "benchmarks/cnews_sample1000/cnews.sample1000.txt").read_text(encoding="utf-8")
    as_jsonl("cnews", [line.split("\t", 1)[1] for line in cnews.splitlines() if "\t" in line])
    for name in ("sougou_eval.csv", "sougou_test.csv"):
        with open(data / "benchmarks/sogou_mini5" / name, encoding="utf-8", newline="") as handle:
            as_jsonl(name.removesuffix(".csv"), [row["content"] for row in csv.DictReader(handle)])
    for label in sorted((data / "extraction").glob("*/*.json")):
        page = label.with_suffix(".html")
        body = json.loads(label.read_text(encoding="utf-8")).get("body")
        if page.exists() and isinstance(body, str) and body.strip():
            files.append((f"pages/{label.parent.name}/{page.name}", page.read_bytes()))
            texts.append(body)
    return files, texts


def _share_of(files: list[tuple[str, bytes]], share: float) -> tuple[list[tuple[str, bytes]], list[str]]:
    """About ``share`` of the copy's bytes, of every kind: each JSONL file cut after a line near
    that share of it, and that share of the pages (the text they carry with them)."""
    out: list[tuple[str, bytes]] = []
    texts: list[str] = []
    pages = [(n, b) for n, b in files if not n.endswith(".jsonl")]
    for name, data in files:
        if name.endswith(".jsonl"):
            cut = data.find(b"\n", int(len(data) * share)) + 1 or len(data)
            out.append((name, data[:cut]))
            texts.extend(t for line in data[:cut].decode("utf-8").splitlines()
                         if line.strip() and isinstance(t := json.loads(line).get("text"), str))
    kept = pages[: round(len(pages) * share)]
    out.extend(kept)
    for name, _ in kept:  # the reference body beside each page
        label = shared_data_dir() / "extraction" / Path(name).relative_to("pages").with_suffix(".json")
        texts.append(json.loads(label.read_text(encoding="utf-8"))["body"])
    return out, texts


def parse_trees(spec: str, root: Path) -> list[tuple[str, Path]]:
    """``name=DIR,...`` as (name, absolute folder holding a ``pipeline`` package), DIRs relative to ``root``."""
    return [(name, (root / path).resolve()) for name, path in (item.split("=", 1) for item in spec.split(","))]


def corpus_for(given: Path | None, tmp: str, mb: float) -> Path:
    """``given`` when set, else a corpus of ``mb`` MB built in ``tmp`` (its description printed)."""
    if given is not None:
        return given.resolve()
    corpus = Path(tmp) / "corpus"
    info = build_corpus(corpus, mb)
    info.pop("texts")
    print(json.dumps(info), flush=True)
    return corpus


def build_corpus(dest: Path, target_mb: float = 0.0, text_mb: float = 0.0, max_mb: float = 0.0) -> dict[str, Any]:
    """Write copies of the corpus under ``dest`` until it holds ``target_mb`` of input files and
    ``text_mb`` of document text (UTF-8), or only a part of one copy of about ``max_mb`` of
    input files when that is given; returns sizes."""
    files, texts = _one_copy(shared_data_dir())
    copy_bytes = sum(len(b) for _, b in files)
    if max_mb and max_mb * 1e6 < copy_bytes:
        files, texts = _share_of(files, max_mb * 1e6 / copy_bytes)
        copy_bytes, target_mb, text_mb = sum(len(b) for _, b in files), 0.0, 0.0
    text_bytes = sum(len(t.encode("utf-8")) for t in texts)
    copies = max(1, math.ceil(target_mb * 1e6 / copy_bytes), math.ceil(text_mb * 1e6 / text_bytes))
    for k in range(copies):
        for name, data in files:
            path = dest / f"copy-{k:03d}" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    return {"copies": copies, "files": copies * len(files), "input_mb": copies * copy_bytes / 1e6,
            "text_mb": copies * text_bytes / 1e6, "documents": copies * len(texts), "texts": texts}


# -- measurements --------------------------------------------------------------------------
class PeakRss:
    """Samples the summed RSS of a process and all its descendants every 0.5 s, and their summed
    PSS (proportional set size: a page shared by n processes counts 1/n in each, so forked
    workers sharing their parent's pages are not counted twice)."""

    def __init__(self, pid: int) -> None:
        self.peak = 0
        self.peak_pss = 0
        self._proc = psutil.Process(pid)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            total = pss = 0
            try:
                for proc in [self._proc, *self._proc.children(recursive=True)]:
                    try:
                        info = proc.memory_full_info()
                        total += info.rss
                        pss += getattr(info, "pss", info.rss)
                    except psutil.Error:
                        pass
            except psutil.Error:
                break
            self.peak = max(self.peak, total)
            self.peak_pss = max(self.peak_pss, pss)
            self._stop.wait(0.5)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def floor_seconds(texts: list[str], copies: int) -> tuple[float, float]:
    """Bare ``jieba.lcut`` over every text of every copy, in this process (dictionary loaded first)."""
    import jieba

    jieba.setLogLevel(60)
    jieba.initialize()
    started, cpu = time.perf_counter(), time.process_time()
    for _ in range(copies):
        for text in texts:
            jieba.lcut(text)
    return time.perf_counter() - started, time.process_time() - cpu


#: Segmentation variants a configuration can name (``engine:workers:variant``): the default
#: (jieba's tokens, jieba-rs computing the plain Han runs when installed), pure-Python jieba,
#: and jieba-rs throughout.
SEGMENT_VARIANTS: dict[str, dict[str, Any]] = {
    "default": {},
    "purejieba": {"accelerate": False},
    "rjieba": {"backend": "rjieba"},
}


def adopt_orphans() -> None:
    """Become the parent of the processes a run leaves behind when it exits (Linux: a child
    subreaper), so that their CPU time, and their children's, is counted: a fork server the
    run started outlives it by a moment, and the run does not wait for it."""
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER


def reap_orphans() -> None:
    """Wait for every remaining child process (adopted orphans included)."""
    while True:
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            return


def zhnews_run(corpus: Path, out: Path, engine: str, workers: int, extra: list[str],
               baseline: Path | None = None, variant: str = "default") -> dict[str, Any]:
    """One ``zhnews run`` subprocess from scratch; wall time, peak RSS and the manifest.

    ``variant`` names a :data:`SEGMENT_VARIANTS` entry (passed as a ``--config`` file);
    ``baseline`` is the local engine run from another source tree (``baseline`` holds its
    ``pipeline`` package, e.g. ``git archive <commit> pipeline | tar -x -C DIR``).
    """
    shutil.rmtree(out, ignore_errors=True)
    cwd = REPO_ROOT
    prefix = [sys.executable, "-m", "pipeline"]
    if engine == "baseline":
        if baseline is None:
            raise ValueError("engine baseline needs --baseline DIR")
        engine, cwd = "local", baseline
    # workers 0: no --workers option (the default count, fitted to the input)
    cmd = [*prefix, "run", str(corpus), "-o", str(out), *(["--workers", str(workers)] if workers else []),
           "--engine", engine, "--quiet", *extra]
    if SEGMENT_VARIANTS[variant]:
        config = out.parent / f"segment-{variant}.json"
        config.write_text(json.dumps({"segment": SEGMENT_VARIANTS[variant]}), encoding="utf-8")
        cmd += ["--config", str(config)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    rss = PeakRss(proc.pid)
    _, err = proc.communicate()
    wall = time.perf_counter() - started
    peak = rss.stop()
    peak_pss = rss.peak_pss
    reap_orphans()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode not in (0, 3):
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}): {err.decode()[-2000:]}")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    kinds = task_seconds_by_kind(out)
    shutil.rmtree(out, ignore_errors=True)
    return {"wall": wall, "cpu": cpu, "rss": peak, "pss": peak_pss, "stages": manifest.get("stage_seconds", {}),
            "rows": manifest["counts"]["rows"], "documents": manifest["counts"]["documents"], "kinds": kinds}


def task_seconds_by_kind(out: Path) -> dict[str, list[float]]:
    """Task seconds and input MB of a run's single-kind tasks, by kind (from the completion
    markers): what a byte of each kind costs a worker, for the scheduling weights."""
    kinds: dict[str, list[float]] = {}
    for marker in (out / "_run").rglob("*.json"):
        record = json.loads(marker.read_text(encoding="utf-8"))
        files = record.get("files") if isinstance(record, dict) else None
        if not files or len({f["kind"] for f in files}) != 1:
            continue
        span = sum((f["end"] - f["start"]) if f.get("end") else f["size"] for f in files)
        totals = kinds.setdefault(files[0]["kind"], [0.0, 0.0])
        totals[0] += record["seconds"]
        totals[1] += span / 1e6
    return kinds


def _cuts(tokens: list[str]) -> set[int]:
    ends, pos = set(), 0
    for tok in tokens:
        pos += len(tok)
        ends.add(pos)
    return ends


def agreement(texts: list[str], limit: int = 0) -> dict[str, dict[str, float]]:
    """jieba-rs throughout and accelerated jieba, each against pure-Python jieba (all with the
    domain dictionary): share of identical documents, token-boundary F1, CPU speed-up.
    ``limit`` > 0 samples that many documents evenly."""
    from pipeline.segment.accelerated import accelerated_tokenize
    from pipeline.segment.rjieba_backend import rjieba_tokenize
    from pipeline.segment.tokenizer import tokenize

    sample = texts[:: max(1, len(texts) // limit)][:limit] if limit else texts
    started = time.process_time()
    gold = [tokenize(t) for t in sample]
    jieba_cpu = time.process_time() - started
    report: dict[str, dict[str, float]] = {}
    for name, cut in (("rjieba", rjieba_tokenize), ("accelerated", accelerated_tokenize)):
        cut("预热")
        started = time.process_time()
        found = [cut(t) for t in sample]
        cpu = time.process_time() - started
        common = n_gold = n_found = 0
        for x, y in zip(gold, found):
            if "".join(x) != "".join(y):
                continue
            cx, cy = _cuts(x), _cuts(y)
            common, n_gold, n_found = common + len(cx & cy), n_gold + len(cx), n_found + len(cy)
        precision, recall = common / n_found, common / n_gold
        report[name] = {"documents": len(sample), "identical_docs": sum(x == y for x, y in zip(gold, found)),
                        "boundary_f1": round(2 * precision * recall / (precision + recall), 6),
                        "cpu_speedup": round(jieba_cpu / cpu, 2)}
    return report


# -- report ----------------------------------------------------------------------------------
#: Manifest stage timings that are not task (per-document) work.
_AFTER_TASKS = frozenset({"dedup", "dedup_after_tasks", "publish"})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--text-mb", type=float, default=50,
                        help="build at least this much document text (MB of UTF-8; the issue's corpus size)")
    parser.add_argument("--mb", type=float, default=0, help="build at least this much input (MB of files: pages, JSONL)")
    parser.add_argument("--max-mb", type=float, default=0,
                        help="only a part of one copy, about this many MB of files of every kind (with --text-mb 0)")
    parser.add_argument("--runs", type=int, default=3, help="rounds; medians are reported (0: only build the corpus, e.g. with --agreement)")
    parser.add_argument("--rotate", action="store_true",
                        help="start round r at the r-th configuration (the floor stays first), so no configuration always runs last")
    parser.add_argument("--configs", default="local:1,local:2,dask:1,dask:2,local:1:purejieba,local:1:rjieba",
                        help="engine:workers[:variant] list (workers 0: the default count); variants: " + ", ".join(SEGMENT_VARIANTS)
                             + " (engine baseline: local, the --baseline source tree)")
    parser.add_argument("--rss-only", action="store_true", help="one local 2-worker run: wall time and peak RSS")
    parser.add_argument("--agreement", action="store_true", help="also measure rjieba against jieba")
    parser.add_argument("--no-classify", action="store_true", help="pass --no-classify to zhnews run")
    parser.add_argument("--tmp", default=None, help="where to build the corpus (default: system temp)")
    parser.add_argument("--baseline", type=Path, default=None,
                        help="a folder holding an earlier `pipeline` package: config baseline:W runs it (local engine)")
    args = parser.parse_args()

    adopt_orphans()
    with tempfile.TemporaryDirectory(prefix="zhnews-bench-", dir=args.tmp) as tmp:
        root = Path(tmp)
        info = build_corpus(root / "corpus", args.mb, args.text_mb, args.max_mb)
        texts = info.pop("texts")
        print(json.dumps(info), flush=True)
        if args.agreement:
            print(json.dumps({"agreement_with_jieba": agreement(texts)}), flush=True)
        if args.runs == 0:
            return
        extra = ["--no-classify"] if args.no_classify else []
        if args.rss_only:
            result = zhnews_run(root / "corpus", root / "out", "local", 2, extra)
            print(json.dumps({"local:2": {"wall": round(result["wall"], 1), "mb_s": round(info["text_mb"] / result["wall"], 3),
                                          "peak_rss_mb": round(result["rss"] / 1e6),
                                          "peak_pss_mb": round(result["pss"] / 1e6), "rows": result["rows"]}}))
            return
        configs = [(*c.split(":")[:2], (c.split(":") + ["default"])[2]) for c in args.configs.split(",")]
        walls: dict[str, list[float]] = {"floor": []}
        cpus: dict[str, list[float]] = {"floor": []}
        rss: dict[str, list[int]] = {}
        pss: dict[str, list[int]] = {}
        stages: dict[str, list[dict[str, float]]] = {}
        kinds: dict[str, list[float]] = {}
        for round_ in range(args.runs):
            wall, cpu = floor_seconds(texts, info["copies"])
            walls["floor"].append(wall)
            cpus["floor"].append(cpu)
            print(json.dumps({"round": round_, "floor": round(wall, 1), "cpu": round(cpu, 1)}), flush=True)
            shift = round_ % len(configs) if args.rotate else 0
            for engine, workers, variant in configs[shift:] + configs[:shift]:
                name = f"{engine}:{workers}" + ("" if variant == "default" else f":{variant}")
                result = zhnews_run(root / "corpus", root / "out", engine, int(workers), extra, args.baseline, variant)
                walls.setdefault(name, []).append(result["wall"])
                cpus.setdefault(name, []).append(result["cpu"])
                rss.setdefault(name, []).append(result["rss"])
                pss.setdefault(name, []).append(result["pss"])
                stages.setdefault(name, []).append(result["stages"])
                for kind, (seconds, mb) in result["kinds"].items():
                    kinds.setdefault(kind, [0.0, 0.0])
                    kinds[kind][0] += seconds
                    kinds[kind][1] += mb
                print(json.dumps({"round": round_, name: round(result["wall"], 1), "cpu": round(result["cpu"], 1), "rss_mb": round(result["rss"] / 1e6),
                                  "pss_mb": round(result["pss"] / 1e6),
                                  "rows": result["rows"]}), flush=True)
        med = {k: statistics.median(v) for k, v in walls.items()}
        report: dict[str, Any] = {"corpus": info, "median_seconds": {k: round(v, 2) for k, v in med.items()},
                                  "text_mb_per_s": {k: round(info["text_mb"] / v, 3) for k, v in med.items()}}
        cpu_med = {k: statistics.median(v) for k, v in cpus.items()}
        report["median_cpu_seconds"] = {k: round(v, 2) for k, v in cpu_med.items()}
        report["cpu_ratio_to_jieba_floor"] = {k: round(cpu_med["floor"] / v, 3) for k, v in cpu_med.items() if k != "floor"}
        report["ratio_to_jieba_floor"] = {k: round(med["floor"] / v, 3) for k, v in med.items() if k != "floor"}
        for engine in ("local", "dask"):
            one, two = f"{engine}:1", f"{engine}:2"
            if one not in med or two not in med:
                continue
            report.setdefault("speedup_2_over_1", {})[engine] = round(med[one] / med[two], 3)
            # the same ratio within each round (runs minutes apart): on a machine whose speed
            # drifts, the ratio of medians may pair a fast round's run with a slow one's
            per_round = [w1 / w2 for w1, w2 in zip(walls[one], walls[two])]
            report.setdefault("speedup_2_over_1_per_round", {})[engine] = [round(r, 3) for r in per_round]
            report.setdefault("speedup_2_over_1_median_of_rounds", {})[engine] = round(statistics.median(per_round), 3)
            # CPU of 1 worker over CPU of 2: the speedup 2 workers reach on 2 idle cores when
            # the tasks balance (1.0 = no extra work for the second worker)
            report.setdefault("cpu_efficiency_2_over_1", {})[engine] = round(cpu_med[one] / cpu_med[two], 3)
            # each round's speedup is exactly (cores busy with 2 / cores busy with 1) x (CPU
            # with 1 / CPU with 2): how much more of the machine 2 workers keep busy, and
            # how much of that goes to work the 1-worker run does not do or does faster
            report.setdefault("speedup_2_over_1_factors_per_round", {})[engine] = [
                {"cores_busy_ratio": round((c2 / w2) / (c1 / w1), 3), "cpu_ratio": round(c1 / c2, 3)}
                for w1, w2, c1, c2 in zip(walls[one], walls[two], cpus[one], cpus[two])]
        for engine in ("local", "dask"):
            one, default = f"{engine}:1", f"{engine}:0"
            if one in walls and default in walls:  # the default worker count against one worker
                per_round = [w1 / w0 for w1, w0 in zip(walls[one], walls[default])]
                report.setdefault("speed_default_over_1_per_round", {})[engine] = [round(r, 3) for r in per_round]
                report.setdefault("speed_default_over_1_median_of_rounds", {})[engine] = round(statistics.median(per_round), 3)
        report["cores_busy_median"] = {k: round(statistics.median(c / w for c, w in zip(cpus[k], walls[k])), 3)
                                       for k in walls}
        # worker seconds inside the tasks (stages run per document, summed over tasks), the part
        # a second worker shares out; the rest of the CPU is set-up, driver and publishing
        report["task_stage_seconds_median"] = {
            k: round(statistics.median(sum(v for s, v in run.items() if s not in _AFTER_TASKS) for run in runs), 1)
            for k, runs in stages.items() if runs and runs[0]}
        # a task's seconds per MB of each kind of input, relative to JSONL: what the scheduling
        # weights (pipeline/ingest/settings.py COST_PER_BYTE) should be
        if "jsonl" in kinds:
            per_mb = {k: s / mb for k, (s, mb) in kinds.items() if mb}
            report["task_seconds_per_mb_relative_to_jsonl"] = {k: round(v / per_mb["jsonl"], 3) for k, v in per_mb.items()}
        report["peak_rss_mb"] = {k: round(statistics.median(v) / 1e6) for k, v in rss.items()}
        report["peak_pss_mb"] = {k: round(statistics.median(v) / 1e6) for k, v in pss.items()}
        first = stages.get("local:1") or next(iter(stages.values()))
        totals = {s: statistics.median(run.get(s, 0.0) for run in first) for s in first[0]}
        whole = sum(totals.values()) or 1.0
        report["stage_share_local1"] = {s: round(v / whole, 3) for s, v in totals.items()}
        print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
