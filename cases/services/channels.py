"""Editing negotiation channels: a change of a channel's status is announced as an event."""

from django.db import transaction

from cases.choices import EventType
from cases.models import NegotiationChannel, User
from cases.services.events import channel_summary, event_emit


@transaction.atomic
def channel_record_edit(*, channel: NegotiationChannel, actor: User | None, previous_status: str | None) -> None:
    """After a channel was saved: announce a new channel or a change of its status."""
    if previous_status is None or previous_status != channel.status:
        event_emit(
            type=EventType.CHANNEL_UPDATED,
            channel=channel,
            data={"channel": channel_summary(channel), "previous_status": previous_status},
        )
