"""Tasks sized by expected work, and the worker count fitted to the input."""

from __future__ import annotations

import os
from pathlib import Path

from pipeline.engine.fit import estimated_tasks, fitted_workers
from pipeline.engine.settings import WORKER_MIN_COST
from pipeline.ingest import InputFile, discover_inputs, plan_tasks
from pipeline.ingest.settings import TASK_MAX_BYTES, TASK_MAX_FILES


def test_saved_pages_are_grouped_by_their_expected_work(shared_data: Path) -> None:
    files = discover_inputs([str(shared_data / "extraction" / "daniel_zh" / "*.html")])
    assert len(files) > 200 and all(f.kind == "html" for f in files)
    tasks = plan_tasks(files)
    # a page's text is about a tenth of its bytes: many more than 64 pages make one task's work
    assert sum(len(t.files) for t in tasks) == len(files)
    assert max(len(t.files) for t in tasks) > 64
    assert all(sum(f.cost for f in t.files) <= TASK_MAX_BYTES or len(t.files) == 1 for t in tasks)
    assert len(tasks) <= estimated_tasks(files, TASK_MAX_FILES, TASK_MAX_BYTES) + 1


def test_a_feed_of_a_few_mb_gives_every_worker_several_tasks(shared_data: Path, tmp_path: Path) -> None:
    feeds = sorted((shared_data / "indomain").glob("*.jsonl"))
    with open(tmp_path / "feed.jsonl", "wb") as out:  # one 7 MB feed, as a crawler appends it
        for feed in feeds:
            out.write(feed.read_bytes())
    files = discover_inputs([str(tmp_path)])
    tasks = plan_tasks(files)
    assert files[0].size > 6_000_000 and len(tasks) >= 3
    assert len(tasks) == estimated_tasks(files, TASK_MAX_FILES, TASK_MAX_BYTES)
    ranges = sorted((f.start, f.end or f.size) for t in tasks for f in t.files)
    assert ranges[0][0] == 0 and ranges[-1][1] == files[0].size
    assert all(a[1] == b[0] for a, b in zip(ranges, ranges[1:]))  # contiguous, no byte twice


def test_a_small_input_runs_in_process(sample_corpus: Path) -> None:
    files = discover_inputs([str(sample_corpus)])
    assert sum(f.cost for f in files) < WORKER_MIN_COST
    assert fitted_workers(0, files, TASK_MAX_FILES, TASK_MAX_BYTES, cores=8) == 1
    # an explicit count is kept, up to the tasks there are
    tasks = len(plan_tasks(files))
    assert fitted_workers(8, files, TASK_MAX_FILES, TASK_MAX_BYTES) == min(8, tasks)
    assert fitted_workers(1, files, TASK_MAX_FILES, TASK_MAX_BYTES) == 1


def _feed(name: str, mb: float, kind: str = "jsonl") -> InputFile:
    return InputFile(name, kind, int(mb * (1 << 20)), 0)


def test_the_default_count_grows_with_the_work_up_to_the_cores() -> None:
    def default(*files: InputFile, cores: int = 4) -> int:
        return fitted_workers(0, list(files), TASK_MAX_FILES, TASK_MAX_BYTES, cores=cores)

    assert default(_feed("a.jsonl", 4)) == 1
    assert default(_feed("a.jsonl", 30)) == 2
    assert default(_feed("a.jsonl", 60)) == 4
    assert default(_feed("a.jsonl", 60), cores=2) == 2
    # extracting 30 MB of saved pages is about 10 MB of text's work: one worker; 100 MB, two
    pages = [_feed(f"p{i}.html", 0.1, "html") for i in range(300)]
    assert default(*pages) == 1 and default(*pages, *pages, *pages, *pages[:100]) == 2
    # a gzip feed is one task, whatever its size: one worker is all it can use
    assert default(_feed("a.jsonl.gz", 60)) == 1
    assert fitted_workers(0, [_feed("a.jsonl", 60)], TASK_MAX_FILES, TASK_MAX_BYTES) == min(os.cpu_count() or 1, 5)
