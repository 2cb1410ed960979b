"""Reliability figures for docs/RELIABILITY.md: the bad-input corpus and the SIGKILL trials.

    python benchmarks/reliability.py [--chains 7] [--kills 3] [--keep DIR]

1. generates the bad-input corpus (``tests/make_bad_inputs.py``), runs ``zhnews run`` over it
   (``--workers 1 --no-classify``) and compares every file's outcome with the manifest;
2. runs the SIGKILL trials of ``tests/test_crash_safety.py`` (kill at random moments, check
   the visible dataset, re-run, compare with an uninterrupted run).
Prints Markdown tables.  Uses one core.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.make_bad_inputs import check_file, collect_outcomes, generate  # noqa: E402
from tests.test_crash_safety import sigkill_trials  # noqa: E402


def bad_input_table(work: Path) -> tuple[str, dict[str, int]]:
    corpus = generate(work / "bad")
    env = dict(os.environ, PYTHONPATH=str(REPO))
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pipeline", "run", "bad", "-o", "out", "--workers", "1",
                           "--no-classify", "--quiet", "--strict"], cwd=work, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    found = collect_outcomes(work / "out", "bad/")
    per_kind: dict[str, Counter[str]] = defaultdict(Counter)
    mismatches: list[str] = []
    for rel, expected in corpus.manifest.items():
        got = found.get(rel, [])
        row = per_kind[corpus.kinds[rel]]
        row["files"] += 1
        row["documents"] += len(expected)
        row["rows expected"] += expected.count("row")
        row["rows"] += sum(1 for o, _ in got if o == "row")
        row["rejects"] += sum(1 for o, _ in got if o != "row")
        row["crashes"] += sum(1 for o, _ in got if o.startswith("error:"))
        row["lost"] += max(0, len(expected) - len(got))
        problem = check_file(corpus, rel, found)
        if problem is None:
            row["as expected"] += 1
        else:
            mismatches.append(f"- `{rel}`: {problem[:200]}")
    columns = ["files", "documents", "rows expected", "rows", "rejects", "as expected", "crashes", "lost"]
    lines = ["| kind | " + " | ".join(columns) + " |", "|---" * (len(columns) + 1) + "|"]
    total: Counter[str] = Counter()
    for kind in sorted(per_kind):
        total.update(per_kind[kind])
        lines.append(f"| {kind} | " + " | ".join(str(per_kind[kind][c]) for c in columns) + " |")
    lines.append("| **all** | " + " | ".join(f"**{total[c]}**" for c in columns) + " |")
    text = "\n".join(lines)
    text += f"\n\n`zhnews run` exit status: {done.returncode} (with --strict: 3 = completed, some inputs rejected); "
    text += f"wall time {seconds:.1f} s; Traceback in stderr: {'Traceback' in done.stderr}.\n"
    if mismatches:
        text += "\nFiles not as expected (expected vs got):\n" + "\n".join(mismatches) + "\n"
    return text, dict(total)


def trials_table(work: Path, chains: int, kills: int) -> str:
    started = time.perf_counter()
    trials = sigkill_trials(work, chains=chains, kills_per_chain=kills)
    seconds = time.perf_counter() - started
    by_phase: dict[str, Counter[str]] = defaultdict(Counter)
    for kill in trials.kills:
        by_phase[kill["phase"]][kill["visible"]] += 1
    states = ["none", "previous", "new", "other"]
    lines = ["| phase at kill | kills | " + " | ".join(f"visible: {s}" for s in states) + " |",
             "|---" * (len(states) + 2) + "|"]
    for phase in ("start-up/ingest", "staging", "dedup/publish", "publish", "finished"):
        if phase in by_phase:
            counts = by_phase[phase]
            lines.append(f"| {phase} | {sum(counts.values())} | " + " | ".join(str(counts[s]) for s in states) + " |")
    killed = sum(1 for k in trials.kills if k["killed"])
    lines.append("")
    lines.append(f"{len(trials.kills)} trials ({killed} killed mid-run, the rest had finished); "
                 f"re-runs identical to the uninterrupted run: {trials.reruns_identical}/{trials.reruns}; "
                 f"visible state neither previous nor new: {sum(by_phase[p]['other'] for p in by_phase)}; "
                 f"wall time {seconds:.0f} s.")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--chains", type=int, default=7, help="kill chains, each ending with a re-run")
    parser.add_argument("--kills", type=int, default=3, help="kills per chain")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        table, _ = bad_input_table(work / "bad-inputs")
        print("## Bad-input corpus\n")
        print(table)
        print("## SIGKILL trials\n")
        print(trials_table(work / "trials", args.chains, args.kills))
    return 0


if __name__ == "__main__":
    sys.exit(main())
