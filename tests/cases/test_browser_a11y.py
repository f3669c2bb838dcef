"""Accessibility in real headless Chromium: axe-core on every page, and the list used by keyboard alone.

axe-core is vendored (tests/vendor) and injected into each page; a violation of impact "serious" or
"critical" fails the test, with its rule, help text and the offending elements in the message. Every
page is screenshotted (test-results/a11y-*.png) and no request may leave 127.0.0.1. The browser
helpers are the ones in tests/test_browser_flows.py.
"""

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import expect

from alerts.models import Event
from alerts.services.dispatch import event_dispatch
from alerts.services.subscriptions import subscription_create
from cases.models import Detainee, NegotiationChannel
from cases.services.detainees import NameVariantInput, detainee_update
from cases.services.status_changes import status_change_record
from tests.browser import (
    browser_session,
    db_case_refs,
    list_case_refs,
    new_detainee,
    ru_il_dual_citizens,
    screenshot,
    seed_demo,
    sign_in,
)
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parent.parent / "vendor" / "axe-4.14.1.min.js"
BLOCKING = ("serious", "critical")


@pytest.fixture(autouse=True)
def sync_orm_beside_playwright(monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the ORM calls in these tests are still sync.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def axe_violations(page) -> list[dict]:
    """Run the vendored axe-core on the page as it is now; every violation, whatever its impact."""
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    assert results["passes"], "axe checked nothing: is the page empty?"
    return results["violations"]


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} [{violation['impact']}]: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"]:
            target = " ".join(str(t) for t in node["target"])
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    {target} — {node['html'][:160]} — {summary[:300]}")
    return "\n".join(lines)


def assert_accessible(page, name: str) -> None:
    screenshot(page, f"a11y-{name}")
    violations = axe_violations(page)
    if violations:
        print(f"\naxe on {name} ({page.url}):\n{describe(violations)}")
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert not blocking, f"axe: serious or critical violations on {name} ({page.url}):\n{describe(blocking)}"


# --- the scenario every page is checked on -------------------------------------------------------------


@dataclass
class Cell:
    admin: object
    officer: object
    analyst: object
    detainee: Detainee  # a demo RU-IL dual citizen with a history and channels
    created: Detainee  # a case opened here, with Cyrillic and Hebrew name variants and one status change
    channel: NegotiationChannel


@pytest.fixture
def cell(make_user) -> Cell:
    seed_demo()
    admin, officer, analyst = make_user("admin"), make_user("officer"), make_user("analyst")
    analyst.email = "analyst@example.org"
    analyst.save(update_fields=["email"])
    channel = NegotiationChannel.objects.get(name="Moscow consultations (Russian MFA)")
    detainee = (
        ru_il_dual_citizens()
        .filter(channel_memberships__isnull=False, status_changes__isnull=False)
        .order_by("case_ref")
        .first()
    )
    assert detainee is not None
    created = new_detainee(
        officer,
        name_variants=[NameVariantInput("Елена Громова", "Cyrl"), NameVariantInput("ילנה גרומובה", "Hebr")],
    )
    subscription_create(user=analyst, kind="nationality", value="RU", by_email=True, in_app=True)
    status_change_record(
        detainee_id=created.pk,
        to_status="held",
        source="Counterpart statement after Moscow meeting",
        source_url="http://127.0.0.1/statement",
        channel_id=channel.pk,
        actor=officer,
    )
    event_dispatch(event_seq=Event.objects.order_by("-seq").first().seq)  # what the worker would do
    created.refresh_from_db()
    return Cell(admin, officer, analyst, detainee, created, channel)


def open_all_details(page, cell):
    for summary in page.locator("details > summary").all():
        summary.click()


def submit_wrong_password(page, cell):
    page.get_by_label("Username").fill("analyst")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_be_visible()


def submit_status_without_source(page, cell):
    page.get_by_role("button", name="Record change").click()
    expect(page.locator("#id_change-source").locator("xpath=..").locator(".error")).to_be_visible()


def submit_empty_detainee(page, cell):
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".has-error").first).to_be_visible()


