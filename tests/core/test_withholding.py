"""Per-citizenship non-disclosure, read as each partner would, channel by channel: a dual national's
Ukrainian citizenship withheld from Russia does not exist for a partner representing Russia — not in
`citizenships`, the filters (`citizenship`, `citizenship_all`, `dual`), stats, the change feed,
webhooks or PFIF — and a detainee it alone put in that partner's scope is out of it (404). Partners
of other states, or of none, and the cell see it; the cell reads it with the states it is withheld
from, sets it in the API and the browser, and finds it in the field history."""

import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from alerts.models import Delivery, Event
from alerts.services.dispatch import event_dispatch
from cases.models import Citizenship
from cases.services.detainees import CitizenshipInput, detainee_create, detainee_update
from partners.services.partners import partner_ensure, webhook_endpoint_create
from partners.services.tokens import token_issue
from tests.api_helpers import bearer
from tests.factories import PASSWORD

# Committed writes, as partners read them (the feed returns an event once its transaction is over).
pytestmark = pytest.mark.django_db(transaction=True)
ABDUCTED = datetime(2023, 10, 7, 6, 30, tzinfo=UTC)
P = "{http://zesty.ca/pfif/1.4}"


@pytest.fixture
def world(officer):
    melnyk = detainee_create(
        full_name="Oksana Melnyk",
        actor=officer,
        abducted_at=ABDUCTED,
        citizenships=["IL", CitizenshipInput("UA", ("RU",))],
    )
    gromov = detainee_create(
        full_name="Ilya Gromov",
        actor=officer,
        abducted_at=ABDUCTED,
        citizenships=["RU", CitizenshipInput("UA", ("RU",))],
    )
    moscow, _ = partner_ensure(name="Moscow desk", nationalities=["RU", "UA"], country="RU")
    stateless, _ = partner_ensure(name="Relief desk", nationalities=["RU", "UA"])
    kyiv, _ = partner_ensure(name="Kyiv desk", nationalities=["UA"], country="UA")
    return {
        "melnyk": melnyk,
        "gromov": gromov,
        "moscow": moscow,
        "moscow_token": token_issue(partner=moscow)[1],
        "stateless_token": token_issue(partner=stateless)[1],
        "kyiv_token": token_issue(partner=kyiv)[1],
    }


def get(token: str, path: str):
    response = Client().get(path, **bearer(token))
    if response.streaming:
        response.content_bytes = b"".join(response.streaming_content)
    return response


def listed(token: str, query: str = "") -> dict[str, list]:
    body = get(token, f"/api/v1/detainees/{query}").json()
    return {d["full_name"]: d["citizenships"] for d in body["results"]}


def test_a_partner_of_the_state_never_learns_the_withheld_citizenship_in_the_api(world):
    moscow = world["moscow_token"]
    assert listed(moscow) == {"Ilya Gromov": ["RU"]}  # Melnyk was in scope by UA alone
    assert get(moscow, f"/api/v1/detainees/{world['melnyk'].pk}/").status_code == 404
    assert get(moscow, f"/api/v1/detainees/{world['gromov'].pk}/").json()["citizenships"] == ["RU"]
    assert listed(moscow, "?citizenship=UA") == {}
    assert listed(moscow, "?citizenship_all=RU,UA") == {}
    assert listed(moscow, "?dual=true") == {}
    assert listed(moscow, "?dual=false") == {"Ilya Gromov": ["RU"]}
    stats = get(moscow, "/api/v1/stats/?by=citizenship").json()["rows"]
    assert stats == [{"citizenship": "RU", "count": 1}]
    assert "UA" not in json.dumps(get(moscow, f"/api/v1/detainees/{world['gromov'].pk}/status-changes/").json())

    # A partner of no state, and one of another, see it as a citizenship like any other.
    assert listed(world["stateless_token"]) == {"Oksana Melnyk": ["IL", "UA"], "Ilya Gromov": ["RU", "UA"]}
    assert listed(world["kyiv_token"], "?dual=true") == {"Oksana Melnyk": ["IL", "UA"], "Ilya Gromov": ["RU", "UA"]}
    assert get(world["stateless_token"], "/api/v1/stats/?by=citizenship").json()["rows"] == [
        {"citizenship": "IL", "count": 1},
        {"citizenship": "RU", "count": 1},
        {"citizenship": "UA", "count": 2},
    ]


