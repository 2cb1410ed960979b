"""The labelling page in headless Chromium (the system browser, driven by Playwright)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.label import model as clf
from pipeline.label.pool import read_pool
from pipeline.label.session import LabelSession
from pipeline.label.store import LabelStore
from tests._browser import page  # noqa: F401 - fixture
from tests.test_label_server import GOLD, POOL, serving

pytestmark = pytest.mark.slow

def _session(tmp_path: Path, pool_path: Path = POOL) -> LabelSession:
    return LabelSession(read_pool(pool_path), LabelStore(tmp_path / "labels.jsonl"), clf.load_taxonomy(), seed=2)


def _wait_for_new_item(page, previous: str) -> str:
    page.wait_for_function(
        "prev => { const m = document.querySelector('main'); return m.dataset.state === 'ready' && m.dataset.itemId !== prev; }",
        arg=previous,
    )
    return page.get_attribute("main", "data-item-id")


def test_keyboard_labels_three_items_into_three_lines(page, tmp_path: Path) -> None:
    keys = clf.load_taxonomy().keys
    with serving(_session(tmp_path)) as url:
        page.goto(url + "/")
        shown = _wait_for_new_item(page, "")
        plan = [(False, []), (True, ["pay"]), (True, ["rest", "mental"])]
        labelled = []
        for relevant, topics in plan:
            labelled.append(shown)
            assert page.inner_text("#item-id") == shown
            for topic in topics:
                page.keyboard.press(str(keys.index(topic) + 1))
            assert page.locator(".topic[aria-pressed=true]").count() == len(topics)
            page.keyboard.press("r" if relevant else "n")
            shown = _wait_for_new_item(page, shown)
        lines = [json.loads(x) for x in (tmp_path / "labels.jsonl").read_text(encoding="utf-8").splitlines()]
        assert [(x["id"], x["relevant"], x["topics"]) for x in lines] == [
            (doc_id, relevant, [k for k in keys if k in topics]) for doc_id, (relevant, topics) in zip(labelled, plan)
        ]
        page.wait_for_function("() => document.querySelector('#progress-counts').textContent.startsWith('3 labelled')")
        assert page.inner_text("tr[data-topic=pay] .count") == "1"
        # u brings the last item back with its topics; s skips without writing
        page.keyboard.press("u")
        assert _wait_for_new_item(page, shown) == labelled[-1]
        assert page.locator(".topic[aria-pressed=true]").count() == 2
        page.keyboard.press("s")
        _wait_for_new_item(page, labelled[-1])
        assert len((tmp_path / "labels.jsonl").read_text(encoding="utf-8").splitlines()) == 3
        # r without a topic is refused by the page: nothing is written
        page.keyboard.press("r")
        assert "at least one topic" in page.inner_text("#message")
        assert len((tmp_path / "labels.jsonl").read_text(encoding="utf-8").splitlines()) == 3


def test_script_toggle_and_guidelines(page, tmp_path: Path) -> None:
    pool = tmp_path / "pool.jsonl"
    pool.write_text(next(x for x in POOL.read_text(encoding="utf-8").splitlines() if '"hk-0415"' in x) + "\n", encoding="utf-8")
    with serving(_session(tmp_path, pool)) as url:
        page.goto(url + "/")
        _wait_for_new_item(page, "")
        assert page.inner_text("#title") == "醫管局為前線醫護發放特別津貼"
        page.keyboard.press("t")
        page.wait_for_function("() => document.querySelector('#title').textContent === '医管局为前线医护发放特别津贴'")
        assert "医院管理局" in page.inner_text("#text")
        page.keyboard.press("g")
        assert page.locator("dialog#guidelines").is_visible()
        assert "health_service" in page.inner_text("dialog#guidelines")
        page.keyboard.press("Escape")
        assert not page.locator("dialog#guidelines").is_visible()


def test_markup_in_item_text_is_shown_as_text(page, tmp_path: Path) -> None:
    pool = tmp_path / "pool.jsonl"
    pool.write_text(next(x for x in POOL.read_text(encoding="utf-8").splitlines() if '"scrape-0512"' in x) + "\n", encoding="utf-8")
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    with serving(_session(tmp_path, pool)) as url:
        page.goto(url + "/")
        _wait_for_new_item(page, "")
        assert "<script>document.write(" in page.inner_text("#text")
        assert page.inner_text("#title") == "<b>转载</b>：护士节 医院为护士送上节日慰问"
        assert page.locator("#text script, #text img, #text a, #title b").count() == 0
        assert page.evaluate("document.scripts.length") == 1  # label.js only
        assert dialogs == []
        assert GOLD["scrape-0512"]["relevant"]
