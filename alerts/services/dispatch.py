"""Fan-out: from one event to the notifications and deliveries it owes.

Idempotent: the event row is locked and marked dispatched in the same transaction that writes the
deliveries, and unique constraints refuse a second copy, so a repeated task or a sweep racing the
first dispatch adds nothing.
"""

import uuid

from django.db import transaction
from django.utils import timezone

from alerts.choices import DeliveryKind, DeliveryStatus, SubscriptionKind
from alerts.models import Delivery, Event, Notification
from alerts.summaries import event_summary
from cases.models import Detainee
from core.access import (
    confirmers_for,
    event_render,
    may_email,
    may_notify_in_app,
    subscriptions_for,
    viewer_of,
    webhook_endpoints_for,
)


def event_dispatch(*, event_seq: int) -> list[int]:
    """Write the event's notifications and deliveries; return the ids of deliveries to attempt now."""
    with transaction.atomic():
        event = (
            Event.objects.select_for_update(skip_locked=True).filter(seq=event_seq, dispatched_at__isnull=True).first()
        )
        if event is None:  # already dispatched, or another worker is on it
            return []
        now = timezone.now()
        wants_email: dict[int, object] = {}
        wants_in_app: set[int] = set()
        # Followers of someone held with the subject, and what they follow (news about a co-member).
        held_with_followed: dict[int, str] = {}
        for subscription in subscriptions_for(event):
            if subscription.kind == SubscriptionKind.DETAINEE and subscription.value != str(event.detainee_id):
                held_with_followed.setdefault(subscription.user_id, subscription.value)
            if event_render(viewer_of(subscription.user), event.type, event.data) is None:
                continue  # it tells this reader nothing they may learn
            if subscription.by_email and may_email(event):
                wants_email[subscription.user_id] = subscription.user
            if subscription.in_app and may_notify_in_app(event):
                wants_in_app.add(subscription.user_id)
        wants_in_app |= set(confirmers_for(event).values_list("pk", flat=True))
        summary = event_summary(event)[:500]
        followed = dict(Detainee.objects.filter(pk__in=set(held_with_followed.values())).values_list("pk", "case_ref"))

        def summary_for(user_id: int) -> str:
            if user_id not in held_with_followed:
                return summary
            case_ref = followed.get(uuid.UUID(held_with_followed[user_id]), "")
            return f"News about someone held with {case_ref}: {summary}"[:500]

        Notification.objects.bulk_create(
            [Notification(user_id=u, event=event, summary=summary_for(u)) for u in sorted(wants_in_app)],
            ignore_conflicts=True,
        )
        deliveries = [
            Delivery(event=event, kind=DeliveryKind.EMAIL, user_id=user_id, next_attempt_at=now)
            for user_id in sorted(wants_email)
        ] + [
            Delivery(event=event, kind=DeliveryKind.WEBHOOK, endpoint=endpoint, next_attempt_at=now)
            for endpoint, partner in webhook_endpoints_for(event)
            if event_render(partner, event.type, event.data, (event.scope, event.scope_before)) is not None
        ]
        Delivery.objects.bulk_create(deliveries, ignore_conflicts=True)
        event.dispatched_at = now
        event.save(update_fields=["dispatched_at"])
    return list(Delivery.objects.filter(event=event, status=DeliveryStatus.PENDING).values_list("id", flat=True))
