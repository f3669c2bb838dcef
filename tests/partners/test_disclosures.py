"""The disclosure log: one row per answer to a partner (and per webhook delivered) with what it named,
channel by channel; nothing for a 304, an error or the cell's own reading; admins read it by API,
per partner and on the case page; one insert per answer, whatever its size."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from alerts.models import Delivery, Event
from alerts.services.delivery import delivery_attempt
from alerts.services.dispatch import event_dispatch
from cases.services.channels import channel_create
from cases.services.detainees import detainee_create
from cases.services.groups import group_create
from cases.services.status_changes import status_change_record
from core.access import Viewer, events_visible
from harness.receivers import WebhookReceiver
from partners.models import Disclosure
from partners.services.partners import partner_ensure, webhook_endpoint_create
from partners.services.tokens import token_issue
from tests.api_helpers import assert_problem, bearer
from tests.factories import PASSWORD

# Committed writes, as partners read them (the feed returns an event once its transaction is over).
pytestmark = pytest.mark.django_db(transaction=True)
ABDUCTED = datetime(2023, 10, 7, 6, 30, tzinfo=UTC)


@pytest.fixture
def world(officer):
    partner, _ = partner_ensure(name="Moscow desk", nationalities=["RU"])
    token_obj, token = token_issue(partner=partner)
    russians = [
        detainee_create(full_name=f"Person {n}", actor=officer, citizenships=["RU", "IL"], abducted_at=ABDUCTED)
        for n in range(3)
    ]
    israeli = detainee_create(full_name="Tamar Zohar", actor=officer, citizenships=["IL"], abducted_at=ABDUCTED)
    status_change_record(detainee_id=russians[0].pk, to_status="held", source="Video", actor=officer)
    channel = channel_create(
        actor=officer,
        name="Moscow talks",
        mediator="Russia",
        counterpart="Hamas",
        members=[(russians[0].pk, "requested"), (israeli.pk, "requested")],
    )
    group = group_create(actor=officer, name="Tunnel group", source="Debriefing", members=[russians[1].pk, israeli.pk])
    return {
        "partner": partner,
        "token_obj": token_obj,
        "token": token,
        "russians": russians,
        "israeli": israeli,
        "channel": channel,
        "group": group,
    }


def ids(*detainees) -> list[str]:
    return sorted(str(d.pk) for d in detainees)


def last_row() -> Disclosure:
    return Disclosure.objects.order_by("-id").first()


def test_every_answer_to_a_partner_is_one_row_naming_what_it_disclosed(world):
    client, token = Client(), world["token"]
    russians, first = world["russians"], world["russians"][0]

    def read(path: str) -> Disclosure:
        before = Disclosure.objects.count()
        response = client.get(path, **bearer(token))
        assert response.status_code == 200, response.content
        if response.streaming:
            b"".join(response.streaming_content)
        assert Disclosure.objects.count() == before + 1, path  # one row per answer
        row = last_row()
        assert row.partner == world["partner"] and row.token == world["token_obj"] and row.via == "api"
        assert row.target == path
        return row

    assert sorted(read("/api/v1/detainees/?page_size=10").detainees) == ids(*russians)
    assert read(f"/api/v1/detainees/{first.pk}/").detainees == [str(first.pk)]
    assert read(f"/api/v1/detainees/{first.pk}/status-changes/").detainees == [str(first.pk)]
    assert read("/api/v1/channels/").detainees == [str(first.pk)]  # the member in scope, not the other
    assert read(f"/api/v1/channels/{world['channel'].pk}/").detainees == [str(first.pk)]
    assert read(f"/api/v1/groups/{world['group'].pk}/").detainees == [str(russians[1].pk)]
    feed = read("/api/v1/changes/?limit=1000")
    told = events_visible(Viewer(partner=world["partner"]))
    assert sorted(feed.events) == sorted(str(i) for i in told.values_list("id", flat=True))
    assert set(feed.detainees) == set(ids(*russians))
    assert read("/api/v1/stats/?by=status").detainees == []  # counts name nobody; the answer is still logged
    assert sorted(read("/api/v1/pfif/").detainees) == ids(*russians)
    text = json.dumps([d.detainees for d in Disclosure.objects.all()])
    assert str(world["israeli"].pk) not in text  # never logged as shown: never shown

    # Nothing new told, nothing logged: a 304, a 404, the cell's own reading.
    before = Disclosure.objects.count()
    tag = client.get("/api/v1/detainees/", **bearer(token))["ETag"]
    after_first = Disclosure.objects.count()
    assert client.get("/api/v1/detainees/", HTTP_IF_NONE_MATCH=tag, **bearer(token)).status_code == 304
    assert client.get(f"/api/v1/detainees/{world['israeli'].pk}/", **bearer(token)).status_code == 404
    assert Disclosure.objects.count() == after_first == before + 1


def test_the_cells_own_reading_is_not_a_disclosure(world, officer):
    client = Client()
    client.force_login(officer)
    for path in ("/api/v1/detainees/", "/api/v1/changes/", "/api/v1/pfif/"):
        response = client.get(path)
        if response.streaming:
            b"".join(response.streaming_content)
    assert not Disclosure.objects.exists()


def test_a_webhook_delivered_is_a_disclosure_and_a_failed_one_is_not(world, officer, settings):
    settings.WEBHOOK_ALLOW_LOCAL = True
    with WebhookReceiver() as receiver:
        endpoint = webhook_endpoint_create(partner=world["partner"], url=receiver.url)
        change = status_change_record(
            detainee_id=world["russians"][1].pk, to_status="held", source="Video", actor=officer
        )
        event = Event.objects.get(type="detainee.status_changed", detainee=world["russians"][1])
        for delivery_id in event_dispatch(event_seq=event.seq):
            delivery_attempt(delivery_id=delivery_id)
        assert len(receiver.received) == 1
    row = Disclosure.objects.get(via="webhook")
    assert row.endpoint == endpoint and row.partner == world["partner"] and row.target == receiver.url
    assert row.detainees == [str(world["russians"][1].pk)] and row.events == [str(event.id)]
    assert change is not None
    # A receiver that is gone: the attempt fails, nothing was disclosed.
    other = status_change_record(detainee_id=world["russians"][2].pk, to_status="held", source="Video", actor=officer)
    event = Event.objects.get(type="detainee.status_changed", detainee=world["russians"][2])
    for delivery_id in event_dispatch(event_seq=event.seq):
        delivery_attempt(delivery_id=delivery_id)
    assert Delivery.objects.get(event=event).status == "pending" and other is not None
    assert Disclosure.objects.filter(via="webhook").count() == 1


def test_admins_read_the_log_by_api_per_partner_and_per_case(world, admin_user, officer):
    Client().get("/api/v1/detainees/", **bearer(world["token"]))
    Client().get(f"/api/v1/detainees/{world['russians'][2].pk}/", **bearer(world["token"]))
    admin = Client()
    admin.force_login(admin_user)
    everything = admin.get("/api/v1/disclosures/")
    assert everything.status_code == 200 and len(everything.json()["results"]) == 2
    newest = everything.json()["results"][0]
    assert newest["partner"] == {"id": world["partner"].pk, "name": "Moscow desk"}
    assert newest["via"] == "api" and newest["token"] == world["token_obj"].prefix
    assert newest["detainees"] == [str(world["russians"][2].pk)]
    one_case = admin.get(f"/api/v1/disclosures/?detainee={world['russians'][2].pk}").json()["results"]
    assert len(one_case) == 2  # the list named it too
    assert admin.get(f"/api/v1/disclosures/?detainee={world['israeli'].pk}").json()["results"] == []
    since = (datetime.now(UTC) + timedelta(minutes=1)).isoformat()
    assert admin.get("/api/v1/disclosures/", {"since": since}).json()["results"] == []
    assert admin.get(f"/api/v1/disclosures/?partner={world['partner'].pk}").json()["results"]
    assert_problem(admin.get("/api/v1/disclosures/?partner=nobody"), 400)
    assert_problem(admin.get("/api/v1/disclosures/?since=yesterday"), 400)
    officer_client = Client()
    officer_client.force_login(officer)
    assert_problem(officer_client.get("/api/v1/disclosures/"), 403)
    assert_problem(Client().get("/api/v1/disclosures/", **bearer(world["token"])), 404)

    browser = Client()
    browser.login(username=admin_user.username, password=PASSWORD)
    page = browser.get(f"/detainees/{world['russians'][2].pk}/").content.decode()
    assert "Shown to partners" in page and "Moscow desk" in page
    per_partner = browser.get(f"/partners/{world['partner'].pk}/disclosures/")
    assert per_partner.status_code == 200 and "/api/v1/detainees/" in per_partner.content.decode()
    officer_browser = Client()
    officer_browser.login(username=officer.username, password=PASSWORD)
    assert "Shown to partners" not in officer_browser.get(f"/detainees/{world['russians'][2].pk}/").content.decode()
    assert officer_browser.get(f"/partners/{world['partner'].pk}/disclosures/").status_code == 403


def test_the_log_costs_a_partners_page_one_insert(world, settings):
    client, token = Client(), world["token"]
    client.get("/api/v1/detainees/", **bearer(token))  # the token's first use is recorded now
    statements = {}
    for on in (False, True):
        settings.DISCLOSURE_LOG = on
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/v1/detainees/?page_size=100", **bearer(token)).status_code == 200
        statements[on] = [q["sql"] for q in queries]
    extra = [sql for sql in statements[True] if sql not in statements[False]]
    inserts = [sql for sql in extra if sql.startswith('INSERT INTO "partners_disclosure"')]
    assert len(inserts) == 1, extra
    assert set(extra) - set(inserts) <= {"BEGIN", "COMMIT", "SET LOCAL synchronous_commit TO OFF"}, extra
