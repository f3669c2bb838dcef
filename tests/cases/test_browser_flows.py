"""End-to-end flows in real headless Chromium against a live server on PostgreSQL.

Each test drives the pages as a person would (officer, analyst), checks the database agrees with
what the pages show, screenshots every page it visits (test-results/flows-*.png), and asserts that
no request ever leaves 127.0.0.1: the system must run in an air-gapped network.
"""

import csv
import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from alerts.models import Delivery, Event, Notification, Subscription
from alerts.services.dispatch import event_dispatch
from cases.models import Detainee, NegotiationChannel
from cases.services.status_changes import status_change_record
from tests.browser import (
    LIST_PAGE_SIZE,
    UUID_PATH,
    another_page,
    browser_session,
    db_case_refs,
    list_case_refs,
    new_detainee,
    ru_il_dual_citizens,
    screenshot,
    seed_demo,
    sign_in,
    status_options,
    submit,
    timeline_items,
    visit,
)
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def sync_orm_beside_playwright(monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the ORM calls in these tests are still sync.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def test_officer_creates_dual_citizen_and_records_held_then_released(live_server, officer):
    base = live_server.url
    with browser_session() as (page, outside):
        sign_in(page, base, "officer", "flows-1-dashboard-officer")
        visit(page, f"{base}/detainees/", "flows-1-list-officer")
        page.get_by_role("link", name="New detainee").click()
        page.wait_for_url(f"{base}/detainees/new/")
        page.get_by_label("Full name").fill("Yelena Gromova")
        page.get_by_label("Citizenships").fill("IL, RU")
        page.get_by_label("Sex").select_option("female")
        page.get_by_label("Abduction place").fill("Kfar Tamarim")
        page.locator("#id_variants-0-name").fill("Елена Громова")
        page.locator("#id_variants-0-script").select_option("Cyrl")
        screenshot(page, "flows-1-new-detainee-filled")
        assert submit(page, "Save") == 200
        assert re.fullmatch(re.escape(base) + UUID_PATH, page.url), page.url
        screenshot(page, "flows-1-detainee-created")

        detainee = Detainee.objects.get(full_name="Yelena Gromova")
        assert page.url == f"{base}/detainees/{detainee.pk}/"
        assert sorted(detainee.citizenships.values_list("country", flat=True)) == ["IL", "RU"]
        assert list(detainee.name_variants.values_list("name", "script")) == [("Елена Громова", "Cyrl")]
        assert detainee.status == "missing"
        expect(page.get_by_role("heading", level=1)).to_contain_text(f"{detainee.case_ref} Yelena Gromova")
        expect(page.locator("section[aria-labelledby=citizenships]")).to_contain_text("IL Israel")
        expect(page.locator("section[aria-labelledby=citizenships]")).to_contain_text("RU Russia")
        variant = page.locator("span[lang=ru]", has_text="Елена Громова")
        expect(variant).to_be_visible()
        expect(page.locator("section[aria-labelledby=identity]")).to_contain_text("(Cyrl)")

        # From missing, the form offers exactly the allowed next statuses.
        from_missing = ["held", "release_pending", "released", "rescued", "escaped", "deceased", "not_held"]
        assert status_options(page) == from_missing

        # A change without a source is refused, and nothing is recorded.
        page.get_by_label("New status").select_option("held")
        assert submit(page, "Record change") == 400
        expect(page.locator("#id_change-source").locator("xpath=..")).to_contain_text("required")
        screenshot(page, "flows-1-status-without-source")
        assert detainee.status_changes.count() == 0

        page.get_by_label("New status").select_option("held")
        page.get_by_role("textbox", name="Source", exact=True).fill("Family liaison report")
        assert submit(page, "Record change") == 200
        expect(page.get_by_role("status")).to_contain_text("Recorded: Missing → Held.")
        screenshot(page, "flows-1-recorded-held")
        assert status_options(page) == ["release_pending", "released", "rescued", "escaped", "deceased"]

        page.get_by_label("New status").select_option("released")
        page.get_by_role("textbox", name="Source", exact=True).fill("Qatari MFA statement")
        page.get_by_role("region", name="Record a status change").get_by_label("Confidence").select_option("confirmed")
        assert submit(page, "Record change") == 200
        expect(page.get_by_role("status")).to_contain_text("Recorded: Held → Released.")
        screenshot(page, "flows-1-recorded-released")

        items = timeline_items(page)
        assert len(items) == 3, items
        assert items[0].startswith("Missing from") and "(initial status)" in items[0]
        assert items[1].startswith("Held") and "source: Family liaison report" in items[1], items[1]
        assert "confidence: Reported" in items[1]
        assert items[2].startswith("Released") and "source: Qatari MFA statement" in items[2], items[2]
        assert "confidence: Confirmed" in items[2]
        assert "from Held" in items[2] and "by officer" in items[2]

        # Released is final: an officer is offered no status, and told why.
        record = page.locator("section[aria-labelledby=record]")
        expect(record).to_contain_text("'Released' is final: only an admin can record a correction.")
        assert page.locator("#id_change-to_status").count() == 0
        assert page.get_by_role("button", name="Record change").count() == 0

        detainee.refresh_from_db()
        assert detainee.status == "released"
        changes = detainee.status_changes.order_by("sequence").values_list("from_status", "to_status", "confidence")
        changes = list(changes)
        assert changes == [("missing", "held", "reported"), ("held", "released", "confirmed")]
    assert outside == []


# --- 2. an analyst filters, follows the dashboard, exports -----------------------------------------


def test_analyst_filters_dual_citizens_follows_dashboard_links_and_exports_csv(live_server, analyst, make_user):
    seed_demo()
    make_user("analyst", "analyst2")
    expected = db_case_refs(ru_il_dual_citizens())
    assert len(expected) == 8  # the scenario's eight Russian-Israeli dual citizens
    base = live_server.url
    with browser_session() as (page, outside):
        sign_in(page, base, "analyst", "flows-2-dashboard-analyst")
        visit(page, f"{base}/detainees/", "flows-2-list-unfiltered")
        assert list_case_refs(page) == db_case_refs(Detainee.objects.all())

        page.get_by_label("Holds all of (e.g. RU, IL)").fill("RU, IL")
        page.get_by_role("button", name="Filter", exact=True).click()
        page.wait_for_url(re.compile(r".*citizenship_all=RU.*"))
        expect(page.locator("#results table.list tbody tr td:first-child")).to_have_text(expected)
        page.wait_for_load_state("networkidle")
        screenshot(page, "flows-2-list-ru-il")
        shared_url = page.url
        query = parse_qs(urlsplit(shared_url).query)
        assert [c.strip() for c in ",".join(query["citizenship_all"]).split(",")] == ["RU", "IL"], shared_url

        # The URL carries the filters: reloading it, or opening it as someone else, gives the same rows.
        page.reload()
        assert list_case_refs(page) == expected
        assert page.get_by_label("Holds all of (e.g. RU, IL)").input_value() == "RU, IL"
        screenshot(page, "flows-2-list-ru-il-reloaded")
        colleague = another_page(page, outside)
        sign_in(colleague, base, "analyst2")
        visit(colleague, shared_url, "flows-2-list-ru-il-shared")
        assert list_case_refs(colleague) == expected

        # The CSV export keeps the filters and holds exactly the filtered rows.
        export = page.get_by_role("link", name="Export CSV")
        assert "citizenship_all=RU" in (export.get_attribute("href") or "")
        with page.expect_download() as download_info:
            export.click()
        download = download_info.value
        assert download.suggested_filename.endswith(".csv")
        rows = list(csv.DictReader(io.StringIO(download.path().read_bytes().decode("utf-8-sig"))))
        assert [row["case_ref"] for row in rows] == db_case_refs(ru_il_dual_citizens(), limit=None)
        assert all(set(row["citizenships"].split()) >= {"IL", "RU"} for row in rows)
        assert any("[Cyrl]" in row["name_variants"] for row in rows)

        # The dashboard's figures: every chart has a table of links under it.
        visit(page, f"{base}/", "flows-2-dashboard")
        nationality = page.locator("section[aria-labelledby=chart-nationality-title]")
        nationality.locator("summary").click()
        screenshot(page, "flows-2-dashboard-nationality-figures")
        nationality.get_by_role("link", name="Russia (RU)").click()
        page.wait_for_url(f"{base}/detainees/?citizenship=RU")
        screenshot(page, "flows-2-list-from-russia-link")
        assert list_case_refs(page) == db_case_refs(Detainee.objects.filter(citizenships__country="RU"))

        visit(page, f"{base}/", "flows-2-dashboard-again")
        statuses = page.locator("section[aria-labelledby=chart-status-title]")
        statuses.locator("summary").click()
        statuses.get_by_role("link", name="Held", exact=True).click()
        page.wait_for_url(f"{base}/detainees/?status=held")
        screenshot(page, "flows-2-list-from-held-link")
        assert list_case_refs(page) == db_case_refs(Detainee.objects.filter(status="held"))

        # A bar on the canvas opens the same list as its link.
        visit(page, f"{base}/", "flows-2-dashboard-canvas")
        canvas = page.locator("#chart-status")
        canvas.scroll_into_view_if_needed()
        point = canvas.evaluate(
            """canvas => {
                const chart = Chart.getChart(canvas);
                const index = chart.data.labels.indexOf("Released");
                const bar = chart.getDatasetMeta(0).data[index];
                const box = canvas.getBoundingClientRect();
                return {x: box.left + bar.x, y: box.top + (bar.y + bar.base) / 2};
            }"""
        )
        page.mouse.click(point["x"], point["y"])
        page.wait_for_url(f"{base}/detainees/?status=released")
        screenshot(page, "flows-2-list-from-released-bar")
        assert list_case_refs(page) == db_case_refs(Detainee.objects.filter(status="released"))
    assert outside == []


# --- 3. two officers edit one record ----------------------------------------------------------------


def test_second_officer_sees_a_conflict_and_nothing_is_overwritten(live_server, officer, make_user):
    make_user("officer", "officer2")
    detainee = new_detainee(officer)
    edit_url = f"{live_server.url}/detainees/{detainee.pk}/edit/"
    first_note = "Sister confirmed the photo (officer one)."
    second_note = "Employer says she was at the north gate (officer two)."
    with browser_session() as (first, outside):
        second = another_page(first, outside)
        sign_in(first, live_server.url, "officer")
        sign_in(second, live_server.url, "officer2")
        visit(first, edit_url, "flows-3-edit-first-officer")
        visit(second, edit_url, "flows-3-edit-second-officer")

        first.get_by_label("Internal notes").fill(first_note)
        assert submit(first, "Save") == 200
        assert first.url == f"{live_server.url}/detainees/{detainee.pk}/"
        screenshot(first, "flows-3-first-saved")
        detainee.refresh_from_db()
        assert (detainee.notes, detainee.version) == (first_note, 2)

        second.get_by_label("Internal notes").fill(second_note)
        second.get_by_label("Abduction place").fill("Kfar Tamarim, north gate")
        assert submit(second, "Save") == 409
        screenshot(second, "flows-3-second-conflict")
        conflict = second.locator(".conflict")
        expect(conflict).to_contain_text("Someone else saved this record")
        expect(conflict).to_contain_text(first_note)  # what the record reads now
        assert second.get_by_label("Internal notes").input_value() == second_note  # their own input is kept
        assert second.get_by_label("Abduction place").input_value() == "Kfar Tamarim, north gate"
        detainee.refresh_from_db()
        assert (detainee.notes, detainee.abduction_place, detainee.version) == (first_note, "Kfar Tamarim", 2)

        # Saving again from the conflict page is a deliberate choice: it applies the second officer's values.
        assert submit(second, "Save") == 200
        assert second.url == f"{live_server.url}/detainees/{detainee.pk}/"
        expect(second.get_by_role("status")).to_contain_text(f"Saved {detainee.case_ref}.")
        screenshot(second, "flows-3-second-saved-deliberately")
        detainee.refresh_from_db()
        assert (detainee.notes, detainee.abduction_place, detainee.version) == (
            second_note,
            "Kfar Tamarim, north gate",
            3,
        )
        # Both edits are in the field-level history, each with its author.
        history = second.locator("section[aria-labelledby=changes] tbody")
        expect(history).to_contain_text("officer2")
        assert Detainee.history.filter(id=detainee.pk, history_user__username="officer").exists()
        assert Detainee.history.filter(id=detainee.pk, history_user__username="officer2").exists()
    assert outside == []


# --- 4. an analyst reads but never writes -------------------------------------------------------------


def test_analyst_cannot_reach_edit_pages_and_sees_no_edit_controls(live_server, officer, analyst):
    detainee = new_detainee(officer)
    base = live_server.url
    with browser_session() as (page, outside):
        sign_in(page, base, "analyst")
        for path, shot in (
            (f"/detainees/{detainee.pk}/edit/", "flows-4-analyst-edit-403"),
            ("/detainees/new/", "flows-4-analyst-new-403"),
        ):
            visit(page, f"{base}{path}", shot, expect_status=403)
            expect(page.get_by_role("heading", level=1)).to_have_text("Not allowed")
            assert page.locator("form.stacked").count() == 0

        visit(page, f"{base}/detainees/{detainee.pk}/", "flows-4-analyst-detainee")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Yelena Gromova")
        assert page.get_by_role("link", name="Edit", exact=True).count() == 0
        assert page.get_by_role("heading", name="Record a status change").count() == 0
        assert page.locator("#id_change-to_status").count() == 0
        assert page.get_by_role("button", name="Record change").count() == 0
        content = page.locator("main").inner_text()
        assert "Internal notes" not in content
        assert "discretion" not in content  # the notes' text, nowhere (not in the history either)
        assert "discretion" not in page.content()

        visit(page, f"{base}/detainees/", "flows-4-analyst-list")
        assert page.get_by_role("link", name="New detainee").count() == 0
    assert outside == []


# --- 5. subscriptions and notifications ------------------------------------------------------------


def test_analyst_subscribes_to_russia_and_is_notified_of_a_status_change(live_server, officer, analyst):
    analyst.email = "analyst@example.org"
    analyst.save(update_fields=["email"])
    detainee = new_detainee(officer, full_name="Anna Sokolova", name_variants=[])
    base = live_server.url
    with browser_session() as (page, outside):
        sign_in(page, base, "analyst")
        visit(page, f"{base}/subscriptions/", "flows-5-subscriptions-empty")
        page.get_by_label("Alert me about").select_option("nationality")
        page.get_by_label("Which").fill("RU")
        expect(page.get_by_label("By email")).to_be_checked()
        expect(page.get_by_label("In the app")).to_be_checked()
        assert submit(page, "Subscribe") == 200
        expect(page.get_by_role("status")).to_contain_text("Subscribed.")
        expect(page.locator("table.list tbody")).to_contain_text("Nationality")
        expect(page.locator("table.list tbody")).to_contain_text("RU")
        screenshot(page, "flows-5-subscribed")
        subscription = Subscription.objects.get(user=analyst)
        assert (subscription.kind, subscription.value, subscription.by_email, subscription.in_app) == (
            "nationality",
            "RU",
            True,
            True,
        )
        assert page.locator("nav .badge").count() == 0

        status_change_record(
            detainee_id=detainee.pk, to_status="held", source="Moscow consultations readout", actor=officer
        )
        # What the Celery worker would run for the new event (no worker listens in this test).
        event = Event.objects.order_by("-seq").first()
        assert event.type == "detainee.status_changed"
        event_dispatch(event_seq=event.seq)
        notification = Notification.objects.get(user=analyst)
        assert Delivery.objects.filter(event=event, kind="email", user=analyst).exists()

        visit(page, f"{base}/detainees/", "flows-5-badge")
        badge = page.locator("nav .badge")
        expect(badge).to_have_text("1")
        expect(badge).to_have_attribute("aria-label", "1 unread")

        page.get_by_role("navigation", name="Main").get_by_role("link", name=re.compile("^Notifications")).click()
        page.wait_for_url(f"{base}/notifications/")
        screenshot(page, "flows-5-notifications-unread")
        item = page.locator("ul.notifications li").first
        expect(item).to_have_class(re.compile(r"\bunread\b"))
        expect(item).to_contain_text(f"{detainee.case_ref} Anna Sokolova: Missing → Held")

        assert submit(page, "Mark all as read") == 200
        expect(page.get_by_role("status")).to_contain_text("Marked 1 notification as read.")
        screenshot(page, "flows-5-notifications-read")
        assert page.locator("nav .badge").count() == 0
        assert page.locator("ul.notifications li.unread").count() == 0
        notification.refresh_from_db()
        assert notification.read_at is not None

        page.get_by_role("link", name=re.compile("Anna Sokolova: Missing → Held")).click()
        page.wait_for_url(f"{base}/detainees/{detainee.pk}/")
        screenshot(page, "flows-5-notification-opened")
    assert outside == []


# --- 6. signing out; anonymous users see only the login page --------------------------------------------


def test_sign_out_and_every_page_redirects_anonymous_users_to_login(live_server, officer):
    seed_demo()
    detainee = new_detainee(officer)
    channel = NegotiationChannel.objects.get(name="Doha talks (Qatar)")
    base = live_server.url
    with browser_session() as (page, outside):
        sign_in(page, base, "officer")
        # Every link in the navigation loads without a request leaving 127.0.0.1 (the API docs too).
        nav = page.get_by_role("navigation", name="Main")
        names = [" ".join(t.split()) for t in nav.get_by_role("link").all_inner_texts()]
        assert names[:7] == ["Dashboard", "Detainees", "Channels", "Lists", "Notifications", "Alerts", "API"], names
        for name in names:
            page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=True).click()
            page.wait_for_load_state("networkidle")
            screenshot(page, f"flows-6-nav-{name.lower()}")
        assert outside == []

        visit(page, f"{base}/", "flows-6-before-sign-out")
        page.get_by_role("button", name="Sign out").click()
        page.wait_for_url(f"{base}/accounts/login/")
        screenshot(page, "flows-6-signed-out")
        expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
        assert page.get_by_role("navigation", name="Main").count() == 0

        paths = [
            "/",
            "/detainees/",
            "/detainees/?citizenship_all=RU%2CIL",
            "/detainees/new/",
            f"/detainees/{detainee.pk}/",
            f"/detainees/{detainee.pk}/edit/",
            "/detainees/export.csv",
            "/detainees/export.xlsx?status=held",
            "/channels/",
            "/channels/new/",
            f"/channels/{channel.pk}/",
            f"/channels/{channel.pk}/edit/",
            "/notifications/",
            "/subscriptions/",
            "/lists/",
            "/lists/new/",
            "/detainees/export.pfif.xml",
        ]
        for number, path in enumerate(paths):
            visit(page, f"{base}{path}", f"flows-6-anonymous-{number:02d}")
            landed = urlsplit(page.url)
            assert landed.path == "/accounts/login/", f"{path} → {page.url}"
            assert parse_qs(landed.query).get("next") == [path], f"{path} → {page.url}"
            assert "Yelena Gromova" not in page.content()
        visit(page, f"{base}/admin/", "flows-6-anonymous-admin")
        assert urlsplit(page.url).path in ("/accounts/login/", "/admin/login/"), page.url

        # Signing in from a shared link lands on it, filters and all.
        visit(page, f"{base}/detainees/?citizenship_all=RU%2CIL", "flows-6-login-with-next")
        page.get_by_label("Username").fill("officer")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{base}/detainees/?citizenship_all=RU%2CIL")
        screenshot(page, "flows-6-landed-on-next")
        assert list_case_refs(page) == db_case_refs(ru_il_dual_citizens())
    assert outside == []


