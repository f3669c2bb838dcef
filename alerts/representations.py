"""The event object, as the change feed and webhook bodies carry it, rendered for one reader."""

import json
from typing import Any

from alerts.models import Event
from core.access import Viewer, event_render


def event_cursor(event: Event) -> str:
    """A position in the change feed: the writing transaction's feed position, then the event's sequence."""
    return f"{event.txid}.{event.seq}"


def event_object(event: Event, viewer: Viewer) -> dict[str, Any] | None:
    """The event as `viewer` may learn it (core.access), or None when it tells them nothing."""
    data = event_render(viewer, event.type, event.data, (event.scope, event.scope_before))
    if data is None:
        return None
    return {
        "cursor": event_cursor(event),
        "id": str(event.id),
        "type": event.type,
        "occurred_at": event.occurred_at.isoformat(),
        "object": {"type": event.object_type, "id": str(event.object_id)},
        "data": data,
    }


def event_body(event: Event, viewer: Viewer) -> str:
    """The webhook body: byte-for-byte the same on every retry, so signatures and dedup hold."""
    return json.dumps(event_object(event, viewer), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
