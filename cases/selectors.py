"""Reads of cases: the related rows a representation needs, the histories, and the aggregates.

What a reader may see at all is decided by core.access; these functions take its querysets.
"""

from datetime import datetime

from django.db.models import Count, Prefetch, QuerySet

from cases.models import ChannelEvent, ChannelMembership, Citizenship, Detainee, NegotiationChannel, StatusChange
from core.access import Viewer


def detainees_with_details(queryset: QuerySet[Detainee], viewer: Viewer) -> QuerySet[Detainee]:
    """The related rows a detainee representation shows, in a fixed number of queries."""
    return queryset.prefetch_related(
        Prefetch("citizenships", queryset=Citizenship.objects.only("detainee_id", "country").order_by("country")),
        "name_variants",
        Prefetch(
            "channel_memberships",
            queryset=ChannelMembership.objects.select_related("channel").only(
                "detainee_id", "role", "channel__id", "channel__name"
            ),
        ),
    )


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


def detainee_counts(queryset: QuerySet[Detainee], by: list[str]) -> list[dict]:
    """Counts of distinct detainees grouped by one or two dimensions; a dual citizen counts under each
    citizenship, a detainee in two channels under each channel."""
    columns = [STAT_DIMENSIONS[name] for name in by]
    rows = queryset.order_by().values(*columns).annotate(count=Count("pk", distinct=True)).order_by(*columns)
    out = []
    for row in rows:
        item = {}
        for name, column in zip(by, columns, strict=True):
            value = row[column]
            item[name] = str(value) if value is not None and name == "channel" else value
        item["count"] = row["count"]
        out.append(item)
    return out


def status_counts(queryset: QuerySet[Detainee]) -> dict[str, int]:
    return dict(queryset.order_by().values_list("status").annotate(n=Count("pk")))


def releases_by_day(queryset: QuerySet[Detainee], since: datetime | None = None) -> list[tuple]:
    from django.db.models.functions import TruncDate

    changes = StatusChange.objects.filter(to_status="released", detainee__in=queryset.values("pk"))
    if since:
        changes = changes.filter(occurred_at__gte=since)
    return list(
        changes.annotate(day=TruncDate("occurred_at")).values_list("day").annotate(n=Count("pk")).order_by("day")
    )


def dashboard_figures():
    """The dashboard's aggregates (see cases.dashboard)."""
    from cases.dashboard import dashboard_figures as figures

    return figures()
