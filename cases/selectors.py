"""Reads of cases: the related rows a representation needs, the histories, and the aggregates.

What a reader may see at all is decided by core.access; these functions take its querysets.
"""

from django.db.models import Count, QuerySet

from cases.models import ChannelEvent, Detainee, NegotiationChannel, StatusChange
from core.access import Viewer, column


def channel_events_of(channel: NegotiationChannel) -> QuerySet[ChannelEvent]:
    return channel.events.all()


def status_changes_of(detainee: Detainee) -> QuerySet[StatusChange]:
    return detainee.status_changes.select_related("recorded_by", "recorded_by_token")


# --- Aggregates -----------------------------------------------------------------------------------

STAT_DIMENSIONS = {
    "citizenship": "citizenships__country",
    "status": "status",
    "channel": "channel_memberships__channel",
}


def detainee_counts(queryset: QuerySet[Detainee], by: list[str], viewer: Viewer) -> list[dict]:
    """Counts of distinct detainees grouped by one or two dimensions; a dual citizen counts under each
    citizenship, a detainee in two channels under each channel; the status as the reader may know it."""
    columns = [column(viewer, STAT_DIMENSIONS[name]) for name in by]
    rows = queryset.order_by().values(*columns).annotate(count=Count("pk", distinct=True)).order_by(*columns)
    out = []
    for row in rows:
        item = {}
        for name, key in zip(by, columns, strict=True):
            value = row[key]
            item[name] = str(value) if value is not None and name == "channel" else value
        item["count"] = row["count"]
        out.append(item)
    return out
