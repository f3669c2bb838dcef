"""Preparing the benchmark database: 100,000 detainees, 1,000,000 status changes, 1,000,000 events.

1. The demo scenario for `detainees` people (`cases.demo.seed.demo_seed`, idempotent).
2. Status history topped up to `status_changes` rows: detainees who are `held` go through cycles of
   held → release_pending → held (a deal that collapsed) during 2024, ending held again; their
   `status_since` and `version` follow. Written with COPY, in one transaction.
3. The event outbox topped up to `events` rows: a `detainee.created` event for every detainee and a
   `detainee.status_changed` event for every status change that has none, in time order, already
   dispatched (so no alert goes out for them), in transactions of `EVENT_BATCH` rows so that their
   transaction ids differ as in real life.

Idempotent: a step whose count is already reached adds nothing. `python -m bench.load` runs it.
"""

import math
import random
import time
import uuid
from datetime import UTC, datetime, timedelta

from bench.common import ensure_database, setup_django

CYCLE_WINDOW_START = datetime(2024, 1, 1, tzinfo=UTC)
CYCLE_WINDOW_END = datetime(2024, 12, 31, tzinfo=UTC)
# Only detainees held since before this get new cycles, so every cycle fits in 2024 after their status_since.
CYCLE_ELIGIBLE_BEFORE = CYCLE_WINDOW_END - timedelta(days=60)
EVENT_BATCH = 100_000
PENDING_SOURCES = ("Qatari MFA statement", "Egyptian officials (unnamed)", "Press report", "Mediator briefing")
COLLAPSE_SOURCES = ("Press report", "Qatari MFA statement", "Counterpart statement")

STATUS_CHANGE_COLUMNS = (
    "id",
    "detainee_id",
    "sequence",
    "from_status",
    "to_status",
    "occurred_at",
    "recorded_at",
    "source",
    "source_url",
    "confidence",
    "channel_id",
    "note",
    "is_correction",
    "correction_reason",
    "recorded_by_id",
    "withheld",
)


def _say(message: str) -> None:
    print(message, flush=True)


def _scalar(sql: str, params=None):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def _seed(detainees: int) -> int:
    from cases.demo.seed import demo_seed

    started = time.monotonic()
    last = [started]

    def progress(done: int) -> None:
        if time.monotonic() - last[0] >= 10 or done == detainees:
            last[0] = time.monotonic()
            _say(f"  seed: {done:,} / {detainees:,} people ({time.monotonic() - started:.0f} s)")

    report = demo_seed(detainees=detainees, seed=1, progress=progress)
    _say(
        f"demo seed: {report.detainees_created:,} detainees created, {report.detainees_existing:,} already there, "
        f"{report.status_changes_created:,} status changes, in {time.monotonic() - started:.1f} s"
    )
    return report.detainees_created


def _cycle_rows(rng: random.Random, detainee_id, start_sequence: int, since: datetime, cycles: int, now: datetime):
    """The 2 * cycles status-change rows of one detainee, and its new status_since."""
    start = max(since, CYCLE_WINDOW_START) + timedelta(minutes=1)
    steps = 2 * cycles
    slot = (CYCLE_WINDOW_END - start) / steps
    rows = []
    occurred_at = start
    for j in range(steps):
        occurred_at = (start + slot * (j + rng.uniform(0.05, 0.95))).replace(microsecond=0)
        recorded_at = min(occurred_at + timedelta(hours=rng.uniform(0.2, 30)), now)
        if j % 2 == 0:
            from_status, to_status, source = "held", "release_pending", rng.choice(PENDING_SOURCES)
        else:
            from_status, to_status, source = "release_pending", "held", rng.choice(COLLAPSE_SOURCES)
        rows.append(
            (
                uuid.uuid4(),
                detainee_id,
                start_sequence + j,
                from_status,
                to_status,
                occurred_at,
                recorded_at,
                source,
                "",
                "reported",
                None,
                "",
                False,
                "",
                None,
                False,
            )
        )
    return rows, occurred_at