def save_after_someone_else(page, cell):
    detainee_update(
        detainee_id=cell.created.pk,
        actor=cell.admin,
        expected_version=cell.created.version,
        notes="Changed by the cell lead meanwhile.",
    )
    page.get_by_label("Internal notes").fill("My own note.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".conflict")).to_contain_text("Someone else saved this record")


def subscribe_to_unknown_country(page, cell):
    page.get_by_label("Which").fill("XX")
    page.get_by_role("button", name="Subscribe").click()
    expect(page.locator(".has-error")).to_be_visible()


@dataclass(frozen=True)
class Check:
    role: str | None  # None: not signed in
    path: Callable[[Cell], str]
    status: int = 200
    then: Callable | None = None  # something to do on the page before axe runs


PAGES = {
    "login": Check(None, lambda c: "/accounts/login/"),
    "login-wrong-password": Check(None, lambda c: "/accounts/login/", then=submit_wrong_password),
    "dashboard-analyst": Check("analyst", lambda c: "/", then=open_all_details),
    "dashboard-admin": Check("admin", lambda c: "/"),
    "list-filtered-analyst": Check("analyst", lambda c: "/detainees/?citizenship_all=RU%2CIL&status=held,released"),
    "list-officer": Check("officer", lambda c: "/detainees/?ordering=-status_since"),
    "list-invalid-filter": Check("analyst", lambda c: "/detainees/?citizenship=XX&dual=maybe", status=400),
    "detainee-officer": Check("officer", lambda c: f"/detainees/{c.detainee.pk}/"),
    "detainee-created-officer": Check("officer", lambda c: f"/detainees/{c.created.pk}/"),
    "detainee-analyst": Check("analyst", lambda c: f"/detainees/{c.created.pk}/"),
    "detainee-admin": Check("admin", lambda c: f"/detainees/{c.detainee.pk}/"),
    "detainee-status-error": Check(
        "officer", lambda c: f"/detainees/{c.created.pk}/", then=submit_status_without_source
    ),
    "new-detainee": Check("officer", lambda c: "/detainees/new/"),
    "new-detainee-errors": Check("officer", lambda c: "/detainees/new/", then=submit_empty_detainee),
    "edit-detainee": Check("officer", lambda c: f"/detainees/{c.created.pk}/edit/"),
    "edit-conflict": Check("officer", lambda c: f"/detainees/{c.created.pk}/edit/", then=save_after_someone_else),
    "channels-officer": Check("officer", lambda c: "/channels/"),
    "channels-analyst": Check("analyst", lambda c: "/channels/"),
    "channel-officer": Check("officer", lambda c: f"/channels/{c.channel.pk}/"),
    "channel-analyst": Check("analyst", lambda c: f"/channels/{c.channel.pk}/"),
    "notifications": Check("analyst", lambda c: "/notifications/"),
    "subscriptions": Check("analyst", lambda c: "/subscriptions/"),
    "subscriptions-error": Check("analyst", lambda c: "/subscriptions/", then=subscribe_to_unknown_country),
    "forbidden-403": Check("analyst", lambda c: "/detainees/new/", status=403),
    "not-found-404": Check("analyst", lambda c: f"/detainees/{uuid.UUID(int=1)}/", status=404),
}


@pytest.mark.parametrize("name", list(PAGES))
def test_page_has_no_serious_accessibility_violation(name, live_server, cell):
    check = PAGES[name]
    # axe-core is injected as an inline script, which the pages' CSP refuses: for the checker alone.
    with browser_session(bypass_csp=True) as (page, outside):
        if check.role:
            sign_in(page, live_server.url, check.role)
        response = page.goto(f"{live_server.url}{check.path(cell)}")
        assert response is not None and response.status == check.status, (name, response and response.status)
        page.wait_for_load_state("networkidle")
        if check.then:
            check.then(page, cell)
            page.wait_for_load_state("networkidle")
        assert_accessible(page, name)
    assert outside == []


# --- the keyboard alone -------------------------------------------------------------------------------


def focused(page) -> dict:
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const style = getComputedStyle(el);
            return {
                id: el.id, tag: el.tagName.toLowerCase(), type: el.type || "", value: el.value || "",
                text: (el.innerText || "").trim(),
                outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
                shadow: style.boxShadow !== "none",
                focusVisible: el.matches(":focus-visible"), outlineStyle: style.outlineStyle,
            };
        }"""
    )


def tab_until(page, matches: Callable[[dict], bool], limit: int = 60, key: str = "Tab") -> list[dict]:
    """Press Tab (or `key`) until the focused element matches; return every element focused on the way."""
    seen = []
    for _ in range(limit):
        page.keyboard.press(key)
        element = focused(page)
        seen.append(element)
        if matches(element):
            return seen
    raise AssertionError(f"Tab never reached the element; focus went through {[(e['id'] or e['text']) for e in seen]}")


def test_detainee_list_filters_by_keyboard_alone(live_server, cell):
    expected = db_case_refs(ru_il_dual_citizens())
    held = db_case_refs(ru_il_dual_citizens().filter(status="held"))
    assert held and held != expected
    base = live_server.url
    with browser_session() as (page, outside):
        # Signing in by keyboard.
        page.goto(f"{base}/accounts/login/")
        tab_until(page, lambda e: e["id"] == "id_username")
        page.keyboard.type("analyst")
        page.keyboard.press("Tab")
        assert focused(page)["id"] == "id_password"
        page.keyboard.type(PASSWORD)
        page.keyboard.press("Enter")
        page.wait_for_url(f"{base}/")

        page.goto(f"{base}/detainees/")
        page.wait_for_load_state("networkidle")
        # The first Tab reaches the skip link, which shows itself and leads into the page.
        page.keyboard.press("Tab")
        skip = focused(page)
        assert (skip["tag"], skip["text"]) == ("a", "Skip to content"), skip
        expect(page.get_by_role("link", name="Skip to content")).to_be_in_viewport()
        screenshot(page, "a11y-keyboard-skip-link")
        page.keyboard.press("Enter")

        # Tab reaches every filter field, in the order they are shown, then the Filter button.
        path = tab_until(page, lambda e: e["tag"] == "button" and e["text"] == "Filter")
        ids = list(dict.fromkeys(e["id"] for e in path if e["id"]))  # a datetime input takes one Tab per part
        fields = ["id_q", "id_citizenship", "id_citizenship_all", "id_dual", "id_channel", "id_updated_since"]
        assert [i for i in ids if i in fields] == fields, ids
        assert sum(1 for e in path if e["type"] == "checkbox") == 9, "one checkbox per status"
        assert focused(page)["outline"] or focused(page)["shadow"], "the focused Filter button shows no focus"
        screenshot(page, "a11y-keyboard-filter-focused")
        # The last Tab stop of a date input is Chromium's own calendar button, in the input's shadow
        # tree, with the browser's focus ring: the input itself is then not :focus-visible.
        no_focus_ring = [
            e
            for e in path
            if not (e["outline"] or e["shadow"]) and not (e["type"].startswith("date") and not e["focusVisible"])
        ]
        assert not no_focus_ring, f"focused without a visible focus indicator: {no_focus_ring}"

        # Typing into "Holds all of" and pressing Enter submits the filter.
        tab_until(page, lambda e: e["id"] == "id_citizenship_all", key="Shift+Tab")
        page.keyboard.type("RU, IL")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r".*citizenship_all=RU.*"))
        expect(page.locator("#results table.list tbody tr td:first-child")).to_have_text(expected)
        page.wait_for_load_state("networkidle")
        screenshot(page, "a11y-keyboard-enter-in-field")

        # Space ticks a status; Enter on the Filter button submits.
        tab_until(page, lambda e: e["type"] == "checkbox" and e["value"] == "held")
        page.keyboard.press("Space")
        tab_until(page, lambda e: e["tag"] == "button" and e["text"] == "Filter")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r".*status=held.*"))
        expect(page.locator("#results table.list tbody tr td:first-child")).to_have_text(held)
        page.wait_for_load_state("networkidle")
        screenshot(page, "a11y-keyboard-filter-button")
        assert list_case_refs(page) == held
        assert "citizenship_all=RU" in page.url
    assert outside == []
