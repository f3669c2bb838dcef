"""The transactional outbox: an event row written in the same transaction as the change.

Each event keeps the nationalities that put its subject in a partner's scope when it happened, and
just before (core.access decides who may learn it by them). When a change moves a detainee's
citizenships, partners who gain the case are told with `detainee.entered_scope` (what they may now
see) and partners who lose it with `detainee.left_scope` (its id alone), beside the change itself,
which only partners who had the case before and after learn.
"""

from typing import Any

from django.db import transaction
from django.utils import timezone

from alerts.choices import INTERNAL_EVENT_TYPES, EventAudience, EventType
from alerts.models import Event
from cases.models import ChannelMembership, Citizenship, Detainee, NegotiationChannel
from cases.representations import detainee_snapshot
from core.access import event_scope
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
    scope = _scope_now(detainee, channel)
    before = _scope_before(detainee) if detainee is not None else None
    before = scope if before is None else before
    event = _write(type, detainee, channel, data, audience, actor, scope, before)
    if detainee is not None and scope != before:
        # Whoever gains or loses the case hears of it; core.access picks them by the two scopes.
        _write(
            EventType.DETAINEE_ENTERED_SCOPE,
            detainee,
            None,
            detainee_snapshot(detainee),
            EventAudience.PARTNERS,
            actor,
            scope,
            before,
        )
        _write(
            EventType.DETAINEE_LEFT_SCOPE,
            detainee,
            None,
            {"detainee": {"id": str(detainee.pk)}},
            EventAudience.PARTNERS,
            actor,
            scope,
            before,
        )
    return event


def _write(type, detainee, channel, data, audience, actor, scope, before) -> Event:
    subject = detainee if detainee is not None else channel
    event = Event.objects.create(
        type=type,
        occurred_at=timezone.now(),
        object_type="detainee" if detainee is not None else "channel",
        object_id=subject.pk,
        detainee=detainee,
        channel=channel,
        data=data,
        scope=scope,
        scope_before=before,
        audience=EventAudience.INTERNAL if type in INTERNAL_EVENT_TYPES else audience,
        actor=actor if actor is not None and actor.pk else None,
    )
    send_after_commit(EVENT_DISPATCH, event.seq)
    return event


def _scope_now(detainee: Detainee | None, channel: NegotiationChannel | None) -> dict:
    """The nationalities of the subject now (in this transaction), with the states each is withheld
    from: the detainee's, or the channel's members' (core.access.event_scope)."""
    if detainee is not None:
        rows = Citizenship.objects.filter(detainee=detainee)
    else:
        members = ChannelMembership.objects.filter(channel=channel).values("detainee_id")
        rows = Citizenship.objects.filter(detainee_id__in=members)
    held: dict[str, set[str]] = {}
    for code, withheld in rows.values_list("country", "withheld_from"):
        held.setdefault(code, set()).update(c for c in (withheld or "").split(",") if c)
    return event_scope(sorted(held.items()))


def _scope_before(detainee: Detainee) -> dict[str, list] | None:
    """The detainee's scope as partners last learned it: that of its latest event (every change
    writes one, under the detainee's row lock); None for a new detainee."""
    return Event.objects.filter(detainee=detainee).order_by("-seq").values_list("scope", flat=True).first()