def _top_up_status_changes(target: int) -> int:
    from django.db import connection, transaction
    from django.utils import timezone

    started = time.monotonic()
    count = _scalar("SELECT count(*) FROM cases_statuschange")
    need = target - count
    if need <= 0:
        _say(f"status changes: {count:,} already (≥ {target:,}), nothing to add")
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT d.id, d.status_since, d.version, coalesce(max(sc.sequence), 0)
            FROM cases_detainee d LEFT JOIN cases_statuschange sc ON sc.detainee_id = d.id
            WHERE d.status = 'held' AND d.status_since < %s
            GROUP BY d.id ORDER BY d.case_ref
            """,
            [CYCLE_ELIGIBLE_BEFORE],
        )
        held = cursor.fetchall()
    if not held:
        raise RuntimeError("no held detainee to give more status changes to; load the demo seed first")
    cycles_total = math.ceil(need / 2)
    base, extra = divmod(cycles_total, len(held))
    _say(
        f"status changes: {count:,} → adding {2 * cycles_total:,} "
        f"({base}-{base + (1 if extra else 0)} held → release_pending → held cycles for each of {len(held):,} held)"
    )
    rng = random.Random(20240101)
    now = timezone.now()
    added = 0
    updates = []
    with transaction.atomic(), connection.cursor() as cursor:
        with cursor.copy(f"COPY cases_statuschange ({', '.join(STATUS_CHANGE_COLUMNS)}) FROM STDIN") as copy:
            for index, (detainee_id, since, version, last_sequence) in enumerate(held):
                cycles = base + (1 if index < extra else 0)
                if cycles == 0:
                    continue
                rows, new_since = _cycle_rows(rng, detainee_id, last_sequence + 1, since, cycles, now)
                for row in rows:
                    copy.write_row(row)
                added += len(rows)
                updates.append((detainee_id, new_since, version + len(rows)))
        copied = time.monotonic()
        _say(f"  copied {added:,} status changes in {copied - started:.1f} s")
        cursor.execute(
            "CREATE TEMP TABLE bench_detainee_update (id uuid PRIMARY KEY, status_since timestamptz, version int) "
            "ON COMMIT DROP"
        )
        with cursor.copy("COPY bench_detainee_update (id, status_since, version) FROM STDIN") as copy:
            for row in updates:
                copy.write_row(row)
        cursor.execute(
            """
            UPDATE cases_detainee d SET status_since = u.status_since, version = u.version, updated_at = now()
            FROM bench_detainee_update u WHERE d.id = u.id AND d.status = 'held'
            """
        )
        if cursor.rowcount != len(updates):
            raise RuntimeError(f"updated {cursor.rowcount} detainees, expected {len(updates)}; rolled back")
    _say(
        f"  moved status_since/version of {len(updates):,} detainees; status changes done in "
        f"{time.monotonic() - started:.1f} s (commit included)"
    )
    return added


_PENDING_EVENTS_SQL = """
CREATE TEMP TABLE bench_pending_event AS
SELECT row_number() OVER (ORDER BY at, detainee_id, sequence) AS n, type, at, detainee_id, change_id
FROM (
    SELECT 'detainee.created' AS type, coalesce(d.abducted_at, d.created_at) AS at, d.id AS detainee_id,
           0 AS sequence, NULL::uuid AS change_id
    FROM cases_detainee d
    WHERE NOT EXISTS (
        SELECT 1 FROM alerts_event e WHERE e.detainee_id = d.id AND e.type = 'detainee.created'
    )
    UNION ALL
    SELECT 'detainee.status_changed', sc.recorded_at, sc.detainee_id, sc.sequence, sc.id
    FROM cases_statuschange sc
    WHERE NOT EXISTS (
        SELECT 1 FROM alerts_event e
        WHERE e.type = 'detainee.status_changed' AND e.data -> 'status_change' ->> 'id' = sc.id::text
    )
) pending
"""

_INSERT_EVENTS_SQL = """
INSERT INTO alerts_event
    (id, type, occurred_at, object_type, object_id, detainee_id, channel_id, data, dispatched_at, audience,
     scope, scope_before)
