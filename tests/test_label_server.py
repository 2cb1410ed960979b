"""The labelling app's API on a real uvicorn server on 127.0.0.1, retraining in its real process,
and ``zhnews label`` / ``zhnews labels`` as commands."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from pipeline.cli import main as cli_main
from pipeline.label import model as clf
from pipeline.label.app import create_app
from pipeline.label.pool import read_pool
from pipeline.label.retrainer import Retrainer
from pipeline.label.server import bind, make_server
from pipeline.label.session import LabelSession
from pipeline.label.store import LabelStore

FIXTURES = Path(__file__).parent / "fixtures" / "label"
POOL = FIXTURES / "pool.jsonl"
TAXONOMY = clf.load_taxonomy()
GOLD = {r["id"]: r["gold"] for r in map(json.loads, POOL.read_text(encoding="utf-8").splitlines())}

pytestmark = pytest.mark.slow


@contextmanager
def serving(session: LabelSession) -> Iterator[str]:
    """``session``'s app on a free port of 127.0.0.1, in a thread; yields its base URL."""
    sock = bind("127.0.0.1", 0)
    server = make_server(create_app(session))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


def new_session(tmp_path: Path, **kwargs) -> LabelSession:
    return LabelSession(read_pool(POOL), LabelStore(tmp_path / "labels.jsonl"), TAXONOMY, **kwargs)


def test_api_contract_and_durable_labels(tmp_path: Path) -> None:
    session = new_session(tmp_path)
    with serving(session) as url, httpx.Client(base_url=url) as client:
        item = client.get("/api/next").json()
        assert set(item) == {"id", "title", "text", "scores", "evidence", "strategy"}
        assert client.get("/api/next").json()["id"] == item["id"]
        res = client.post("/api/labels", json={"id": item["id"], **GOLD[item["id"]], "note": "看过"})
        assert res.status_code == 201 and res.json() == {"id": item["id"], "labelled": 1}
        # acknowledged means on disk: another reader sees the line right away
        line = json.loads((tmp_path / "labels.jsonl").read_text(encoding="utf-8"))
        assert line["id"] == item["id"] and line["note"] == "看过" and line["text"] == item["text"]
        progress = client.get("/api/progress").json()
        assert progress["labelled"] == 1 and progress["remaining"] == 23
        assert sum(progress["topics"].values()) == len(GOLD[item["id"]]["topics"])
        nxt = client.get("/api/next").json()
        assert nxt["id"] != item["id"]
        assert client.post("/api/skip", json={"id": nxt["id"]}).json() == {"skipped": nxt["id"]}
        undone = client.post("/api/undo").json()
        assert undone["id"] == item["id"] and undone["label"]["relevant"] == GOLD[item["id"]]["relevant"]
        assert client.post("/api/labels", json={"id": item["id"], "relevant": False, "topics": []}).status_code == 201
        assert client.post("/api/undo").json()["id"] == item["id"]
        assert client.post("/api/undo").status_code == 409
        shown = client.get("/api/item", params={"id": "hk-0415", "script": "simplified"}).json()
        assert shown["title"] == "医管局为前线医护发放特别津贴"


def test_api_refuses_bad_requests(tmp_path: Path) -> None:
    session = new_session(tmp_path)
    with serving(session) as url, httpx.Client(base_url=url) as client:
        label = {"id": "cctv-0312", "relevant": True, "topics": ["pay"]}
        assert client.post("/api/labels", content=json.dumps(label), headers={"Content-Type": "text/plain"}).status_code == 415
        assert client.post("/api/labels", content="{", headers={"Content-Type": "application/json"}).status_code == 400
        assert client.post("/api/labels", json={**label, "topics": ["salary"]}).status_code == 422
        assert client.post("/api/labels", json={**label, "out": "/tmp/elsewhere.jsonl"}).status_code == 422
        assert client.post("/api/labels", json={**label, "id": "../../etc/passwd"}).status_code == 404
        assert client.get("/api/item", params={"id": "cctv-0312", "script": "pinyin"}).status_code == 422
        big = {**label, "note": "长" * 40_000}
        assert client.post("/api/labels", json=big).status_code == 413
        # another Host (DNS rebinding) is refused; the page carries a no-inline-script policy
        assert client.get("/api/next", headers={"Host": "attacker.example"}).status_code == 400
        page = client.get("/")
        assert "script-src 'self'" in page.headers["content-security-policy"]
        assert page.headers["x-content-type-options"] == "nosniff"
        assert "家庭帮扶" in page.text and "family" in client.get("/guidelines").text
    assert not (tmp_path / "labels.jsonl").read_text(encoding="utf-8")