# --- 7. the list without JavaScript -------------------------------------------------------------


def test_list_filters_and_sorts_without_javascript(live_server, analyst):
    seed_demo()
    base = live_server.url
    with browser_session() as (scripted, outside):
        page = another_page(scripted, outside, java_script_enabled=False)
        sign_in(page, base, "analyst")
        visit(page, f"{base}/detainees/", "flows-7-nojs-list")
        page.get_by_label("Holds all of (e.g. RU, IL)").fill("RU, IL")
        page.get_by_role("checkbox", name="Held", exact=True).check()
        page.get_by_role("checkbox", name="Released", exact=True).check()
        assert submit(page, "Filter") == 200
        screenshot(page, "flows-7-nojs-filtered")
        query = parse_qs(urlsplit(page.url).query)
        assert query["citizenship_all"] == ["RU, IL"] and query["status"] == ["held", "released"], page.url
        expected = ru_il_dual_citizens().filter(status__in=["held", "released"])
        assert list_case_refs(page) == db_case_refs(expected)
        assert list_case_refs(page), "the scenario has held or released RU-IL dual citizens"

        # Sorting is a plain link that keeps the filters.
        with page.expect_navigation():
            page.locator("#results thead").get_by_role("link", name="Name").click()
        screenshot(page, "flows-7-nojs-sorted-by-name")
        query = parse_qs(urlsplit(page.url).query)
        assert query["ordering"] == ["full_name"] and query["citizenship_all"] == ["RU, IL"], page.url
        by_name = list(expected.order_by("full_name", "case_ref").values_list("case_ref", flat=True))
        assert list_case_refs(page) == by_name

        # Pages of the unfiltered list are plain links too.
        visit(page, f"{base}/detainees/", "flows-7-nojs-page-1")
        with page.expect_navigation():
            page.get_by_role("link", name="Next →").click()
        screenshot(page, "flows-7-nojs-page-2")
        all_refs = db_case_refs(Detainee.objects.all(), limit=None)
        assert list_case_refs(page) == all_refs[LIST_PAGE_SIZE : 2 * LIST_PAGE_SIZE]
    assert outside == []
