"""The change feed: every event a caller may see, exactly once, none skipped, under concurrent writers.

Events are ordered by (writing transaction id, sequence). A naive sequence cursor breaks: a row
with a lower sequence can commit after a reader has passed it. So a reader returns only events
whose transaction is below the snapshot's xmin (every transaction below it has finished; none can
still commit), and the cursor is the (txid, seq) of the last event returned, or the horizon itself
when the reader has seen everything below it. Later events always sort after the cursor.
"""

from dataclasses import dataclass

from cases.alerts.payloads import event_object
from cases.selectors import Viewer, events_visible, feed_horizon

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
_MAX_SEQ = 2**63 - 1


@dataclass
class FeedError(Exception):
    field: str
    message: str


def _parse_cursor(raw: str | None) -> tuple[int, int]:
    if raw is None or raw == "":
        return (-1, -1)
    txid, dot, seq = raw.partition(".")
    if not dot or not txid.lstrip("-").isdigit() or not seq.isdigit():
        raise FeedError("after", "Not a cursor from this feed: pass back `next_cursor` as it was given.")
    return int(txid), int(seq)


def _parse_limit(raw: str | None) -> int:
    if raw is None:
        return DEFAULT_LIMIT
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise FeedError("limit", f"limit must be a whole number from 1 to {MAX_LIMIT}.")
    return int(raw)


def feed_read(*, viewer: Viewer, after: str | None, limit: str | None) -> dict:
    position = _parse_cursor(after)
    size = _parse_limit(limit)
    horizon = feed_horizon()
    events = events_visible(viewer).filter(txid__gte=position[0]).exclude(txid=position[0], seq__lte=position[1])
    if horizon is not None:
        events = events.filter(txid__lt=horizon)
    rows = list(events.order_by("txid", "seq")[: size + 1])
    has_more = len(rows) > size
    rows = rows[:size]
    last = (rows[-1].txid, rows[-1].seq) if rows else position
    if not has_more and horizon is not None:
        # Every event below the horizon is final and has been returned (or is not the caller's to
        # see): move the cursor up to the horizon, so those rows are not scanned again.
        last = max(last, (horizon - 1, _MAX_SEQ))
    next_cursor = f"{max(last[0], 0)}.{max(last[1], 0)}"
    return {"results": [event_object(e) for e in rows], "next_cursor": next_cursor, "has_more": has_more}
