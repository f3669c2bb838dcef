"""Reads: what a caller may see (partner scope applied in the queryset), and the aggregates.

Every list, detail, history, channel, stats and change-feed query starts from these functions, so a
partner's scope cannot be forgotten in one place.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from cases.models import (
    ChannelEvent,
    ChannelMembership,
    Citizenship,
    Detainee,
    Event,
    NegotiationChannel,
    Partner,
    StatusChange,
    User,
)


@dataclass(frozen=True)
class Viewer:
    """Who is reading: a user with a role, or a partner with a nationality scope."""

    user: User | None = None
    partner: Partner | None = None

    @property
    def scope(self) -> list[str] | None:
        return self.partner.nationality_codes if self.partner else None

    @property
    def sees_notes(self) -> bool:
        return self.user is not None and self.user.has_perm("cases.view_internal_notes")

    @property
    def cache_key(self) -> str:
        """What makes one viewer's representation differ from another's."""
        if self.partner:
            return f"partner:{self.partner.pk}:{','.join(self.scope)}"
        return f"role:{self.user.role}:{int(self.sees_notes)}"


def _in_scope(codes: list[str], detainee_ref="pk"):
    return Exists(Citizenship.objects.filter(detainee=OuterRef(detainee_ref), country__in=codes))


def detainees_visible(viewer: Viewer) -> QuerySet[Detainee]:
    queryset = Detainee.objects.all()
    if viewer.scope is not None:
        queryset = queryset.filter(_in_scope(viewer.scope))
    return queryset


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


def channels_visible(viewer: Viewer) -> QuerySet[NegotiationChannel]:
    """A partner sees a channel only if it lists a detainee in the partner's scope."""
    queryset = NegotiationChannel.objects.all()
    if viewer.scope is not None:
        members_in_scope = ChannelMembership.objects.filter(channel=OuterRef("pk")).filter(
            _in_scope(viewer.scope, "detainee_id")
        )
        queryset = queryset.filter(Exists(members_in_scope))
    return queryset


def channel_memberships_visible(viewer: Viewer) -> QuerySet[ChannelMembership]:
    """The memberships a viewer may see: a partner only those of detainees in its scope."""
    queryset = ChannelMembership.objects.select_related("detainee").order_by("detainee__case_ref", "role")
    if viewer.scope is not None:
        queryset = queryset.filter(_in_scope(viewer.scope, "detainee_id"))
    return queryset


def channel_events_of(channel: NegotiationChannel) -> QuerySet[ChannelEvent]:
    return channel.events.all()


def status_changes_of(detainee: Detainee) -> QuerySet[StatusChange]:
    return detainee.status_changes.select_related("recorded_by", "recorded_by_token")


def events_visible(viewer: Viewer) -> QuerySet[Event]:
    queryset = Event.objects.all()
    if viewer.scope is not None:
        visible_detainee = Q(detainee__isnull=False) & _in_scope(viewer.scope, "detainee_id")
        visible_channel = Q(detainee__isnull=True) & Q(channel__in=channels_visible(viewer).values("pk"))
        queryset = queryset.filter(visible_detainee | visible_channel)
    return queryset


# --- The change feed ------------------------------------------------------------------------------


# The oldest transaction of this database still running, else the snapshot's xmax.
_XID_HORIZON_SQL = """
SELECT COALESCE(
    (SELECT min(x::text::bigint) FROM pg_snapshot_xip(snap) AS x
      WHERE mod(x::text::bigint, 4294967296) IN (
            SELECT backend_xid::text::bigint FROM pg_stat_activity
             WHERE datname = current_database() AND backend_xid IS NOT NULL)),
    pg_snapshot_xmax(snap)::text::bigint)
FROM (SELECT pg_current_snapshot() AS snap) AS s
"""
_CLUSTER_XID_HORIZON_SQL = "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint"
# In feed positions: the transaction horizon plus this cluster's offset. A cluster that has written
# no event yet has no offset; then every event here was restored, and its first one will sort after
# them all.
_POSITION_HORIZON_SQL = (
    "SELECT COALESCE(({xid}) + cases_feed_offset(), (SELECT COALESCE(max(txid), -1) + 1 FROM cases_event))"
)
_HORIZON_SQL = _POSITION_HORIZON_SQL.format(xid=_XID_HORIZON_SQL)
_CLUSTER_HORIZON_SQL = _POSITION_HORIZON_SQL.format(xid=_CLUSTER_XID_HORIZON_SQL)
_sees_all_backends: dict[str, bool] = {}


def _can_see_all_backends() -> bool:
    """Whether this role sees other roles' transaction ids in pg_stat_activity (else they read NULL)."""
    alias = connection.alias
    if alias not in _sees_all_backends:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT rolsuper OR pg_has_role(current_user, 'pg_read_all_stats', 'MEMBER') "
                "FROM pg_roles WHERE rolname = current_user"
            )
            row = cursor.fetchone()
            _sees_all_backends[alias] = bool(row and row[0])
    return _sees_all_backends[alias]


def feed_horizon() -> int | None:
    """The feed position of the oldest transaction of this database still running (PostgreSQL): every
    event below it is final, committed or rolled back, and no transaction can still write one.

    Readers only return events below the horizon, so an event whose transaction commits late (with a
    lower id than one already committed) is never skipped: it is not returned until it is final, and
    it sorts after everything returned before. Transaction ids are cluster-wide; transactions of other
    databases are left out, so a long report elsewhere does not hold the feed back. If the role cannot
    see other roles' transactions, the cluster-wide horizon is used (later, never wrong).
    None on SQLite, whose writers commit one at a time, in order.
    """
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(_HORIZON_SQL if _can_see_all_backends() else _CLUSTER_HORIZON_SQL)
        return cursor.fetchone()[0]


def feed_settled_position(horizon: int) -> int:
    """The position of the newest event below the horizon (-1 if none): one index probe."""
    latest = Event.objects.filter(txid__lt=horizon).order_by("-txid").values_list("txid", flat=True).first()
    return -1 if latest is None else latest


def data_version() -> str:
    """Changes whenever anything an API reader can see may have changed (every write emits an event).

    The newest *final* event (below the feed horizon): one index probe, and never stale, since an
    event that commits late is below the horizon only after it commits, and then raises the maximum.
    Not the horizon itself: that moves with every write anywhere on the server.
    """
    if connection.vendor != "postgresql":
        return str(Event.objects.order_by("-seq").values_list("seq", flat=True).first())
    horizon = feed_horizon()
    # Committed events above the horizon are visible already; counting them means a write that
    # commits while an older transaction is still open changes the version at once. (Two queries:
    # with the horizon as a literal the planner bounds both index scans.)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT txid || '.' || seq FROM cases_event WHERE txid < %s ORDER BY txid DESC, seq DESC LIMIT 1),"
            " (SELECT count(*) FROM cases_event WHERE txid >= %s)",
            [horizon, horizon],
        )
        latest, above = cursor.fetchone()
    return f"{latest}+{above}"


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
