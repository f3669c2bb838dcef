"""In real Chromium against a live server on PostgreSQL: signing in, and nothing leaving 127.0.0.1."""

import pytest

from tests.browser import chromium_page, screenshot
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def sync_orm_beside_playwright(monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the ORM calls in these tests are still sync.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def test_officer_signs_in_and_sees_the_dashboard(live_server, make_user):
    make_user("officer")
    with chromium_page() as (page, outside):
        page.goto(f"{live_server.url}/")
        assert "/accounts/login/" in page.url
        page.get_by_label("Username").fill("officer")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{live_server.url}/")
        assert page.get_by_role("heading", name="Dashboard").is_visible()
        assert "officer · officer" in page.locator(".who").inner_text()
        screenshot(page, "dashboard")
        page.get_by_role("button", name="Sign out").click()
        page.wait_for_url("**/accounts/login/")
    assert outside == []


def test_wrong_password_is_refused_with_a_message(live_server, make_user):
    make_user("analyst")
    with chromium_page() as (page, outside):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill("analyst")
        page.get_by_label("Password").fill("not-the-password")
        page.get_by_role("button", name="Sign in").click()
        assert page.get_by_role("alert").inner_text().startswith("Your username and password didn't match")
        assert "/accounts/login/" in page.url
    assert outside == []