def test_api_says_when_the_pool_is_done(tmp_path: Path) -> None:
    session = new_session(tmp_path)
    with serving(session) as url, httpx.Client(base_url=url) as client:
        for _ in range(24):
            item = client.get("/api/next").json()
            assert client.post("/api/labels", json={"id": item["id"], **GOLD[item["id"]]}).status_code == 201
        assert client.get("/api/next").status_code == 204
        assert client.get("/api/progress").json()["remaining"] == 0


def test_background_retraining_scores_the_pool_and_reports_cv(tmp_path: Path) -> None:
    """Labels posted through the API retrain the model in the worker process; requests are
    answered while it trains; the new model's CV score reaches /api/progress."""
    ids = sorted(GOLD)
    pool = read_pool(POOL)
    base = [{**pool.records[pool.index[i]], **GOLD[i]} for i in ids[:14]]
    session = new_session(tmp_path, base_labels=base, retrain_every=4, cv_min_records=10)
    retrainer = Retrainer(POOL, TAXONOMY, session.on_result)
    retrainer.start()
    try:
        session.start(retrainer.submit)
        with serving(session) as url, httpx.Client(base_url=url, timeout=30) as client:
            assert client.get("/api/progress").json()["model"]["status"] == "training"  # 14 base labels are due
            first = _wait_for(client, lambda m: m["version"] is not None and m["status"] == "ready")
            assert first["trained_on"] == 14
            for _ in range(4):
                item = client.get("/api/next").json()
                # 14 + 4 labels: still the warm-up of the default strategy
                assert item["scores"] is not None and item["strategy"] == "representative"
                assert set(item["scores"]["topics"]) == set(TAXONOMY.keys)
                client.post("/api/labels", json={"id": item["id"], **GOLD[item["id"]]})
            t0 = time.perf_counter()
            assert client.get("/api/next").status_code == 200
            assert time.perf_counter() - t0 < 2.0  # not waiting for the retrain
            second = _wait_for(client, lambda m: m["trained_on"] == 18 and m["cv"] is not None)
            assert 0.0 <= second["cv"]["relevance_f1"] <= 1.0 and second["cv"]["records"] == 18
            assert second["error"] is None
    finally:
        retrainer.close()


def _wait_for(client: httpx.Client, done, timeout: float = 240.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        model = client.get("/api/progress").json()["model"]
        if done(model):
            return model
        time.sleep(0.3)
    raise AssertionError(f"model state never reached: {model}")


# -- the commands -----------------------------------------------------------------------------
def _start(args: list[str], env: dict | None = None) -> tuple[subprocess.Popen, str, str]:
    """Start ``zhnews label``; its process, URL and what it printed up to the URL."""
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "label", *args], stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {})})
    assert proc.stderr is not None
    lines = []
    for line in proc.stderr:
        lines.append(line)
        m = re.search(r"open (http://\S+?)/ ", line)
        if m:
            return proc, m.group(1), "".join(lines)
    raise AssertionError("zhnews label did not start: " + "".join(lines))