SELECT
    gen_random_uuid(), p.type, p.at, 'detainee', p.detainee_id, p.detainee_id, sc.channel_id,
    CASE WHEN sc.id IS NULL THEN
        jsonb_build_object('detainee', jsonb_build_object(
            'case_ref', d.case_ref, 'full_name', d.full_name, 'status', 'missing',
            'status_since', coalesce(d.abducted_at, d.created_at),
            'citizenships', coalesce(c.codes, '[]'::jsonb), 'version', 1))
    ELSE
        jsonb_build_object(
            'detainee', jsonb_build_object(
                'case_ref', d.case_ref, 'full_name', d.full_name, 'status', sc.to_status,
                'status_since', sc.occurred_at, 'citizenships', coalesce(c.codes, '[]'::jsonb),
                'version', sc.sequence + 1),
            'status_change', jsonb_build_object(
                'id', sc.id, 'from_status', sc.from_status, 'to_status', sc.to_status,
                'occurred_at', sc.occurred_at, 'recorded_at', sc.recorded_at, 'confidence', sc.confidence,
                'source', sc.source, 'source_url', sc.source_url, 'channel', sc.channel_id,
                'is_correction', sc.is_correction, 'correction_reason', sc.correction_reason))
    END,
    now(),
    'everyone',
    coalesce(c.scope, '{}'::jsonb),
    coalesce(c.scope, '{}'::jsonb)
FROM bench_pending_event p
JOIN cases_detainee d ON d.id = p.detainee_id
LEFT JOIN cases_statuschange sc ON sc.id = p.change_id
LEFT JOIN bench_citizenships c ON c.detainee_id = p.detainee_id
WHERE p.n > %s AND p.n <= %s
ORDER BY p.n
"""


def _top_up_events(target: int) -> int:
    """Events derived from the rows already there, built in the database, one transaction per batch."""
    from django.db import connection, transaction

    started = time.monotonic()
    count = _scalar("SELECT count(*) FROM alerts_event")
    if count >= target:
        _say(f"events: {count:,} already (≥ {target:,}), nothing to add")
        return 0
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_pending_event, bench_citizenships")
        cursor.execute(_PENDING_EVENTS_SQL)
        cursor.execute("CREATE UNIQUE INDEX ON bench_pending_event (n)")
        cursor.execute(
            "CREATE TEMP TABLE bench_citizenships AS SELECT detainee_id, jsonb_agg(country ORDER BY country) AS codes, "
            "jsonb_object_agg(country, '[]'::jsonb) AS scope FROM cases_citizenship GROUP BY detainee_id"
        )
        cursor.execute("CREATE UNIQUE INDEX ON bench_citizenships (detainee_id)")
        cursor.execute("ANALYZE bench_pending_event")
        cursor.execute("ANALYZE bench_citizenships")
        cursor.execute("SELECT count(*) FROM bench_pending_event")
        pending = cursor.fetchone()[0]
        _say(
            f"events: {count:,} → adding {pending:,} (an event for every detainee and status change without one; "
            f"found in {time.monotonic() - started:.1f} s)"
        )
        if count + pending < target:
            _say(f"  warning: only {count + pending:,} events can be derived from the data, short of {target:,}")
        added = 0
        # The scope-mark trigger looks up every member of a channel for each channel event: row by
        # row over a million events that is most of the load. Off for the load, then one mark for
        # every nationality, which is what the trigger would have left behind.
        cursor.execute("ALTER TABLE alerts_event DISABLE TRIGGER alerts_scope_mark_event")
        try:
            for low in range(0, pending, EVENT_BATCH):
                with transaction.atomic():
                    cursor.execute(_INSERT_EVENTS_SQL, [low, low + EVENT_BATCH])
                    added += cursor.rowcount
                _say(f"  events: {added:,} / {pending:,} ({time.monotonic() - started:.0f} s)")
        finally:
            cursor.execute("ALTER TABLE alerts_event ENABLE TRIGGER alerts_scope_mark_event")
        cursor.execute("SELECT alerts_scope_mark(ARRAY(SELECT DISTINCT country::text FROM cases_citizenship))")
        cursor.execute("DROP TABLE bench_pending_event, bench_citizenships")
    _say(f"  events done in {time.monotonic() - started:.1f} s")
    return added


def load(detainees: int = 100_000, status_changes: int = 1_000_000, events: int = 1_000_000) -> dict:
    """Bring the benchmark database to (at least) the given sizes; returns the counts and timings."""
    setup_django()
    ensure_database()
    from django.db import connection

    started = time.monotonic()
    timings = {}
    seeded = _seed(detainees)
    timings["seed_s"] = time.monotonic() - started
    mark = time.monotonic()
    added_changes = _top_up_status_changes(status_changes)
    timings["status_changes_s"] = time.monotonic() - mark
    mark = time.monotonic()
    added_events = _top_up_events(events)
    timings["events_s"] = time.monotonic() - mark
    if seeded or added_changes or added_events:
        # Fresh statistics for the planner and a set visibility map (index-only scans), whatever
        # autovacuum has got round to: the figures must not depend on it.
        mark = time.monotonic()
        with connection.cursor() as cursor:  # autocommit: VACUUM may not run in a transaction
            cursor.execute("VACUUM (ANALYZE)")
        timings["vacuum_s"] = time.monotonic() - mark
        _say(f"vacuum analyze in {timings['vacuum_s']:.1f} s")
    timings["total_s"] = time.monotonic() - started
    counts = {
        "detainees": _scalar("SELECT count(*) FROM cases_detainee"),
        "status_changes": _scalar("SELECT count(*) FROM cases_statuschange"),
        "events": _scalar("SELECT count(*) FROM alerts_event"),
    }
    _say(
        f"benchmark database: {counts['detainees']:,} detainees, {counts['status_changes']:,} status changes, "
        f"{counts['events']:,} events; load took {timings['total_s']:.1f} s"
    )
    return {"counts": counts, "added": {"status_changes": added_changes, "events": added_events}, **timings}


_CHAIN_CHECK_SQL = """
WITH c AS (
    SELECT sc.*, lag(to_status) OVER w AS prev_to, lag(occurred_at) OVER w AS prev_at, row_number() OVER w AS rn
    FROM cases_statuschange sc WINDOW w AS (PARTITION BY detainee_id ORDER BY sequence)
), allowed(from_status, to_status) AS (SELECT * FROM unnest(%s::text[], %s::text[]))
SELECT
    count(*) FILTER (WHERE c.sequence <> c.rn),
    count(*) FILTER (WHERE c.from_status <> coalesce(c.prev_to, 'missing')),
    count(*) FILTER (
        WHERE NOT c.is_correction
        AND NOT EXISTS (SELECT 1 FROM allowed a WHERE a.from_status = c.from_status AND a.to_status = c.to_status)
    ),
    count(*) FILTER (WHERE c.occurred_at < c.prev_at),
    count(*) FILTER (WHERE c.occurred_at > now() OR c.recorded_at < c.occurred_at)
