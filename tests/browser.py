"""Real headless Chromium (Debian's package) driven by Playwright, for the browser tests.

Never `playwright install`: the network is closed, so Playwright must use the system Chromium.
"""

import os
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from django.db import connections

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-results"


@contextmanager
def chromium_page():
    """A fresh page; yields (page, outside_requests), where every request not to 127.0.0.1 is recorded."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page()
            outside: list[str] = []
            page.on(
                "request",
                lambda r: urlsplit(r.url).hostname not in ("127.0.0.1", "localhost") and outside.append(r.url),
            )
            yield page, outside
        finally:
            browser.close()
            # With Playwright's sync API running, ORM calls inside the block get a connection of their
            # own; left open, it blocks dropping the test database at the end of the run.
            connections.close_all()


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
