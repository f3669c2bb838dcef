"""Fan-out: from one event to the notifications and deliveries it owes.

Idempotent: the event row is locked and marked dispatched in the same transaction that writes the
deliveries, and unique constraints refuse a second copy, so a repeated task or a sweep racing the
first dispatch adds nothing.
"""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cases.alerts.summaries import event_summary
from cases.choices import DeliveryKind, EventType, SubscriptionKind
from cases.models import ChannelMembership, Citizenship, Delivery, Event, Notification, Subscription, WebhookEndpoint


def _event_countries(event: Event) -> set[str]:
    """The nationalities an event is about: its detainee's, or for a channel, its members'."""
    if event.detainee_id:
        return set(Citizenship.objects.filter(detainee_id=event.detainee_id).values_list("country", flat=True))
    members = ChannelMembership.objects.filter(channel_id=event.channel_id).values("detainee_id")
    return set(Citizenship.objects.filter(detainee_id__in=members).values_list("country", flat=True))


def _event_channels(event: Event) -> set[str]:
    channels = {str(event.channel_id)} if event.channel_id else set()
    if event.detainee_id:
        channels |= {
            str(c)
            for c in ChannelMembership.objects.filter(detainee_id=event.detainee_id).values_list(
                "channel_id", flat=True
            )
        }
    return channels


def matching_subscriptions(event: Event, countries: set[str]):
    match = Q(kind=SubscriptionKind.NATIONALITY, value__in=countries)
    match |= Q(kind=SubscriptionKind.CHANNEL, value__in=_event_channels(event))
    if event.detainee_id:
        match |= Q(kind=SubscriptionKind.DETAINEE, value=str(event.detainee_id))
    if event.type == EventType.DETAINEE_STATUS_CHANGED:
        match |= Q(kind=SubscriptionKind.STATUS, value=event.data["status_change"]["to_status"])
    subscriptions = Subscription.objects.filter(match, user__is_active=True).select_related("user")
    if event.actor_id:
        subscriptions = subscriptions.exclude(user_id=event.actor_id)  # nobody is alerted to their own change
    return subscriptions


def endpoints_in_scope(countries: set[str]) -> list[WebhookEndpoint]:
    """Active endpoints of active partners whose nationality scope meets the event's countries."""
    endpoints = WebhookEndpoint.objects.filter(is_active=True, partner__is_active=True).select_related("partner")
    return [e for e in endpoints if countries & set(e.partner.nationality_codes)]


def event_dispatch(*, event_seq: int) -> list[int]:
    """Write the event's notifications and deliveries; return the ids of deliveries to attempt now."""
    with transaction.atomic():
        event = (
            Event.objects.select_for_update(skip_locked=True).filter(seq=event_seq, dispatched_at__isnull=True).first()
        )
        if event is None:  # already dispatched, or another worker is on it
            return []
        now = timezone.now()
        countries = _event_countries(event)
        wants_email: dict[int, object] = {}
        wants_in_app: set[int] = set()
        for subscription in matching_subscriptions(event, countries):
            if subscription.by_email:
                wants_email[subscription.user_id] = subscription.user
            if subscription.in_app:
                wants_in_app.add(subscription.user_id)
        summary = event_summary(event)[:500]
        Notification.objects.bulk_create(
            [Notification(user_id=user_id, event=event, summary=summary) for user_id in sorted(wants_in_app)],
            ignore_conflicts=True,
        )
        deliveries = [
            Delivery(event=event, kind=DeliveryKind.EMAIL, user_id=user_id, next_attempt_at=now)
            for user_id in sorted(wants_email)
        ] + [
            Delivery(event=event, kind=DeliveryKind.WEBHOOK, endpoint=endpoint, next_attempt_at=now)
            for endpoint in endpoints_in_scope(countries)
        ]
        Delivery.objects.bulk_create(deliveries, ignore_conflicts=True)
        event.dispatched_at = now
        event.save(update_fields=["dispatched_at"])
    return list(Delivery.objects.filter(event=event, status="pending").values_list("id", flat=True))
