"""The sweep: the periodic pass that makes delivery certain when the broker or a worker was not.

It dispatches events whose dispatch never ran (the broker was down at commit, the message was
lost) and hands out deliveries that are due, including those whose worker died holding the lease.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from alerts.choices import DeliveryStatus
from alerts.models import Delivery, Event
from alerts.services.dispatch import event_dispatch

BATCH = 500


def sweep_events() -> list[int]:
    """Dispatch events left undispatched; return the deliveries they produced."""
    grace = timezone.now() - timedelta(seconds=settings.ALERT_SWEEP_GRACE_SECONDS)
    delivery_ids: list[int] = []
    for seq in Event.objects.filter(dispatched_at__isnull=True, occurred_at__lte=grace).values_list("seq", flat=True)[
        :BATCH
    ]:
        delivery_ids += event_dispatch(event_seq=seq)
    return delivery_ids


def sweep_due_deliveries() -> list[int]:
    """Deliveries that are due and not leased, not handed out within a lease's time."""
    now = timezone.now()
    lease = timedelta(seconds=settings.DELIVERY_LEASE_SECONDS)
    due = (
        Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
        .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=now - lease))
        .order_by("next_attempt_at")
        .values_list("id", flat=True)[:BATCH]
    )
    ids = list(due)
    Delivery.objects.filter(pk__in=ids).update(enqueued_at=now)
    return ids
