"""The transactional outbox: an event row written in the same transaction as the change."""

from typing import Any

from django.db import transaction
from django.utils import timezone

from alerts.choices import INTERNAL_EVENT_TYPES, EventAudience
from alerts.models import Event
from cases.models import Detainee, NegotiationChannel
from core.models import User
from core.queue import EVENT_DISPATCH, send_after_commit


def event_emit(
    *,
    type: str,
    detainee: Detainee | None = None,
    channel: NegotiationChannel | None = None,
    data: dict[str, Any],
    actor: User | None = None,
    audience: str = EventAudience.EVERYONE,
) -> Event:
    """Record an event inside the caller's transaction; it is handed to the workers once that commits.

    `audience`: who may learn of it (core.access reads it); the internal event types are for the
    cell only whatever the caller says."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("events must be emitted inside the transaction of the change they announce")
    subject = detainee if detainee is not None else channel
    event = Event.objects.create(
        type=type,
        occurred_at=timezone.now(),
        object_type="detainee" if detainee is not None else "channel",
        object_id=subject.pk,
        detainee=detainee,
        channel=channel,
        data=data,
        audience=EventAudience.INTERNAL if type in INTERNAL_EVENT_TYPES else audience,
        actor=actor if actor is not None and actor.pk else None,
    )
    send_after_commit(EVENT_DISPATCH, event.seq)
    return event
