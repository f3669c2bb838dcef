"""In Chromium, under the Content Security Policy: the pages, the admin and the API docs load with
no script or resource refused, and what the pages do with scripts still works (live filtering,
the dashboard's charts, the docs)."""

import pytest

from cases.models import NegotiationChannel
from tests.browser import browser_session, screenshot, seed_demo, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def sync_orm_beside_playwright(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def test_no_page_breaks_the_policy(live_server, admin_user):
    seed_demo()
    channel = NegotiationChannel.objects.get(name="Doha talks (Qatar)")
    base = live_server.url
    with browser_session() as (page, outside):
        refused: list[str] = []
        page.on(
            "console",
            lambda m: refused.append(f"{page.url}: {m.text}") if "Content Security Policy" in m.text else None,
        )
        sign_in(page, base, admin_user.username)
        for path in (
            "/",
            "/detainees/?citizenship=RU",
            f"/channels/{channel.pk}/",
            "/lists/",
            "/admin/",
            "/admin/cases/detainee/",
            "/api/v1/docs/",
        ):
            page.goto(f"{base}{path}")
            page.wait_for_load_state("networkidle")
            screenshot(page, f"csp-{path.strip('/').replace('/', '-') or 'dashboard'}")
        assert page.locator(".swagger-ui").count() == 1  # the docs rendered, from their own script file
        page.goto(f"{base}/")
        assert page.locator("canvas").count() >= 1  # the dashboard's charts drew
        assert refused == [], refused
        assert outside == []