def test_the_feed_webhooks_and_pfif_keep_it_from_the_partner_of_the_state(world, officer, settings):
    settings.WEBHOOK_ALLOW_LOCAL = True
    hook = webhook_endpoint_create(partner=world["moscow"], url="http://127.0.0.1:9/hook")
    detainee_update(detainee_id=world["gromov"].pk, actor=officer, abduction_place="Kfar Aza")
    # Withholding an existing citizenship, and lifting it, are edits too.
    detainee_update(detainee_id=world["melnyk"].pk, actor=officer, citizenships=["IL", "UA"])
    for event in Event.objects.order_by("seq"):
        event_dispatch(event_seq=event.seq)

    feed = get(world["moscow_token"], "/api/v1/changes/?limit=1000").json()["results"]
    about = {(e["type"], e["object"]["id"]) for e in feed}
    melnyk, gromov = str(world["melnyk"].pk), str(world["gromov"].pk)
    assert ("detainee.created", gromov) in about and ("detainee.updated", gromov) in about
    assert [t for t, subject in about if subject == melnyk] == ["detainee.entered_scope"]  # lifted: now it may know
    for event in feed:
        if event["object"]["id"] == gromov:
            assert event["data"]["detainee"]["citizenships"] == ["RU"], event
    entered = next(e for e in feed if e["type"] == "detainee.entered_scope")
    assert entered["data"]["detainee"]["citizenships"] == ["IL", "UA"]
    hooked = Delivery.objects.filter(endpoint=hook).values_list("event__type", "event__detainee_id")
    assert ("detainee.created", world["melnyk"].pk) not in set(hooked)
    gromov_hook = Delivery.objects.filter(endpoint=hook, event__detainee=world["gromov"]).first()
    from alerts.representations import event_body
    from core.access import Viewer

    body = json.loads(event_body(gromov_hook.event, Viewer(partner=world["moscow"])))
    assert body["data"]["detainee"]["citizenships"] == ["RU"]

    root = ET.fromstring(get(world["moscow_token"], "/api/v1/pfif/").content_bytes)  # noqa: S314 - ours
    persons = {p.findtext(f"{P}full_name"): p.findtext(f"{P}home_country") for p in root.findall(f"{P}person")}
    assert persons == {"Ilya Gromov": "RU", "Oksana Melnyk": "IL"}  # lifted for Melnyk; Gromov's UA still withheld
    text = get(world["moscow_token"], "/api/v1/pfif/").content_bytes.decode()
    assert "UA" not in text.split("Ilya Gromov")[1].split("</pfif:person>")[0]


def test_the_cell_sets_it_in_the_api_and_the_browser_and_finds_it_in_the_history(world, officer, admin_user):
    client = Client()
    client.force_login(officer)
    document = client.get(f"/api/v1/detainees/{world['melnyk'].pk}/").json()
    assert document["citizenships"] == ["IL", {"country": "UA", "withheld_from": ["RU"]}]
    patched = client.patch(
        f"/api/v1/detainees/{world['gromov'].pk}/",
        data=json.dumps({"citizenships": ["RU", {"country": "UA", "withheld_from": ["BY", "RU"]}]}),
        content_type="application/json",
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["citizenships"] == ["RU", {"country": "UA", "withheld_from": ["BY", "RU"]}]
    for bad in (
        [{"country": "UA", "withheld_from": ["UA"]}],
        [{"country": "UA", "withheld_from": ["XX"]}],
        [{"country": "UA", "hidden_from": ["RU"]}],
        ["UA", {"country": "UA"}],
    ):
        response = client.patch(
            f"/api/v1/detainees/{world['gromov'].pk}/",
            data=json.dumps({"citizenships": bad}),
            content_type="application/json",
        )
        assert response.status_code == 400 and response.json()["errors"][0]["field"].startswith("citizenships")

    browser = Client()
    browser.login(username=officer.username, password=PASSWORD)
    form = browser.get(f"/detainees/{world['melnyk'].pk}/edit/").content.decode()
    assert "UA: RU" in form
    saved = browser.post(
        f"/detainees/{world['melnyk'].pk}/edit/",
        {
            "full_name": "Oksana Melnyk",
            "citizenships": "IL, UA",
            "withheld": "UA: RU, BY",
            "sex": "unknown",
            "abducted_at": "2023-10-07T06:30",
            "version": world["melnyk"].__class__.objects.get(pk=world["melnyk"].pk).version,
            "variants-TOTAL_FORMS": "0",
            "variants-INITIAL_FORMS": "0",
        },
    )
    assert saved.status_code == 302, saved.content.decode()[:2000]
    row = Citizenship.objects.get(detainee=world["melnyk"], country="UA")
    assert sorted(c.code for c in row.withheld_from) == ["BY", "RU"]
    bad = browser.post(
        f"/detainees/{world['melnyk'].pk}/edit/",
        {
            "full_name": "Oksana Melnyk",
            "citizenships": "IL",
            "withheld": "UA: RU",
            "sex": "unknown",
            "variants-TOTAL_FORMS": "0",
            "variants-INITIAL_FORMS": "0",
        },
    )
    assert bad.status_code == 400 and "Not among the citizenships: UA" in bad.content.decode()
    page = browser.get(f"/detainees/{world['melnyk'].pk}/").content.decode()
    assert "withheld from BY, RU" in page
    assert "withheld_from" in page and "BY, RU" in page  # the field history


def test_issue_token_sets_the_state_a_partner_represents():
    out = StringIO()
    call_command("issue_token", "--partner", "Minsk desk", "--nationalities", "BY,RU", "--country", "BY", stdout=out)
    assert "represents BY" in out.getvalue() and out.getvalue().strip().splitlines()[-1].startswith("htk_")
    from partners.models import Partner

    assert Partner.objects.get(name="Minsk desk").country.code == "BY"
