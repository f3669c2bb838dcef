"""Delivered lists in Chromium: an officer uploads a list and watches a real Celery worker match it
(the progress bar polled by htmx, then the page reloading itself into the review), and an officer
reviews a list from the keyboard (j / k / y / n / u), undoes a decision, while an analyst only reads."""

import re
import time

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from cases.models import ChannelMembership
from lists.models import DeliveredList, ListEntry
from lists.selectors import list_counts
from lists.services.imports import list_match, list_upload
from tests.browser import another_page, browser_session, screenshot, sign_in, visit
from tests.stack import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIST_URL = re.compile(r"/lists/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/$")
SLOW = 180_000  # ms: a loaded two-core machine is slow, not wrong
WAIT = 30_000


@pytest.fixture(autouse=True)
def sync_orm_beside_playwright(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def entry_row(page, entry):
    return page.locator(f"#entry-{entry.pk}")


def progress_state(page) -> dict | None:
    """What the list page shows now: its progress bar's value and maximum, and whether the review is
    there; None while the page is between two documents (htmx's reload)."""
    try:
        return page.evaluate(
            """() => {
                const bar = document.querySelector('#progress-bar');
                return {
                    value: bar ? Number(bar.getAttribute('value')) : null,
                    max: bar ? Number(bar.getAttribute('max')) : null,
                    review: document.querySelector('#counts') !== null,
                };
            }"""
        )
    except PlaywrightError:  # the execution context went with the reload
        return None


# --- 1. upload, and a real worker matches it ---------------------------------------------------


def test_an_officer_uploads_a_list_and_watches_a_real_worker_match_it(
    alert_stack, live_server, officer, channel, registry
):
    alert_stack.worker(beat=False)
    names = ["Дмитрий Орловский", "Елена Громова", "Илья Громов", "יעל כהן"] * 75
    content = ("full_name;citizenships\n" + "".join(f"{n};IL\n" for n in names)).encode()
    base = live_server.url
    with browser_session() as (page, outside):
        sign_in(page, base, "officer", shot="lists-1-signed-in")
        visit(page, f"{base}/lists/", "lists-2-index-empty")
        expect(page.locator("table.list")).to_contain_text("No list delivered yet.")
        with page.expect_navigation():
            page.get_by_role("link", name="Upload a list").click()
        assert page.url == f"{base}/lists/new/"

        page.get_by_label(re.compile(r"^Channel\b")).select_option(label="Moscow talks")
        page.get_by_label("Handed to the counterpart").check()
        page.get_by_label("Delivered by").fill("Russian MFA")
        page.get_by_label("Delivered at").fill("2023-10-26T09:00")
        page.get_by_label(re.compile(r"^File\b")).set_input_files(
            files=[{"name": "moscow-300.csv", "mimeType": "text/csv", "buffer": content}]
        )
        screenshot(page, "lists-3-upload-form")

        polls: list[str | None] = []  # the HX-Refresh header of every progress poll, in order
        page.on("response", lambda r: "/progress/" in r.url and polls.append(r.headers.get("hx-refresh")))
        loads: list[str] = []  # every document the tab loads from here on
        page.on("framenavigated", lambda f: f.parent_frame is None and loads.append(f.url))

        with page.expect_navigation(url=LIST_URL, timeout=SLOW) as navigation:
            page.get_by_role("button", name="Upload", exact=True).click()
        first = navigation.value
        assert first is not None and first.status == 200
        first_html = first.text()
        delivered = DeliveredList.objects.get()
        list_url = f"{base}/lists/{delivered.pk}/"
        assert page.url == list_url and delivered.row_count == len(names)
        assert delivered.created_by == officer and delivered.delivered_at.isoformat() == "2023-10-26T09:00:00+00:00"
        assert "&#x27;moscow-300.csv&#x27; received: 300 rows to match." in first_html
        screenshot(page, "lists-4-just-uploaded")

        importing = 'id="progress-bar"' in first_html
        if importing:  # the usual case: the worker is still at it when the page arrives
            bar = re.search(r'<progress id="progress-bar" value="(\d+)" max="(\d+)">', first_html)
            assert bar, first_html
            assert int(bar[1]) <= int(bar[2]) == len(names)
            assert 'hx-trigger="every 1s"' in first_html and "rows matched" in first_html
            assert 'id="counts"' not in first_html
        else:  # a fast worker had it done before the page was rendered
            assert 'id="counts"' in first_html, first_html

        # Watch the page, never reloading it ourselves: htmx polls, then reloads it when matching ends.
        seen: list[tuple[int, int]] = []
        deadline = time.monotonic() + SLOW / 1000
        while True:
            state = progress_state(page)
            if state and state["value"] is not None:
                seen.append((state["value"], state["max"]))
                if state["value"] < state["max"] and len(seen) == 1:
                    screenshot(page, "lists-5-progress")
            if state and state["review"]:
                break
            assert time.monotonic() < deadline, f"the page never turned into the review; bars seen: {seen}"
            time.sleep(0.1)
        expect(page.locator("#counts")).to_be_visible(timeout=SLOW)
        screenshot(page, "lists-6-review")

        if importing:
            shown = [(int(bar[1]), int(bar[2])), *seen]  # the bar first rendered, then as htmx swapped it
            assert all(maximum == len(names) for _, maximum in shown), shown
            assert [v for v, _ in shown] == sorted(v for v, _ in shown), shown  # it only goes forward
            # Below the maximum while matching (unless the page came just as the last batch committed).
            assert any(v < m for v, m in shown) or shown[0][0] == len(names), shown
            # Every poll said "go on" until one said "done: reload" (HX-Refresh), and the page reloaded.
            assert "true" in polls, polls
            done = polls.index("true")
            assert all(h is None for h in polls[:done]) and all(h == "true" for h in polls[done:]), polls
            assert loads.count(list_url) >= 2, loads  # loaded once after the upload, once more by htmx

        delivered.refresh_from_db()
        assert delivered.status == "ready" and delivered.rows_matched == len(names)
        assert ListEntry.objects.filter(delivered_list=delivered, label="likely").count() == len(names)
        counts = list_counts([delivered])[delivered.pk]
        expect(page.locator("#counts")).to_have_text(
            f"{counts['likely']} likely · {counts['possible']} possible · {counts['none']} without a candidate"
            " — 0 confirmed · 0 rejected · 0 not sure"
        )
        assert counts["likely"] == len(names)
        rows = page.locator("tbody.entry")
        expect(rows).to_have_count(50)  # the first page of the review
        expect(page.locator("#progress")).to_have_count(0)
        first_row = rows.first
        expect(first_row).to_contain_text("row 2")
        expect(first_row).to_contain_text("Дмитрий Орловский")
        expect(first_row).to_contain_text(registry["orlovsky"].case_ref)
        expect(first_row.get_by_role("button", name=f"Confirm {registry['orlovsky'].case_ref}")).to_be_visible()
        expect(rows.nth(3)).to_contain_text("יעל כהן")
        expect(rows.nth(3)).to_contain_text(registry["cohen"].case_ref)

        visit(page, f"{base}/lists/", "lists-7-index")
        listed = page.locator("table.list tbody tr", has_text="moscow-300.csv")
        expect(listed).to_contain_text("Handed to the counterpart")
        expect(listed).to_contain_text("300 likely · 0 possible · 0 none")
        expect(listed).to_contain_text("0 confirmed · 0 rejected · 0 not sure")
        assert outside == []


# --- 2. the review from the keyboard -----------------------------------------------------------

REVIEW_CSV = (
    "full_name;date_of_birth;citizenships\n"
    "Дмитрий Орловский;1981-03-14;RU\n"
    "Елена Громова;1986-07-02;RU\n"
    "יעל כהן;;IL\n"
    "Viktor Pelevin;1962-11-22;RU\n"
)


def decision_of(entry) -> tuple[str, list]:
    return tuple(ListEntry.objects.values_list("decision", "rejected").get(pk=entry.pk))


def test_an_officer_reviews_a_list_from_the_keyboard(live_server, officer, analyst, channel, registry):
    delivered = list_upload(
        channel_id=channel.pk,
        direction="to_counterpart",
        delivered_by="Russian MFA",
        file_name="moscow.csv",
        content=REVIEW_CSV.encode(),
        actor=officer,
    )
    list_match(list_id=delivered.pk)
    first, second, third, fourth = delivered.entries.order_by("row")
    orlovsky, gromova, cohen = registry["orlovsky"], registry["gromova"], registry["cohen"]
    assert first.candidates[0]["detainee"] == str(orlovsky.pk) and first.label == "likely"
    assert second.candidates[0]["detainee"] == str(gromova.pk) and second.label == "likely"
    assert third.candidates[0]["detainee"] == str(cohen.pk)
    assert fourth.candidates == []
    requested = ChannelMembership.objects.filter(channel=channel, detainee=orlovsky, role="requested")

    base = live_server.url
    url = f"{base}/lists/{delivered.pk}/"
    with browser_session() as (page, outside):
        sign_in(page, base, "officer")
        visit(page, url, "lists-review-1-open")
        page.wait_for_load_state("load")  # review.js is deferred: keys pressed before it runs are lost
        rows = page.locator("tbody.entry")
        expect(rows).to_have_count(4)
        expect(page.locator("#keys")).to_contain_text("Keyboard")
        expect(page.locator("#counts")).to_contain_text("0 confirmed · 0 rejected · 0 not sure")
        expect(page.locator("tbody.entry.current")).to_have_count(0)

        page.keyboard.press("j")
        expect(entry_row(page, first)).to_have_class(re.compile(r"\bcurrent\b"), timeout=WAIT)
        expect(entry_row(page, first)).to_have_attribute("aria-current", "true")
        screenshot(page, "lists-review-2-first-current")

        # y: the first row's best candidate is confirmed, and the next row becomes current.
        page.keyboard.press("y")
        wait_until(lambda: decision_of(first)[0] == "confirmed", timeout=60, what="row 2 confirmed")
        wait_until(requested.exists, timeout=60, what="Orlovsky requested in the channel")
        expect(entry_row(page, first).locator(".state")).to_contain_text("Confirmed", timeout=WAIT)
        expect(entry_row(page, first).locator(".state")).to_contain_text(orlovsky.case_ref)
        expect(entry_row(page, first).locator(".state")).to_contain_text("by officer")
        expect(entry_row(page, first)).to_have_class(re.compile(r"\bdecision-confirmed\b"))
        expect(entry_row(page, second)).to_have_class(re.compile(r"\bcurrent\b"), timeout=WAIT)
        expect(entry_row(page, first)).not_to_have_class(re.compile(r"\bcurrent\b"))
        first.refresh_from_db()
        assert str(first.detainee_id) == str(orlovsky.pk) and first.decided_by == officer
        expect(page.locator("#counts")).to_contain_text("1 confirmed · 0 rejected · 0 not sure", timeout=WAIT)
        screenshot(page, "lists-review-3-confirmed")

        # n: the second row's best candidate is rejected; the third row becomes current.
        page.keyboard.press("n")
        wait_until(lambda: decision_of(second)[0] == "rejected", timeout=60, what="row 3 rejected")
        assert decision_of(second)[1] == [str(gromova.pk)]
        expect(entry_row(page, second).locator(".state")).to_contain_text("Rejected", timeout=WAIT)
        expect(entry_row(page, second).locator(".candidate.rejected")).to_contain_text(gromova.case_ref)
        expect(entry_row(page, second).locator(".candidate.rejected")).to_contain_text("rejected")
        expect(entry_row(page, third)).to_have_class(re.compile(r"\bcurrent\b"), timeout=WAIT)
        assert not ChannelMembership.objects.filter(channel=channel, detainee=gromova).exists()
        expect(page.locator("#counts")).to_contain_text("1 confirmed · 1 rejected · 0 not sure", timeout=WAIT)
        screenshot(page, "lists-review-4-rejected")

        # u: the third row is "not sure"; the fourth becomes current.
        page.keyboard.press("u")
        wait_until(lambda: decision_of(third)[0] == "unsure", timeout=60, what="row 4 not sure")
        assert decision_of(third)[1] == []
        expect(entry_row(page, third).locator(".state")).to_contain_text("Not sure", timeout=WAIT)
        expect(entry_row(page, third).locator("button[data-key=u]")).to_have_count(0)
        expect(entry_row(page, fourth)).to_have_class(re.compile(r"\bcurrent\b"), timeout=WAIT)
        expect(page.locator("#counts")).to_have_text(
            "3 likely · 0 possible · 1 without a candidate — 1 confirmed · 1 rejected · 1 not sure", timeout=WAIT
        )

        # k: back to the third row; nothing decided by moving.
        page.keyboard.press("k")
        expect(entry_row(page, third)).to_have_class(re.compile(r"\bcurrent\b"), timeout=WAIT)
        expect(entry_row(page, fourth)).not_to_have_class(re.compile(r"\bcurrent\b"))
        expect(page.locator("tbody.entry.current")).to_have_count(1)
        assert decision_of(fourth) == ("", [])
        screenshot(page, "lists-review-5-keyboard-done")

        # Undo on the first row takes the channel link back.
        entry_row(page, first).get_by_role("button", name="Undo").click()
        wait_until(lambda: not requested.exists(), timeout=60, what="the channel link taken back")
        wait_until(lambda: decision_of(first) == ("", []), timeout=60, what="row 2 undecided")
        expect(entry_row(page, first).locator(".state")).to_have_text("Not decided", timeout=WAIT)
        expect(entry_row(page, first).locator("button[data-key=y]")).to_have_text(f"Confirm {orlovsky.case_ref}")
        expect(page.locator("#counts")).to_contain_text("0 confirmed · 1 rejected · 1 not sure", timeout=WAIT)
        expect(entry_row(page, first)).to_have_attribute("aria-current", "true", timeout=WAIT)  # the row clicked
        # Highlighted too (htmx's settle once put the row's class back and took the highlight off).
        expect(entry_row(page, first)).to_have_class(re.compile(r"\bcurrent\b"), timeout=WAIT)
        expect(page.locator("tbody.entry[aria-current=true]")).to_have_count(1)
        screenshot(page, "lists-review-6-undone")

        # The analyst reads the same rows and decisions, with nothing to press.
        reader = another_page(page, outside)
        sign_in(reader, base, "analyst")
        visit(reader, url, "lists-review-7-analyst")
        expect(reader.locator("tbody.entry")).to_have_count(4)
        expect(reader.locator("#counts")).to_contain_text("0 confirmed · 1 rejected · 1 not sure")
        expect(entry_row(reader, second).locator(".state")).to_contain_text("Rejected")
        expect(entry_row(reader, third).locator(".state")).to_contain_text("Not sure")
        expect(entry_row(reader, first)).to_contain_text(orlovsky.case_ref)
        expect(reader.locator("button[data-key]")).to_have_count(0)
        expect(reader.locator("tbody.entry button")).to_have_count(0)
        expect(reader.locator("#keys")).to_have_count(0)
        expect(reader.locator("script[src*='review.js']")).to_have_count(0)
        reader.keyboard.press("j")
        reader.keyboard.press("y")
        expect(reader.locator("tbody.entry.current")).to_have_count(0)
        assert decision_of(first) == ("", [])
        assert outside == []
