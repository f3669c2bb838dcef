"""What a partner learns is judged by the scope a case had when each thing happened, not by the
case's citizenships today. Found by a partner's sync loop: a case gaining the partner's nationality
revealed six older events on a fresh catch-up, and a case losing it vanished without a word (its
events gone from the feed, its detail a 404, nothing telling the partner to forget it).

Channel by channel, as the partner reads it: the change feed (a catch-up from the start, and a
cursor held across the change), webhooks (the deliveries owed), the detail; and the cell, which
gets no such news."""

import json
from datetime import UTC, datetime

import pytest
from django.test import Client

from alerts.models import Delivery, Event, Notification
from alerts.services.dispatch import event_dispatch
from alerts.services.subscriptions import subscription_create
from cases.services.detainees import NameVariantInput, detainee_create, detainee_update
from cases.services.status_changes import status_change_record
from partners.services.partners import partner_ensure, webhook_endpoint_create
from partners.services.tokens import token_issue
from tests.api_helpers import bearer

# Committed writes, as partners read them: the feed returns an event once its transaction is over.
pytestmark = pytest.mark.django_db(transaction=True)
ABDUCTED = datetime(2023, 10, 7, 6, 30, tzinfo=UTC)


@pytest.fixture
def client():
    return Client()


@pytest.fixture
def partners():
    moscow, _ = partner_ensure(name="Moscow desk", nationalities=["RU"])
    jerusalem, _ = partner_ensure(name="Jerusalem desk", nationalities=["IL"])
    return {
        "moscow": moscow,
        "jerusalem": jerusalem,
        "moscow_token": token_issue(partner=moscow)[1],
        "jerusalem_token": token_issue(partner=jerusalem)[1],
    }


def catch_up(client, token, after: str | None = None) -> tuple[list[dict], str]:
    events, cursor = [], after
    while True:
        params = {"limit": "1000"} | ({"after": cursor} if cursor else {})
        body = client.get("/api/v1/changes/", params, **bearer(token)).json()
        events += body["results"]
        cursor = body["next_cursor"]
        if not body["has_more"]:
            return events, cursor


def about(events: list[dict], detainee) -> list[str]:
    return [e["type"] for e in events if e["object"]["id"] == str(detainee.pk)]


def test_a_case_entering_a_partners_scope_reveals_none_of_its_past(client, officer, partners):
    detainee = detainee_create(
        full_name="Noa Peretz",
        actor=officer,
        citizenships=["IL"],
        abducted_at=ABDUCTED,
        name_variants=[NameVariantInput("נועה פרץ", "Hebr")],
    )
    detainee_update(detainee_id=detainee.pk, actor=officer, abduction_place="Kfar Tamarim")
    status_change_record(detainee_id=detainee.pk, to_status="held", source="Video", actor=officer)
    _, moscow_cursor = catch_up(client, partners["moscow_token"])

    detainee_update(detainee_id=detainee.pk, actor=officer, citizenships=["IL", "RU"])
    status_change_record(detainee_id=detainee.pk, to_status="release_pending", source="MFA", actor=officer)

    fresh, _ = catch_up(client, partners["moscow_token"])  # a partner starting from nothing
    assert about(fresh, detainee) == ["detainee.entered_scope", "detainee.status_changed"]
    entered = next(e for e in fresh if e["type"] == "detainee.entered_scope")
    assert entered["data"]["detainee"]["citizenships"] == ["IL", "RU"]
    assert entered["data"]["detainee"]["status"] == "held" and entered["data"]["abduction_place"] == "Kfar Tamarim"
    assert entered["data"]["name_variants"] == [{"name": "נועה פרץ", "script": "Hebr"}]
    assert "notes" not in json.dumps(entered)
    held_on, _ = catch_up(client, partners["moscow_token"], after=moscow_cursor)  # a partner syncing all along
    assert about(held_on, detainee) == ["detainee.entered_scope", "detainee.status_changed"]

    # The partner who had the case all along hears of the change itself, not of a scope it never left.
    jerusalem, _ = catch_up(client, partners["jerusalem_token"])
    assert about(jerusalem, detainee) == [
        "detainee.created",
        "detainee.updated",
        "detainee.status_changed",
        "detainee.updated",
        "detainee.status_changed",
    ]
    assert client.get(f"/api/v1/detainees/{detainee.pk}/", **bearer(partners["moscow_token"])).status_code == 200


