"""With the real stack (Redis, Celery worker and beat, a webhook receiver, an SMTP sink): the
scheduled "no proof of life for N days" alert, once, and family first on webhooks and email."""

import json
import time
from datetime import UTC, datetime

import pytest

from alerts.choices import DeliveryStatus
from alerts.models import Delivery, Event, Notification, OverdueAlert
from alerts.services.subscriptions import subscription_create
from cases.services.detainees import detainee_create
from cases.services.family_notifications import family_notification_record
from cases.services.status_changes import status_change_confirm, status_change_record
from core.choices import Role
from harness.receivers import WebhookReceiver
from partners.services.partners import partner_ensure, webhook_endpoint_create
from tests.stack import wait_until

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
ABDUCTED = datetime(2023, 10, 7, 4, 0, tzinfo=UTC)


def settled() -> bool:
    return (
        not Event.objects.filter(dispatched_at__isnull=True).exists()
        and not Delivery.objects.filter(status=DeliveryStatus.PENDING).exists()
    )


@pytest.fixture
def receiver(settings):
    settings.WEBHOOK_ALLOW_LOCAL = True
    with WebhookReceiver() as r:
        yield r


def types_received(receiver) -> list[str]:
    return [json.loads(r.body)["type"] for r in receiver.received]


def test_the_beat_alerts_once_when_a_case_has_no_proof_of_life_for_n_days(alert_stack, receiver, smtp_sink, analyst):
    partner, _ = partner_ensure(name="Moscow desk", nationalities=["RU"])
    webhook_endpoint_create(partner=partner, url=receiver.url)
    in_scope = detainee_create(full_name="Olga Gromova", actor=None, citizenships=["IL", "RU"], abducted_at=ABDUCTED)
    detainee_create(full_name="Tamar Zohar", actor=None, citizenships=["IL"], abducted_at=ABDUCTED)
    Event.objects.update(dispatched_at=datetime.now(UTC))  # the creations are not what this test is about
    analyst.email = "analyst@cell.example"
    analyst.save()
    subscription_create(user=analyst, kind="proof_of_life_overdue", value="30", by_email=True, in_app=True)
    alert_stack(PROOF_OF_LIFE_CHECK_SECONDS="1", EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(smtp_sink.port))

    wait_until(lambda: OverdueAlert.objects.count() == 2, what="both cases alerted")
    received = receiver.wait_for(1)
    wait_until(settled, what="every delivery settled")
    time.sleep(5)  # several more beats: none may alert again
    assert OverdueAlert.objects.count() == 2
    assert Event.objects.filter(type="detainee.proof_of_life_overdue").count() == 2
    wait_until(settled, what="every delivery settled")
    bodies = [json.loads(r.body) for r in receiver.received]
    assert [(b["type"], b["object"]["id"]) for b in bodies] == [("detainee.proof_of_life_overdue", str(in_scope.pk))]
    assert received and bodies[0]["data"]["days"] == 30
    mail = smtp_sink.wait_for(2)
    assert all("no proof of life" in m["Subject"] for m in mail)
    assert Notification.objects.filter(user=analyst).count() == 2


def test_a_withheld_death_reaches_webhooks_and_email_only_once_the_family_is_told(
    alert_stack, receiver, smtp_sink, analyst, officer, make_user
):
    second = make_user(Role.OFFICER, "second")
    partner, _ = partner_ensure(name="Moscow desk", nationalities=["RU"])
    webhook_endpoint_create(partner=partner, url=receiver.url)
    person = detainee_create(full_name="Olga Gromova", actor=None, citizenships=["IL", "RU"], abducted_at=ABDUCTED)
    status_change_record(detainee_id=person.pk, to_status="held", source="Video", actor=officer)
    Event.objects.update(dispatched_at=datetime.now(UTC))
    analyst.email = "analyst@cell.example"
    analyst.save()
    subscription_create(user=analyst, kind="nationality", value="RU", by_email=True, in_app=True)
    alert_stack(EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(smtp_sink.port))

    proposal = status_change_record(detainee_id=person.pk, to_status="deceased", source="Forensics", actor=officer)
    status_change_confirm(detainee_id=person.pk, proposal_id=proposal.pk, actor=second)
    wait_until(settled, what="the withheld death dispatched")
    time.sleep(3)
    assert receiver.received == [] and smtp_sink.messages == []
    assert Notification.objects.filter(user=analyst, event__type="detainee.status_changed").count() == 1

    family_notification_record(detainee_id=person.pk, informed_at=None, method="in_person", actor=officer)
    receiver.wait_for(1)
    wait_until(settled, what="the release delivered")
    assert types_received(receiver) == ["detainee.status_changed"]
    assert json.loads(receiver.received[0].body)["data"]["status_change"]["to_status"] == "deceased"
    mail = smtp_sink.wait_for(1)
    assert any("Deceased" in m["Subject"] for m in mail)
    # The cell was told in the app when it happened, not again at the release.
    assert Notification.objects.filter(user=analyst, event__type="detainee.status_changed").count() == 1
