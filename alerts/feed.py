"""The change feed: every event a caller may see, exactly once, none skipped, under concurrent writers.

Events are ordered by (feed position, sequence); a position is the writing transaction's id plus
an offset for the PostgreSQL cluster it was written on (alerts.models.FeedEpoch). A naive sequence
cursor breaks: a row with a lower sequence can commit after a reader has passed it. So a reader
returns only events whose transaction is below the horizon (every transaction of this database below
it has finished; none can still commit), and the cursor is the position of the last event returned,
or of the newest event below the horizon when the reader has seen everything there. Later events
always sort after the cursor.
"""

import json
import re
from dataclasses import dataclass

from django.db.models import TextField
from django.db.models.functions import Cast, Concat

from alerts.models import Event
from alerts.selectors import data_version, feed_horizon, feed_settled_position
from core.access import Viewer, event_hides_from, event_render, event_types_to_render, events_visible
from partners.disclosures import disclosed

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
_MAX_SEQ = 2**63 - 1
_CURSOR = re.compile(r"([0-9]{1,20})\.([0-9]{1,20})")


@dataclass
class FeedError(Exception):
    field: str
    message: str


NOW = "now"


def _head(horizon: int | None) -> tuple[int, int]:
    """The position after every event there is now (`after=now`): a client lists what it needs, then
    tails the feed from here without replaying history. Every event still to come sorts after it."""
    if horizon is None:
        latest = Event.objects.order_by("-txid", "-seq").values_list("txid", "seq").first()
        return latest or (-1, -1)
    return (feed_settled_position(horizon), _MAX_SEQ)


def _parse_cursor(raw: str | None) -> tuple[int, int]:
    if raw is None or raw == "":
        return (-1, -1)
    match = _CURSOR.fullmatch(raw)
    if match is None:
        raise FeedError(
            "after", "Not a cursor from this feed: pass back `next_cursor` as it was given (or `now`, to start now)."
        )
    return int(match[1]), int(match[2])


def _parse_limit(raw: str | None) -> int:
    if raw is None:
        return DEFAULT_LIMIT
    if not re.fullmatch(r"[0-9]{1,4}", raw) or not 1 <= int(raw) <= MAX_LIMIT:
        raise FeedError("limit", f"limit must be a whole number from 1 to {MAX_LIMIT}.")
    return int(raw)


_UNREAD = object()


def feed_state(horizon: int | None) -> str:
    """What, beside the query and the reader, decides a page of the feed read at this horizon: the
    newest event below it. Events below the horizon are final, and one that becomes final later
    lies above every one before it, so the same state always gives the same page. The feed's ETag
    is made of it (the data version follows the cluster's horizon, which another database's
    transaction holds back: the feed's page moved on under one ETag)."""
    if horizon is None:  # SQLite: every committed event is final
        return data_version()
    return str(feed_settled_position(horizon))


def feed_read(*, viewer: Viewer, after: str | None, limit: str | None, horizon=_UNREAD) -> str:
    """One page of the feed, as the JSON text of {"results", "next_cursor", "has_more"}, read at
    `horizon` (alerts.selectors.feed_horizon; read now unless given: the ETag's, for the same page).

    Rendered here rather than by a serializer: each event's `data` is spliced in as PostgreSQL
    stored it, without being parsed and encoded again (a catch-up reads a million events).
    """
    size = _parse_limit(limit)
    if horizon is _UNREAD:
        horizon = feed_horizon()
    position = _head(horizon) if after == NOW else _parse_cursor(after)
    events = events_visible(viewer).filter(txid__gte=position[0]).exclude(txid=position[0], seq__lte=position[1])
    if horizon is not None:
        events = events.filter(txid__lt=horizon)
    columns = ["txid", "seq", "id", "type", "occurred_at", "object_type", "object_id", "data_text"]
    events = events.order_by("txid", "seq").annotate(data_text=Cast("data", TextField()))
    if viewer.state:  # a partner of a state: which rows name a citizenship withheld from it
        events = events.annotate(scopes_text=Concat(Cast("scope", TextField()), Cast("scope_before", TextField())))
        columns.append("scopes_text")
    rows = list(events.values_list(*columns)[: size + 1])
    has_more = len(rows) > size
    rows = rows[:size]
    last = (rows[-1][0], rows[-1][1]) if rows else position
    if not has_more and horizon is not None:
        # Every event below the horizon is final and has been returned (or is not the caller's to
        # see): move the cursor up to the newest of them, so those rows are not scanned again. Not
        # to the horizon itself: a cursor never names a position beyond the events that exist, so a
        # server restored from a backup can place its new events after every cursor it handed out.
        last = max(last, (feed_settled_position(horizon), _MAX_SEQ))
    next_cursor = f"{max(last[0], 0)}.{max(last[1], 0)}"
    results = ",".join(
        f'{{"cursor":"{txid}.{seq}","id":"{event_id}","type":{json.dumps(kind)},'
        f'"occurred_at":"{occurred_at.isoformat()}",'
        f'"object":{{"type":{json.dumps(object_type)},"id":"{object_id}"}},"data":{data}}}'
        for txid, seq, event_id, kind, occurred_at, object_type, object_id, data in _rendered(rows, viewer)
    )
    return f'{{"results":[{results}],"next_cursor":"{next_cursor}","has_more":{"true" if has_more else "false"}}}'


def _scopes(event_id) -> tuple[dict, dict]:
    """An event's scopes, read again for the rare row that names a withheld citizenship."""
    return Event.objects.values_list("scope", "scope_before").get(id=event_id)


def _rendered(rows: list[tuple], viewer: Viewer):
    """The rows as this reader may learn them (core.access): most are spliced as stored; the few that
    read differently are rendered, and those that tell the reader nothing are left out (the cursor
    still moves past them)."""
    to_render = event_types_to_render(viewer)
    for txid, seq, event_id, kind, occurred_at, object_type, object_id, data, *scopes_text in rows:
        hides = bool(scopes_text) and event_hides_from(viewer, scopes_text[0])
        if kind in to_render or hides:
            scopes = _scopes(event_id) if hides else None
            rendered = event_render(viewer, kind, json.loads(data), scopes)
            if rendered is None:
                continue
            data = json.dumps(rendered, ensure_ascii=False)
        disclosed(events=[event_id], detainees=[object_id] if object_type == "detainee" else [])
        yield (txid, seq, event_id, kind, occurred_at, object_type, object_id, data)