def test_a_case_leaving_a_partners_scope_is_a_tombstone_and_then_silence(client, officer, partners):
    detainee = detainee_create(full_name="Ilya Gromov", actor=officer, citizenships=["IL", "RU"], abducted_at=ABDUCTED)
    status_change_record(detainee_id=detainee.pk, to_status="held", source="Video", actor=officer)
    before, cursor = catch_up(client, partners["moscow_token"])
    assert about(before, detainee) == ["detainee.created", "detainee.status_changed"]

    detainee_update(detainee_id=detainee.pk, actor=officer, citizenships=["IL"])
    status_change_record(detainee_id=detainee.pk, to_status="released", source="ICRC", actor=officer)

    news, _ = catch_up(client, partners["moscow_token"], after=cursor)
    assert about(news, detainee) == ["detainee.left_scope"]
    (tombstone,) = news
    assert tombstone["data"] == {"detainee": {"id": str(detainee.pk)}}  # its id alone
    assert tombstone["object"] == {"type": "detainee", "id": str(detainee.pk)}
    # What it was told stays as it was told; a replay adds only the tombstone.
    replay, _ = catch_up(client, partners["moscow_token"])
    assert about(replay, detainee) == ["detainee.created", "detainee.status_changed", "detainee.left_scope"]
    assert client.get(f"/api/v1/detainees/{detainee.pk}/", **bearer(partners["moscow_token"])).status_code == 404
    jerusalem, _ = catch_up(client, partners["jerusalem_token"])
    assert about(jerusalem, detainee) == [
        "detainee.created",
        "detainee.status_changed",
        "detainee.updated",
        "detainee.status_changed",
    ]


def test_webhooks_follow_the_same_rule_and_the_cell_gets_no_scope_news(client, officer, analyst, partners):
    moscow_hook = webhook_endpoint_create(partner=partners["moscow"], url="https://moscow.example/hook")
    jerusalem_hook = webhook_endpoint_create(partner=partners["jerusalem"], url="https://jerusalem.example/hook")
    analyst.email = "analyst@cell.example"
    analyst.save(update_fields=["email"])
    subscription_create(user=analyst, kind="nationality", value="RU", by_email=True, in_app=True)
    detainee = detainee_create(full_name="Yael Cohen", actor=officer, citizenships=["IL"], abducted_at=ABDUCTED)
    detainee_update(detainee_id=detainee.pk, actor=officer, citizenships=["IL", "RU"])
    detainee_update(detainee_id=detainee.pk, actor=officer, citizenships=["IL"])
    for event in Event.objects.order_by("seq"):
        event_dispatch(event_seq=event.seq)

    def hooked(endpoint) -> list[str]:
        deliveries = Delivery.objects.filter(endpoint=endpoint, event__detainee=detainee)
        return list(deliveries.order_by("event__seq").values_list("event__type", flat=True))

    assert hooked(moscow_hook) == ["detainee.entered_scope", "detainee.left_scope"]
    assert hooked(jerusalem_hook) == ["detainee.created", "detainee.updated", "detainee.updated"]
    # The analyst follows Russian nationals: told of the edits, never of partners' scope, by no channel.
    notified = Notification.objects.filter(user=analyst).values_list("event__type", flat=True)
    assert sorted(notified) == ["detainee.updated", "detainee.updated"]
    emailed = Delivery.objects.filter(user=analyst).values_list("event__type", flat=True)
    assert sorted(emailed) == ["detainee.updated", "detainee.updated"]
    cell, _ = catch_up(client, token_issue(user=officer)[1])
    assert "detainee.entered_scope" not in about(cell, detainee) and "detainee.left_scope" not in about(cell, detainee)