FROM c
"""

_DETAINEE_CHECK_SQL = """
WITH last AS (
    SELECT DISTINCT ON (detainee_id) detainee_id, to_status, occurred_at, sequence
    FROM cases_statuschange ORDER BY detainee_id, sequence DESC
)
SELECT
    count(*) FILTER (WHERE d.status <> coalesce(l.to_status, 'missing')),
    count(*) FILTER (WHERE l.detainee_id IS NOT NULL AND d.status_since <> l.occurred_at),
    count(*) FILTER (WHERE d.version <> 1 + coalesce(l.sequence, 0))
FROM cases_detainee d LEFT JOIN last l ON l.detainee_id = d.id
"""


def verify() -> dict[str, int]:
    """Count what would break a history: every figure must be 0.

    Sequences 1..n without gaps, each change from the previous one's to-status (the first from
    'missing'), allowed transitions (unless a correction), time never going back nor into the future,
    recorded after it occurred, and each detainee's status, status_since and version in step.
    (A detainee edited after creation has a higher version than 1 + its changes; the demo has none.)
    """
    from django.db import connection

    from cases.choices import TRANSITIONS

    pairs = [(str(a), str(b)) for a, targets in TRANSITIONS.items() for b in targets]
    with connection.cursor() as cursor:
        cursor.execute(_CHAIN_CHECK_SQL, [[a for a, _ in pairs], [b for _, b in pairs]])
        chain = cursor.fetchone()
        cursor.execute(_DETAINEE_CHECK_SQL)
        detainee = cursor.fetchone()
    names = (
        "sequence_gaps",
        "broken_links",
        "disallowed_transitions",
        "time_going_back",
        "bad_times",
        "status_mismatch",
        "status_since_mismatch",
        "version_mismatch",
    )
    return dict(zip(names, (*chain, *detainee), strict=True))


if __name__ == "__main__":
    load()
    started = time.monotonic()
    problems = verify()
    verdict = "OK" if not any(problems.values()) else "BROKEN"
    _say(f"history integrity {verdict} in {time.monotonic() - started:.1f} s: {problems}")
