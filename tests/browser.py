"""Real headless Chromium (Debian's package) driven by Playwright, for the browser tests.

Never `playwright install`: the network is closed, so Playwright must use the system Chromium.
"""

import os
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from django.db import connections
from playwright.sync_api import expect

from cases.demo.seed import demo_seed
from cases.models import Detainee
from cases.services.detainees import NameVariantInput, detainee_create
from tests.factories import PASSWORD

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
def chromium_page(**page_options):
    """A fresh page; yields (page, outside_requests), where every request not to 127.0.0.1 is recorded."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(**page_options)
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


LOCAL_HOSTS = ("127.0.0.1", "localhost")
UUID_PATH = r"/detainees/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/"
LIST_PAGE_SIZE = 50


# --- helpers shared by the browser tests ---------------------------------------------------------


@contextmanager
def browser_session(**page_options):
    """tests.browser.chromium_page, closing on the way out the database connection the ORM opened
    inside the block: with Playwright's sync API running there, Django keeps that connection apart
    from the test's own, and left open it would block dropping the test database."""
    with chromium_page(**page_options) as (page, outside):
        try:
            yield page, outside
        finally:
            connections.close_all()


def another_page(page, outside: list[str], **context_options):
    """A page in a new browser context (its own cookies: another person) of the same Chromium,
    recording into `outside` every request that is not to 127.0.0.1."""
    context = page.context.browser.new_context(**context_options)
    other = context.new_page()
    other.on("request", lambda r: urlsplit(r.url).hostname not in LOCAL_HOSTS and outside.append(r.url))
    return other


def visit(page, url: str, shot: str, expect_status: int = 200):
    """Load a page, check its HTTP status and screenshot it."""
    response = page.goto(url)
    assert response is not None, url
    assert response.status == expect_status, f"{url}: HTTP {response.status}, expected {expect_status}"
    screenshot(page, shot)
    return response


def sign_in(page, base: str, username: str, shot: str | None = None) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")
    expect(page.locator(".who")).to_contain_text(username)
    if shot:
        screenshot(page, shot)


def submit(page, button_name: str) -> int:
    """Click a form's submit button; return the HTTP status of the page the POST led to (after redirects)."""
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name=button_name, exact=True).click()
    response = navigation.value
    return response.status if response is not None else 0


def list_case_refs(page) -> list[str]:
    return page.locator("#results table.list tbody tr td:first-child a").all_inner_texts()


def timeline_items(page) -> list[str]:
    return [
        " ".join(text.split())
        for text in page.locator("section[aria-labelledby=timeline] ol.timeline > li").all_inner_texts()
    ]


def status_options(page) -> list[str]:
    return page.locator("#id_change-to_status option").evaluate_all("options => options.map(o => o.value)")


def db_case_refs(queryset, limit: int | None = LIST_PAGE_SIZE) -> list[str]:
    refs = list(queryset.order_by("case_ref").values_list("case_ref", flat=True))
    return refs[:limit] if limit else refs


def ru_il_dual_citizens():
    return Detainee.objects.filter(citizenships__country="RU").filter(citizenships__country="IL").distinct()


def seed_demo():
    demo_seed(detainees=230, seed=1)


def new_detainee(officer, **fields):
    defaults = {
        "full_name": "Yelena Gromova",
        "citizenships": ["IL", "RU"],
        "name_variants": [NameVariantInput("Елена Громова", "Cyrl")],
        "sex": "female",
        "abduction_place": "Kfar Tamarim",
        "notes": "Family asked for discretion; contact via the liaison desk only.",
    }
    return detainee_create(actor=officer, **(defaults | fields))


# --- 1. an officer opens a case and records its history -------------------------------------------