def test_cli_resumes_after_a_kill_without_losing_acknowledged_labels(tmp_path: Path) -> None:
    out = tmp_path / "labels.jsonl"
    args = [str(POOL), "--out", str(out), "--port", "0", "--retrain-every", "0", "--model", str(tmp_path / "none")]
    proc = subprocess.run([sys.executable, "-m", "pipeline", "label", *args], check=False, capture_output=True, text=True)
    assert proc.returncode == 2 and "no model at" in proc.stderr  # an explicit --model must exist
    args = args[:-2]
    proc, url, _ = _start(args, env={"ZHNEWS_MODEL_DIR": str(tmp_path / "no-model")})
    labelled = []
    try:
        with httpx.Client(base_url=url, timeout=30) as client:
            for _ in range(3):
                item = client.get("/api/next").json()
                assert client.post("/api/labels", json={"id": item["id"], **GOLD[item["id"]]}).status_code == 201
                labelled.append(item["id"])
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert [json.loads(x)["id"] for x in out.read_text(encoding="utf-8").splitlines()] == labelled
    proc, url, _ = _start(args, env={"ZHNEWS_MODEL_DIR": str(tmp_path / "no-model")})
    try:
        with httpx.Client(base_url=url, timeout=30) as client:
            assert client.get("/api/progress").json()["labelled"] == 3
            served = set()
            while (res := client.get("/api/next")).status_code == 200:
                served.add(res.json()["id"])
                client.post("/api/skip", json={"id": res.json()["id"]})
            assert len(served) == 21 and not served & set(labelled)
    finally:
        proc.terminate()
        assert proc.wait(timeout=30) == 0


def test_cli_warns_when_listening_beyond_this_machine(tmp_path: Path) -> None:
    proc, url, printed = _start([str(POOL), "--out", str(tmp_path / "l.jsonl"), "--host", "0.0.0.0", "--port", "0",
                                 "--retrain-every", "0"], env={"ZHNEWS_MODEL_DIR": str(tmp_path / "no-model")})
    proc.terminate()
    proc.communicate(timeout=30)
    assert url.startswith("http://0.0.0.0:")
    assert "warning: listening on 0.0.0.0, not 127.0.0.1" in printed


def test_cli_names_the_extra_when_it_is_missing(tmp_path: Path) -> None:
    code = ("import sys; sys.modules['uvicorn'] = None\n"
            "from pipeline.cli import main\n"
            f"sys.exit(main(['label', {str(POOL)!r}, '--out', {str(tmp_path / 'l.jsonl')!r}]))")
    proc = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "zhnews label: error: the labelling app needs the 'label' extra (uvicorn missing): pip install 'zhnews[label]'"
    ]


def test_cli_export_import_round_trip_feeds_train(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    labels = tmp_path / "labels.jsonl"
    pool = read_pool(POOL)
    store = LabelStore(labels)
    for doc_id, gold in GOLD.items():
        rec = pool.records[pool.index[doc_id]]
        store.append({"id": doc_id, **gold, "title": rec["title"], "text": rec["text"], "labelled_at": "2026-01-01T00:00:00+00:00"})
    store.append({"id": "hk-0822", "relevant": False, "topics": [], "title": "", "text": "恒生指數今早高開。"})  # relabelled: wins
    store.close()
    for fmt, name in (("label-studio", "tasks.json"), ("doccano", "items.jsonl")):
        exported = tmp_path / name
        assert cli_main(["labels", "export", "--format", fmt, str(labels), "--out", str(exported),
                         "--label-config", str(tmp_path / "config.xml")]) == 0
        back = tmp_path / f"back-{fmt}.jsonl"
        assert cli_main(["labels", "import", str(exported), "--out", str(back)]) == 0
        rows = [json.loads(x) for x in back.read_text(encoding="utf-8").splitlines()]
        assert {r["id"]: (r["relevant"], r["topics"]) for r in rows} == {i: (g["relevant"], g["topics"]) for i, g in GOLD.items()}
        assert {r["id"]: r["text"] for r in rows}["hk-0822"] == "恒生指數今早高開。"
    assert "24 labels imported" in capsys.readouterr().err
    assert cli_main(["train", "--labels", str(tmp_path / "back-doccano.jsonl"), "--out", str(tmp_path / "model")]) == 0
    model = clf.load_model(tmp_path / "model")
    assert model.meta["n_records"] == 24 and model.meta["n_relevant"] == sum(g["relevant"] for g in GOLD.values())
