"""Attempting a delivery: claim it with a lease, send it, log the attempt, schedule the retry.

Retries follow the Standard Webhooks example schedule (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h,
20 h, 24 h: about three days) with jitter; a receiver's Retry-After is honoured. Then the delivery
is dead, shown to admins, who may retry it.
"""

import json
import logging
import random
import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from alerts.choices import DeliveryKind, DeliveryStatus
from alerts.models import Delivery, DeliveryAttempt
from alerts.transports import TRANSPORTS, TransportError, monotonic_ms, post_signed
from core.errors import Conflict
from core.queue import DELIVERY_ATTEMPT, send_after_commit
from partners.choices import DisclosureVia
from partners.disclosures import disclosure_record
from partners.models import WebhookEndpoint

logger = logging.getLogger(__name__)
JITTER = 0.1  # ±10 %, so retries from one outage don't arrive in one burst
RETRY_AFTER_MAX = 24 * 3600  # a receiver may ask for a pause, not for silence


def retry_delay(attempt: int, retry_after: float | None = None) -> float | None:
    """Seconds to wait after failed attempt number `attempt` (1-based); None once the schedule is spent."""
    schedule = settings.WEBHOOK_RETRY_SCHEDULE
    if attempt > len(schedule):
        return None
    delay = schedule[attempt - 1] * random.uniform(1 - JITTER, 1 + JITTER)
    if retry_after is not None:
        delay = max(delay, min(retry_after, RETRY_AFTER_MAX))
    return delay


def delivery_claim(delivery_id: int) -> bool:
    """Take the delivery if it is due and nobody holds a live lease on it (a conditional UPDATE)."""
    now = timezone.now()
    claimed = (
        Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
        .update(locked_until=now + timedelta(seconds=settings.DELIVERY_LEASE_SECONDS), attempts=F("attempts") + 1)
    )
    return claimed == 1


def delivery_attempt(*, delivery_id: int) -> str | None:
    """Make one attempt if the delivery is due; return its new status, or None if it was not ours."""
    if not delivery_claim(delivery_id):
        return None
    delivery = Delivery.objects.select_related("event", "endpoint__partner", "user").get(pk=delivery_id)
    if delivery.kind == DeliveryKind.WEBHOOK and not delivery.endpoint.is_active:
        Delivery.objects.filter(pk=delivery_id).update(status=DeliveryStatus.CANCELLED, locked_until=None)
        return DeliveryStatus.CANCELLED

    started_at, start = timezone.now(), time.monotonic()
    status_code, error, permanent, retry_after = None, "", False, None
    try:
        status_code = TRANSPORTS[delivery.kind].send(delivery)
    except TransportError as exc:
        error, permanent, status_code, retry_after = str(exc), exc.permanent, exc.status_code, exc.retry_after
    except Exception as exc:
        logger.exception("delivery %s failed unexpectedly", delivery_id)
        error = f"{type(exc).__name__}: {exc}"
    duration = monotonic_ms(start)
    return _record(delivery, started_at, duration, status_code, error, permanent, retry_after)


@transaction.atomic
def _record(delivery, started_at, duration, status_code, error, permanent, retry_after) -> str:
    succeeded = not error
    DeliveryAttempt.objects.create(
        delivery=delivery,
        number=delivery.attempts,
        started_at=started_at,
        duration_ms=duration,
        status_code=status_code,
        succeeded=succeeded,
        error=error[:2000],
    )
    now = timezone.now()
    update = {"locked_until": None, "last_error": error[:2000]}
    if succeeded:
        update |= {"status": DeliveryStatus.DELIVERED, "delivered_at": now}
    else:
        delay = None if permanent else retry_delay(delivery.attempts, retry_after)
        if delay is None:
            update["status"] = DeliveryStatus.DEAD
        else:
            update["next_attempt_at"] = now + timedelta(seconds=delay)
        if status_code == 410 and delivery.endpoint_id:
            endpoint_disable(endpoint_id=delivery.endpoint_id, reason="The receiver answered 410 Gone.")
    Delivery.objects.filter(pk=delivery.pk).update(**update)
    if succeeded and delivery.endpoint_id:
        event = delivery.event
        disclosure_record(
            partner=delivery.endpoint.partner,
            via=DisclosureVia.WEBHOOK,
            target=delivery.endpoint.url,
            detainees=[str(event.detainee_id)] if event.detainee_id else [],
            events=[str(event.id)],
            endpoint=delivery.endpoint,
        )
    if not succeeded:
        logger.info("delivery %s attempt %s failed: %s", delivery.pk, delivery.attempts, error)
    return update.get("status", DeliveryStatus.PENDING)


