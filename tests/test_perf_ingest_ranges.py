"""Big JSONL files read as byte ranges: same documents, same ids and line numbers, no overlap."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

from pipeline.ingest import discover_inputs, iter_documents, plan_tasks
from pipeline.ingest.discover import split_jsonl
from pipeline.record import Doc, Reject


def _feed(path: Path, n: int) -> None:
    """A feed with the defects real ones have: records without ids, a broken line, a blank
    line, a record without text, CRLF endings on some lines and a last line without newline."""
    lines = []
    for i in range(n):
        record = {"title": f"第{i}条：医护人员补贴发放", "text": f"本市第{i}批医务人员临时性工作补助已经发放到位。" * (1 + i % 5)}
        if i % 3:
            record["id"] = f"rec-{i}"
        lines.append(json.dumps(record, ensure_ascii=False))
    if n > 41:
        lines[17] = '{"id": "broken", "text": "没有结束'
        lines[40] = ""
        lines[41] = json.dumps({"id": "no-text", "title": "只有标题"}, ensure_ascii=False)
    body = "".join(line + ("\r\n" if i % 7 == 0 else "\n") for i, line in enumerate(lines))
    path.write_bytes(body.rstrip("\n").encode("utf-8"))


def _read(files) -> list[tuple[str, str, str]]:
    out = []
    for file in files:
        for item in iter_documents(file):
            if isinstance(item, Doc):
                out.append((item.doc_id, "doc", item.raw))
            else:
                assert isinstance(item, Reject)
                out.append((item.doc_id, item.reason, item.detail))
    return out


def test_ranges_cover_the_file_exactly_once(tmp_path: Path) -> None:
    _feed(tmp_path / "big.jsonl", 120)
    (whole,) = discover_inputs([str(tmp_path / "big.jsonl")])
    size = whole.size
    for chunk in (1, 97, 500, 2_000, size // 2):
        parts = split_jsonl(whole, chunk)
        assert len(parts) > 1
        assert parts[0].start == 0 and parts[-1].end is None
        for a, b in itertools.pairwise(parts):
            assert a.end == b.start
        data = Path(whole.path).read_bytes()
        for part in parts[1:]:
            assert data[part.start - 1 : part.start] == b"\n"
            assert part.first_line == data[: part.start].count(b"\n") + 1
        assert _read(parts) == _read([whole])


def test_small_or_compressed_files_stay_whole(tmp_path: Path) -> None:
    _feed(tmp_path / "small.jsonl", 5)  # no defects: too short for them
    (small,) = discover_inputs([str(tmp_path / "small.jsonl")])
    assert split_jsonl(small, small.size) == [small]
    gz = tmp_path / "feed.jsonl.gz"
    import gzip

    gz.write_bytes(gzip.compress((tmp_path / "small.jsonl").read_bytes()))
    (packed,) = discover_inputs([str(gz)])
    assert split_jsonl(packed, 10) == [packed]


def test_plan_splits_big_jsonl_and_keeps_other_task_ids(tmp_path: Path) -> None:
    _feed(tmp_path / "a.jsonl", 200)
    _feed(tmp_path / "b.jsonl", 3)
    files = discover_inputs([str(tmp_path)])
    whole = plan_tasks(files, max_bytes=1 << 30)
    split = plan_tasks(files, max_bytes=4_000)
    assert len(whole) == 2 and len(split) > 3
    # the small file's task is the same whichever way the big one is cut
    small_id = next(t.task_id for t in whole if t.files[0].path.endswith("b.jsonl"))
    assert small_id in {t.task_id for t in split}
    assert len({t.task_id for t in split}) == len(split)
    assert split == plan_tasks(discover_inputs([str(tmp_path)]), max_bytes=4_000)
    assert sum(t.size for t in split) == sum(f.size for f in files)
    big = [t.files[0] for t in split if t.files[0].path.endswith("a.jsonl")]
    assert sorted(_read(big)) == sorted(_read([f for f in files if f.path.endswith("a.jsonl")]))


def _staged_rows(out: Path) -> list[dict]:
    import pyarrow as pa

    tables = [pa.ipc.open_file(p).read_all() for p in sorted((out / "_staging").glob("*/articles-*.arrow"))]
    return sorted(pa.concat_tables(tables).to_pylist(), key=lambda row: row["doc_id"])


def test_range_tasks_stage_the_same_rows_as_the_whole_file(tmp_path: Path) -> None:
    from pipeline.clean import CleanStep
    from pipeline.engine.task import TaskSpec, load_marker, run_task
    from pipeline.ingest.step import ReadStep
    from pipeline.io.staging import StageStep
    from pipeline.normalize import NormalizeStep

    (tmp_path / "in").mkdir()
    _feed(tmp_path / "in" / "feed.jsonl", 150)
    files = discover_inputs([str(tmp_path / "in")])
    provenance = {"pipeline_version": "test", "run_id": "r", "model_version": None, "opencc_config": "t2s"}
    rows = {}
    for name, max_bytes in (("whole", 1 << 30), ("ranges", 3_000)):
        out = tmp_path / name
        steps = [ReadStep(max_input_bytes=1 << 20, batch_size=40), CleanStep(), NormalizeStep(min_chars=5),
                 StageStep(batch_docs=40)]
        spec = TaskSpec(steps=steps, output_dir=str(out), provenance=provenance)
        tasks = plan_tasks(files, max_bytes=max_bytes)
        results = [run_task(spec, task) for task in tasks]
        rows[name] = _staged_rows(out)
        assert sum(r.documents for r in results) == 149  # 150 lines, one blank
        # only the first range hashes the file, once
        hashes = [h for r in results for h in r.input_hashes.values()]
        assert len(hashes) == 1 and len(hashes[0]) == 40
        assert all(load_marker(out, t.task_id) is not None for t in tasks)
    assert len(plan_tasks(files, max_bytes=3_000)) > 3
    assert rows["whole"] == rows["ranges"]
    assert len(rows["whole"]) == 147  # minus the broken line and the record without text


def test_scheduling_weighs_pages_below_text(tmp_path: Path) -> None:
    from pipeline.engine.task import estimated_cost, largest_first

    _feed(tmp_path / "feed.jsonl", 60)
    page = "<html><head><title>通知</title></head><body><div class='nav'>首页</div>" + "<p>医务人员补助。</p>" * 1000
    for i in range(3):
        (tmp_path / f"page{i}.html").write_text(page + "</body></html>", encoding="utf-8")
    files = discover_inputs([str(tmp_path)])
    tasks = plan_tasks(files, max_files=1)
    by_kind = {t.files[0].kind: t for t in tasks}
    page_task, feed_task = by_kind["html"], by_kind["jsonl"]
    assert page_task.size > feed_task.size  # more bytes ...
    assert estimated_cost(page_task) < estimated_cost(feed_task)  # ... less work
    assert largest_first(tasks)[0] is feed_task


def test_publish_gathers_partitions_across_tasks_with_bounded_buffers(tmp_path: Path, monkeypatch) -> None:
    import pyarrow.parquet as pq

    from pipeline import publish as publishing
    from pipeline.clean import CleanStep
    from pipeline.engine.task import TaskSpec, run_task
    from pipeline.ingest.step import ReadStep
    from pipeline.io.staging import StageStep
    from pipeline.normalize import NormalizeStep
    from pipeline.publish import partitions

    (tmp_path / "in").mkdir()
    lines = []
    for i in range(90):  # three months, interleaved, so every task holds all three
        month = 1 + i % 3
        text = f"第{i}批援鄂医疗队队员的临时性工作补助已经全部发放到位，每人每天三百元。"
        lines.append(json.dumps({"id": f"r{i}", "date": f"2020-{month:02d}-1{i % 9}", "text": text}, ensure_ascii=False))
    (tmp_path / "in" / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    files = discover_inputs([str(tmp_path / "in")])
    tasks = plan_tasks(files, max_bytes=2_500)
    assert len(tasks) >= 4
    out = tmp_path / "out"
    steps = [ReadStep(max_input_bytes=1 << 20, batch_size=10), CleanStep(), NormalizeStep(min_chars=5),
             StageStep(batch_docs=10)]
    spec = TaskSpec(steps=steps, output_dir=str(out),
                    provenance={"pipeline_version": "t", "run_id": "r", "model_version": None, "opencc_config": "t2s"})
    for task in tasks:
        run_task(spec, task)
    task_ids = [t.task_id for t in tasks]
    counts = publishing.publish(out, task_ids).partitions
    assert counts == {"2020-01": 30, "2020-02": 30, "2020-03": 30}
    # one file per partition although every task (and staging part) held rows of each
    assert sorted(p.relative_to(out / "articles").as_posix() for p in (out / "articles").rglob("*.parquet")) == [
        f"year=2020/month={m}/part-000-00000.parquet" for m in (1, 2, 3)]
    # a tiny buffer cap writes more, smaller files, and the same rows
    before = sorted(pq.read_table(out / "articles").column("doc_id").to_pylist())
    monkeypatch.setattr(partitions, "MAX_BUFFER_BYTES", 1)
    publishing.publish(out, task_ids)
    assert len(list((out / "articles").rglob("*.parquet"))) > 3
    assert sorted(pq.read_table(out / "articles").column("doc_id").to_pylist()) == before
    assert pq.read_table(out / "rejects").num_rows == 0
