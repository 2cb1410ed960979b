"""Headless Chromium pages for the browser tests (the system browser, driven by Playwright)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]

#: Playwright's wait for a page event: generous, since a loaded 2-core machine draws slowly.
PAGE_TIMEOUT_MS = 60_000


@pytest.fixture
def page(tmp_path: Path) -> Iterator:
    """A fresh page of a persistent Chromium context with its own --user-data-dir."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}")
    with sync_api.sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
        )
        page = context.new_page()
        page.set_default_timeout(PAGE_TIMEOUT_MS)
        yield page
        context.close()
