"""The event object, as the change feed and webhook bodies carry it."""

import json
from typing import Any

from cases.models import Event


def event_cursor(event: Event) -> str:
    """A position in the change feed: the writing transaction's id, then the event's sequence."""
    return f"{event.txid}.{event.seq}"


def event_object(event: Event) -> dict[str, Any]:
    return {
        "cursor": event_cursor(event),
        "id": str(event.id),
        "type": event.type,
        "occurred_at": event.occurred_at.isoformat(),
        "object": {"type": event.object_type, "id": str(event.object_id)},
        "data": event.data,
    }


def event_body(event: Event) -> str:
    """The webhook body: byte-for-byte the same on every retry, so signatures and dedup hold."""
    return json.dumps(event_object(event), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
