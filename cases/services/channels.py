"""Negotiation channels: creating and editing them, their members, and their log.

Every change is announced as a `channel.updated` event in the same transaction (a channel's status
change above all; the change feed and ETags rely on every write leaving an event).
"""

from datetime import datetime
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction

from alerts.choices import EventType
from alerts.services.events import event_emit
from cases.models import ChannelEvent, ChannelMembership, Detainee, NegotiationChannel
from cases.representations import channel_summary
from core.errors import StaleVersion
from core.models import User

EDITABLE_FIELDS = ("name", "mediator", "mediator_country", "counterpart", "place", "status", "opened_on", "closed_on")


def channel_record_edit(
    *, channel: NegotiationChannel, actor: User | None, previous_status: str | None, changed: list[str] | None = None
) -> None:
    """After a channel was saved (by a service or the admin): announce it."""
    event_emit(
        type=EventType.CHANNEL_UPDATED,
        channel=channel,
        actor=actor,
        data={
            "channel": channel_summary(channel),
            "previous_status": previous_status,
            "changed": sorted(changed or []),
        },
    )


def _replace_members(channel: NegotiationChannel, members: list[tuple[UUID, str]]) -> None:
    wanted = set(members)
    known = set(Detainee.objects.filter(pk__in={d for d, _ in wanted}).values_list("pk", flat=True))
    missing = sorted(str(d) for d, _ in wanted if d not in known)
    if missing:
        raise ValidationError({"members": f"No such detainee: {', '.join(missing)}."})
    current = {(m.detainee_id, m.role): m for m in channel.memberships.all()}
    for key, membership in current.items():
        if key not in wanted:
            membership.delete()
    for detainee_id, role in sorted(wanted - set(current)):
        ChannelMembership.objects.create(channel=channel, detainee_id=detainee_id, role=role)


@transaction.atomic
def channel_create(
    *, actor: User | None, members: list[tuple[UUID, str]] | None = None, **fields
) -> NegotiationChannel:
    channel = NegotiationChannel(**{k: v for k, v in fields.items() if k in EDITABLE_FIELDS})
    channel.full_clean()
    channel._history_user = actor
    channel.save()
    _replace_members(channel, members or [])
    channel_record_edit(channel=channel, actor=actor, previous_status=None, changed=list(fields))
    return channel


def channel_lock(*, channel_id: UUID, expected_version: int | None = None) -> NegotiationChannel:
    """Lock the channel's row for an edit; refuse (StaleVersion) one that changed since it was read."""
    channel = NegotiationChannel.objects.select_for_update().get(pk=channel_id)
    if expected_version is not None and expected_version != channel.version:
        raise StaleVersion("The channel changed since you loaded it.", current_version=channel.version)
    return channel


def channel_stage_save(*, channel: NegotiationChannel, actor: User | None, created: bool) -> None:
    """Before a form that edits the row itself (the admin's) saves it: an edited channel gets its next
    version, so a partner's ETag for it changes. `channel_record_edit` announces it afterwards."""
    if not created:
        channel.version += 1
    channel._history_user = actor


@transaction.atomic
def channel_update(
    *,
    channel_id: UUID,
    actor: User | None,
    expected_version: int | None = None,
    members: list[tuple[UUID, str]] | None = None,
    **fields,
) -> NegotiationChannel:
    channel = channel_lock(channel_id=channel_id, expected_version=expected_version)
    previous_status = channel.status
    changed = [name for name, value in fields.items() if name in EDITABLE_FIELDS and getattr(channel, name) != value]
    for name in changed:
        setattr(channel, name, fields[name])
    if members is not None:
        before = set(channel.memberships.values_list("detainee_id", "role"))
        _replace_members(channel, members)
        if set(channel.memberships.values_list("detainee_id", "role")) != before:
            changed.append("members")
    if not changed:
        return channel
    channel.full_clean()
    channel.version += 1
    channel._history_user = actor
    channel.save()
    channel_record_edit(channel=channel, actor=actor, previous_status=previous_status, changed=changed)
    return channel


@transaction.atomic
def channel_event_record(
    *,
    channel_id: UUID,
    actor: User | None,
    kind: str,
    occurred_at: datetime,
    summary: str,
    source: str,
    source_url: str = "",
) -> ChannelEvent:
    """Add an entry to a channel's log (a meeting, a list handed over, a release, ...)."""
    channel = NegotiationChannel.objects.select_for_update().get(pk=channel_id)
    entry = ChannelEvent(
        channel=channel,
        kind=kind,
        occurred_at=occurred_at,
        summary=summary.strip(),
        source=source.strip(),
        source_url=source_url,
        recorded_by=actor,
    )
    entry.full_clean(exclude=["channel", "recorded_by"])
    entry._history_user = actor
    entry.save()
    channel_touch(channel=channel, actor=actor, what="log")
    return entry


@transaction.atomic
def channel_member_link(
    *, channel_id: UUID, detainee_id: UUID, role: str, actor: User | None, source: str = ""
) -> ChannelMembership:
    """Link a detainee to a channel in a role (requested, discussed, released_through)."""
    channel = NegotiationChannel.objects.select_for_update().get(pk=channel_id)
    membership = ChannelMembership(channel=channel, detainee_id=detainee_id, role=role, source=source.strip())
    membership.full_clean(exclude=["channel", "detainee"], validate_constraints=False)
    if ChannelMembership.objects.filter(channel=channel, detainee_id=detainee_id, role=role).exists():
        raise ValidationError({"role": "This detainee is already linked to the channel in this role."})
    membership._history_user = actor
    membership.save()
    channel_touch(channel=channel, actor=actor, what="members")
    return membership


@transaction.atomic
def channel_member_unlink(*, channel_id: UUID, membership_id: int, actor: User | None) -> bool:
    channel = NegotiationChannel.objects.select_for_update().get(pk=channel_id)
    deleted = ChannelMembership.objects.filter(channel=channel, pk=membership_id).delete()[0] > 0
    if deleted:
        channel_touch(channel=channel, actor=actor, what="members")
    return deleted


def channel_touch(*, channel: NegotiationChannel, actor: User | None, what: str) -> None:
    """Something of the channel changed (its members, its log): its version rises and it is announced."""
    channel.version += 1
    channel._history_user = actor
    channel.save(update_fields=["version", "updated_at"])
    channel_record_edit(channel=channel, actor=actor, previous_status=channel.status, changed=[what])
