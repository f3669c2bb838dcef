"""One line that says what an event means, for notifications and email subjects."""

from alerts.choices import EventType
from alerts.models import Event
from cases.choices import Status


def _label(status: str) -> str:
    return Status(status).label if status in Status.values else status


def event_summary(event: Event) -> str:
    data = event.data
    if event.type == EventType.CHANNEL_UPDATED:
        channel = data.get("channel", {})
        return f"Channel {channel.get('name', '')} is now {channel.get('status', '')}"
    person = data.get("detainee", {})
    who = f"{person.get('case_ref', '')} {person.get('full_name', '')}".strip()
    if event.type == EventType.DETAINEE_STATUS_CHANGED:
        change = data.get("status_change", {})
        correction = " (correction)" if change.get("is_correction") else ""
        return f"{who}: {_label(change.get('from_status', ''))} → {_label(change.get('to_status', ''))}{correction}"
    if event.type == EventType.DETAINEE_CREATED:
        return f"New case {who}"
    return f"{who} updated: {', '.join(data.get('changed', [])) or 'details'}"
