"""Whole-process speed of the one-page commands, start-up included, against the peers.

* start-up: wall time of ``zhnews extract PAGE.html`` and ``zhnews clean PAGE.txt`` on one
  page (fresh process each run), beside the floor of a bare ``python -c pass``;
* throughput: one ``zhnews extract`` process over every page of ``../shared/data/extraction``
  against one process of trafilatura (``bare_extraction`` on the page bytes, metadata on) and
  one of readability-lxml over the same pages, pages/s including each process's start-up.

Runs are interleaved (every command once per round, order rotated) and medians reported.

    python benchmarks/cli_process.py [--runs 7] [--rounds 3]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._shared import shared_data_dir  # noqa: E402

_TRAFILATURA = """
import sys, json, trafilatura
for path in sys.argv[1:]:
    with open(path, "rb") as handle:
        data = handle.read()
    try:
        doc = trafilatura.bare_extraction(data, with_metadata=True, include_comments=False, include_tables=True)
    except Exception:
        doc = None
    doc = doc.as_dict() if hasattr(doc, "as_dict") else (doc or {})
    print(json.dumps({k: doc.get(k) for k in ("title", "date", "author", "text")}, ensure_ascii=False))
"""

_READABILITY = """
import sys, json
from lxml import html as lhtml
from readability import Document
for path in sys.argv[1:]:
    with open(path, "rb") as handle:
        data = handle.read()
    try:
        doc = Document(data)
        text = lhtml.fromstring(doc.summary(html_partial=True)).text_content()
        out = {"title": doc.short_title(), "text": text}
    except Exception:
        out = {}
    print(json.dumps(out, ensure_ascii=False))
"""


def _zhnews() -> list[str]:
    exe = shutil.which("zhnews")
    if exe is None:
        sys.exit("the zhnews command is not installed: pip install -e . first")
    return [exe]


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system) of one run of ``cmd``."""
    cpu, started = _cpu(), time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started, _cpu() - cpu


def _interleaved(commands: dict[str, list[str]], runs: int) -> dict[str, list[tuple[float, float]]]:
    names = list(commands)
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in names}
    for run in range(runs):
        k = run % len(names)
        for name in names[k:] + names[:k]:
            times[name].append(_run(commands[name]))
    return times


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=7, help="start-up runs per command")
    ap.add_argument("--rounds", type=int, default=3, help="throughput rounds per system")
    args = ap.parse_args()
    root = shared_data_dir() / "extraction"
    pages = sorted(str(p) for p in root.glob("*/*.html"))
    page = next(p for p in pages if "/daniel_zh/" in p)
    zhnews = _zhnews()
    with tempfile.TemporaryDirectory() as tmp:
        dump = Path(tmp) / "page.txt"
        seed = min((shared_data_dir() / "seeds").glob("*.txt"))
        dump.write_bytes(seed.read_bytes())
        start = _interleaved({
            "python -c pass (floor)": [sys.executable, "-c", "pass"],
            "zhnews extract PAGE.html": [*zhnews, "extract", page],
            "zhnews clean PAGE.txt": [*zhnews, "clean", str(dump)],
        }, args.runs)
    print(f"## start-up: median of {args.runs} fresh processes (seconds)")
    print("| command | wall median | wall min | CPU median (user + system) |")
    print("|---|---|---|---|")
    for name, values in start.items():
        walls, cpus = [w for w, _ in values], [c for _, c in values]
        print(f"| {name} | {statistics.median(walls):.3f} | {min(walls):.3f} | {statistics.median(cpus):.3f} |")
    whole = _interleaved({
        "zhnews extract": [*zhnews, "extract", *pages],
        "trafilatura": [sys.executable, "-c", _TRAFILATURA, *pages],
        "readability-lxml": [sys.executable, "-c", _READABILITY, *pages],
    }, args.rounds)
    base = statistics.median(w for w, _ in whole["zhnews extract"])
    base_cpu = statistics.median(c for _, c in whole["zhnews extract"])
    print(f"\n## one process over {len(pages)} pages, start-up included (median of {args.rounds} rounds)")
    print("| system | wall s | pages/s (wall) | zhnews speed-up (wall) | CPU s | zhnews speed-up (CPU) |")
    print("|---|---|---|---|---|---|")
    for name, values in whole.items():
        secs = statistics.median(w for w, _ in values)
        cpu = statistics.median(c for _, c in values)
        print(f"| {name} | {secs:.2f} | {len(pages) / secs:.1f} | {secs / base:.2f}x | {cpu:.2f} | {cpu / base_cpu:.2f}x |")


if __name__ == "__main__":
    main()
