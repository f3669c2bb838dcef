"""In Chromium: an officer proposes a death, a second officer confirms it, the family is informed,
and only then does a partner learn it; claims in conflict are ruled from the case page, and a
released hostage's account of who was held with her is recorded."""

import json
import urllib.request

import pytest
from playwright.sync_api import expect

from cases.models import Detainee
from cases.services.claims import claim_record
from cases.services.status_changes import status_change_record
from core.choices import Role
from partners.services.partners import partner_ensure
from partners.services.tokens import token_issue
from tests.browser import another_page, browser_session, new_detainee, screenshot, sign_in, submit, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def sync_orm_beside_playwright(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def partner_reads(base: str, token: str, detainee) -> dict:
    request = urllib.request.Request(
        f"{base}/api/v1/detainees/{detainee.pk}/", headers={"Authorization": f"Bearer {token}"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def test_propose_confirm_inform_family_then_the_partner_learns(live_server, officer, make_user):
    make_user(Role.OFFICER, "second")
    detainee = new_detainee(officer)
    status_change_record(detainee_id=detainee.pk, to_status="held", source="Video", actor=officer)
    partner, _ = partner_ensure(name="Moscow desk", nationalities=["RU"])
    token = token_issue(partner=partner)[1]
    base = live_server.url
    url = f"{base}/detainees/{detainee.pk}/"
    with browser_session() as (page, outside):
        sign_in(page, base, "officer")
        visit(page, url, "uncertain-1-held")
        page.get_by_label("New status").select_option("deceased")
        page.get_by_role("textbox", name="Source", exact=True).fill("Forensic identification")
        assert submit(page, "Record change") == 200
        expect(page.get_by_test_id("awaiting-confirmation")).to_contain_text(
            "Awaiting confirmation by a second officer"
        )
        expect(page.get_by_test_id("awaiting-confirmation")).to_contain_text("another officer must confirm")
        assert page.get_by_role("button", name="Confirm", exact=True).count() == 0
        screenshot(page, "uncertain-2-proposed")
        assert Detainee.objects.get(pk=detainee.pk).status == "held"

        second = another_page(page, outside)
        sign_in(second, base, "second")
        visit(second, url, "uncertain-3-second-officer")
        assert submit(second, "Confirm") == 200
        expect(second.get_by_test_id("family-not-informed")).to_contain_text(
            "Family not yet informed — do not disclose"
        )
        screenshot(second, "uncertain-4-confirmed-withheld")
        assert partner_reads(base, token, detainee)["status"] == "held"

        second.get_by_label("Method").select_option("in_person")
        second.get_by_label("Note").first.fill("Visit by the liaison officer")
        assert submit(second, "Record that the family was informed") == 200
        expect(second.get_by_test_id("family-not-informed")).to_have_count(0)
        screenshot(second, "uncertain-5-family-informed")
        assert partner_reads(base, token, detainee)["status"] == "deceased"
        assert outside == []


def test_claims_in_conflict_are_accepted_from_the_case_page(live_server, officer):
    detainee = new_detainee(officer)
    status_change_record(detainee_id=detainee.pk, to_status="held", source="Video", actor=officer)
    claim_record(detainee_id=detainee.pk, asserted_status="held", source="Family", actor=officer)
    claim_record(detainee_id=detainee.pk, asserted_status="released", source="Press report", actor=officer)
    base = live_server.url
    with browser_session() as (page, outside):
        sign_in(page, base, "officer")
        visit(page, f"{base}/detainees/?in_conflict=true", "uncertain-6-list-in-conflict")
        expect(page.locator("#results")).to_contain_text("Claims in conflict")
        visit(page, f"{base}/detainees/{detainee.pk}/", "uncertain-7-claims")
        expect(page.locator("#claims")).to_contain_text("In conflict")
        row = page.locator("table.claims tr", has_text="Press report")
        with page.expect_navigation():
            row.get_by_role("button", name="Accept").click()
        expect(page.locator("table.claims")).to_contain_text("Accepted")
        screenshot(page, "uncertain-8-claim-accepted")
        assert Detainee.objects.get(pk=detainee.pk).status == "released"

        # She says who was held with her: a new group, with another case by its reference.
        other = new_detainee(officer, full_name="Yael Sharabi")
        held_with = page.locator("section[aria-labelledby=held-with]")
        held_with.get_by_text("Record a new group held together").click()
        held_with.locator("#id_group-name").fill("Apartment, northern district")
        held_with.locator("#id_group-source").fill("Her debriefing")
        held_with.get_by_label("Also held with them").fill(other.case_ref)
        assert submit(page, "Record the group") == 200
        expect(held_with).to_contain_text("Apartment, northern district")
        expect(held_with.get_by_role("link", name=f"{other.case_ref} Yael Sharabi")).to_have_count(1)
        screenshot(page, "uncertain-9-held-together")
        assert outside == []
