"""Webhook self-service, as a partner's system uses it with its own token, against a real local
receiver: its endpoints and their deliveries with every attempt, redelivering one, a signed test
ping, and rotating the signing secret with both signatures sent during the overlap."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from standardwebhooks.webhooks import Webhook

from alerts.models import Delivery, Event
from alerts.services.delivery import delivery_attempt
from alerts.services.dispatch import event_dispatch
from cases.services.detainees import detainee_create
from cases.services.status_changes import status_change_record
from harness.receivers import Reply, WebhookReceiver
from partners.models import WebhookEndpoint
from partners.services.partners import partner_ensure, webhook_endpoint_create
from partners.services.tokens import token_issue
from tests.api_helpers import assert_problem, bearer

pytestmark = pytest.mark.django_db
ABDUCTED = datetime(2023, 10, 7, 6, 30, tzinfo=UTC)


@pytest.fixture
def receiver(settings):
    settings.WEBHOOK_ALLOW_LOCAL = True
    with WebhookReceiver() as r:
        yield r


@pytest.fixture
def partner(receiver):
    moscow, _ = partner_ensure(name="Moscow desk", nationalities=["RU"])
    other, _ = partner_ensure(name="Other desk", nationalities=["IL"])
    return {
        "token": token_issue(partner=moscow)[1],
        "endpoint": webhook_endpoint_create(partner=moscow, url=receiver.url),
        "other_token": token_issue(partner=other)[1],
        "other_endpoint": webhook_endpoint_create(partner=other, url=receiver.url + "/other"),
    }


def post(path: str, token: str):
    return Client().post(path, content_type="application/json", **bearer(token))


def deliver_everything() -> None:
    for event in Event.objects.filter(dispatched_at__isnull=True).order_by("seq"):
        for delivery_id in event_dispatch(event_seq=event.seq):
            delivery_attempt(delivery_id=delivery_id)


def verify(received, secret: str) -> dict:
    """As a receiver does: the signature checks out with this secret (raises otherwise)."""
    return Webhook(secret).verify(received.body, received.headers)


def test_a_partner_reads_its_endpoints_and_their_deliveries_with_every_attempt(receiver, partner, officer):
    receiver.script = [Reply(status=503)]
    person = detainee_create(full_name="Ilya Gromov", actor=officer, citizenships=["RU"], abducted_at=ABDUCTED)
    deliver_everything()  # the first attempt fails (503)
    delivery = Delivery.objects.get(endpoint=partner["endpoint"])
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=datetime.now(UTC))
    delivery_attempt(delivery_id=delivery.pk)  # the second succeeds

    listed = Client().get("/api/v1/webhooks/", **bearer(partner["token"]))
    assert [e["url"] for e in listed.json()] == [receiver.url]  # not the other partner's
    deliveries = Client().get(f"/api/v1/webhooks/{partner['endpoint'].pk}/deliveries/", **bearer(partner["token"]))
    (row,) = deliveries.json()["results"]
    assert row["event_type"] == "detainee.created" and row["status"] == "delivered"
    assert [(a["number"], a["status_code"], a["succeeded"]) for a in row["attempts"]] == [
        (1, 503, False),
        (2, 200, True),
    ]
    assert row["event"] == str(Event.objects.get(detainee=person, type="detainee.created").id)
    assert_problem(
        Client().get(f"/api/v1/webhooks/{partner['other_endpoint'].pk}/deliveries/", **bearer(partner["token"])), 404
    )
    people = Client()
    people.force_login(officer)
    assert_problem(people.get("/api/v1/webhooks/"), 403)


def test_a_partner_redelivers_one_with_the_same_webhook_id(receiver, partner, officer):
    person = detainee_create(full_name="Ilya Gromov", actor=officer, citizenships=["RU"], abducted_at=ABDUCTED)
    status_change_record(detainee_id=person.pk, to_status="held", source="Video", actor=officer)
    deliver_everything()
    first = [r for r in receiver.received if r.headers.get("webhook-id")]
    delivery = Delivery.objects.filter(endpoint=partner["endpoint"]).order_by("-id").first()
    again = post(f"/api/v1/webhooks/{partner['endpoint'].pk}/deliveries/{delivery.pk}/redeliver/", partner["token"])
    assert again.status_code == 202 and again.json()["status"] == "pending"
    assert_problem(
        post(f"/api/v1/webhooks/{partner['endpoint'].pk}/deliveries/{delivery.pk}/redeliver/", partner["token"]), 409
    )
    delivery_attempt(delivery_id=delivery.pk)
    resent = receiver.received[-1]
    assert resent.headers["webhook-id"] == str(delivery.event.id) and len(receiver.received) == len(first) + 1
    verify(resent, partner["endpoint"].secret)
    assert_problem(
        post(f"/api/v1/webhooks/{partner['other_endpoint'].pk}/deliveries/{delivery.pk}/redeliver/", partner["token"]),
        404,
    )


def test_a_ping_is_signed_and_says_what_the_receiver_answered(receiver, partner):
    answered = post(f"/api/v1/webhooks/{partner['endpoint'].pk}/ping/", partner["token"])
    assert answered.status_code == 200
    assert answered.json()["succeeded"] is True and answered.json()["status_code"] == 200
    ping = receiver.received[-1]
    assert verify(ping, partner["endpoint"].secret)["type"] == "webhook.ping"
    receiver.script = [Reply(status=500)]
    failed = post(f"/api/v1/webhooks/{partner['endpoint'].pk}/ping/", partner["token"]).json()
    assert failed["succeeded"] is False and failed["status_code"] == 500 and "HTTP 500" in failed["error"]
    assert not Delivery.objects.exists()  # a ping is not an event: nothing owed, nothing disclosed


def test_rotating_the_secret_signs_with_both_during_the_overlap(receiver, partner, officer):
    old = partner["endpoint"].secret
    rotated = post(f"/api/v1/webhooks/{partner['endpoint'].pk}/rotate-secret/", partner["token"])
    assert rotated.status_code == 200
    new = rotated.json()["secret"]
    assert new.startswith("whsec_") and new != old
    until = datetime.fromisoformat(rotated.json()["previous_secret_until"])
    assert timedelta(hours=23) < until - datetime.now(UTC) <= timedelta(hours=24)

    detainee_create(full_name="Ilya Gromov", actor=officer, citizenships=["RU"], abducted_at=ABDUCTED)
    deliver_everything()
    during = receiver.received[-1]
    assert len(during.headers["webhook-signature"].split(" ")) == 2
    assert verify(during, new)["type"] == "detainee.created"  # a receiver switched to the new secret
    assert verify(during, old)["type"] == "detainee.created"  # and one not yet switched

    WebhookEndpoint.objects.filter(pk=partner["endpoint"].pk).update(
        previous_secret_until=datetime.now(UTC) - timedelta(seconds=1)
    )
    ping = post(f"/api/v1/webhooks/{partner['endpoint'].pk}/ping/", partner["token"])
    assert ping.json()["succeeded"] is True
    after = receiver.received[-1]
    assert len(after.headers["webhook-signature"].split(" ")) == 1
    verify(after, new)
    with pytest.raises(Exception):  # noqa: B017 - standardwebhooks raises its own WebhookVerificationError
        verify(after, old)
    assert json.loads(after.body)["type"] == "webhook.ping"
