"""Reads of the outbox: the change feed's horizon, and the version ETags are made from."""

from django.db import connection

from alerts.models import Event

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
    "SELECT COALESCE(({xid}) + alerts_feed_offset(), (SELECT COALESCE(max(txid), -1) + 1 FROM alerts_event))"
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


def data_version(countries: list[str] | None = None) -> str:
    """Changes whenever anything an API reader can see may have changed (every write emits an event).

    With `countries` (a partner's scope, from core.access): whenever anything about a detainee of
    those nationalities may have changed, read from their scope marks (alerts.models.ScopeMark).

    The newest *final* event (below the feed horizon): one index probe, and never stale, since an
    event that commits late is below the horizon only after it commits, and then raises the maximum.
    Not the horizon itself: that moves with every write anywhere on the server.
    """
    if connection.vendor != "postgresql":
        return str(Event.objects.order_by("-seq").values_list("seq", flat=True).first())
    # Committed events (or marks) above the horizon are visible already; counting them means a
    # write that commits while an older transaction is still open changes the version at once.
    # One round trip: the SQL function alerts_data_version (alerts.data_versions).
    with connection.cursor() as cursor:
        cursor.execute("SELECT alerts_data_version(%s::text[])", [None if countries is None else sorted(countries)])
        return cursor.fetchone()[0]