def endpoint_disable(*, endpoint_id, reason: str) -> None:
    WebhookEndpoint.objects.filter(pk=endpoint_id).update(is_active=False, disabled_reason=reason[:300])
    Delivery.objects.filter(endpoint_id=endpoint_id, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.CANCELLED, last_error=reason
    )


@transaction.atomic
def delivery_retry(*, delivery_ids: list[int]) -> int:
    """An admin's retry of dead deliveries: they start over with a fresh schedule, and are handed to
    the workers once this commits (or, with the broker down, to the sweep)."""
    retried = list(
        Delivery.objects.select_for_update()
        .filter(pk__in=delivery_ids, status=DeliveryStatus.DEAD)
        .values_list("pk", flat=True)
    )
    Delivery.objects.filter(pk__in=retried).update(
        status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=timezone.now(), locked_until=None, enqueued_at=None
    )
    for delivery_id in retried:
        send_after_commit(DELIVERY_ATTEMPT, delivery_id)
    return len(retried)


def next_retry_countdown(delivery_id: int) -> float | None:
    """Seconds until a pending delivery is due, for a fast retry through the broker."""
    delivery = Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING).only("next_attempt_at").first()
    if delivery is None:
        return None
    return max(0.0, (delivery.next_attempt_at - timezone.now()).total_seconds())


class NotRedeliverable(Conflict):
    code = "not-redeliverable"


@transaction.atomic
def delivery_redeliver(*, delivery_id: int) -> Delivery:
    """A partner's (or an admin's) redelivery of one webhook, delivered or given up on: it is owed
    again, with the same webhook-id, from now on the whole schedule."""
    delivery = Delivery.objects.select_for_update(of=("self",)).select_related("endpoint").get(pk=delivery_id)
    if delivery.status == DeliveryStatus.PENDING:
        raise NotRedeliverable("This delivery is still being attempted; it needs no redelivery.")
    if not delivery.endpoint.is_active:
        raise NotRedeliverable(f"The endpoint is disabled: {delivery.endpoint.disabled_reason or 'by an admin'}.")
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=timezone.now(), locked_until=None, enqueued_at=None
    )
    send_after_commit(DELIVERY_ATTEMPT, delivery.pk)
    delivery.refresh_from_db()
    return delivery


def endpoint_ping(*, endpoint: WebhookEndpoint) -> dict:
    """Send a signed test event to an endpoint at once (not an event of the feed; nothing is
    disclosed): what the receiver answered, and how long it took."""
    body = json.dumps(
        {
            "id": str(uuid.uuid4()),
            "type": "webhook.ping",
            "occurred_at": timezone.now().isoformat(),
            "object": {"type": "webhook_endpoint", "id": str(endpoint.pk)},
            "data": {"message": "A test from the Hostage Case Tracker: your endpoint and signature check work."},
        },
        sort_keys=True,
        separators=(",", ":"),
    )
    start = time.monotonic()
    try:
        status_code, error = post_signed(endpoint, msg_id=json.loads(body)["id"], body=body), ""
    except TransportError as exc:
        status_code, error = exc.status_code, str(exc)
    return {
        "status_code": status_code,
        "succeeded": status_code is not None and 200 <= status_code < 300,
        "duration_ms": monotonic_ms(start),
        "error": error,
    }
