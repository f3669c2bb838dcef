"""The SQL function behind alerts.selectors.data_version (used by a migration).

One round trip, and the horizon a literal when the version's two index probes are planned (EXECUTE
plans each time with the value): with an unknown value the planner guesses a third of the table
lies above it, and could pick a scan of every event for a count that touches a handful.

The horizon is the cluster's oldest transaction: as correct as this database's (a lower horizon
only counts more events above it), and it needs no read of pg_stat_activity.
"""

from core.db import RunSQLOnPostgres

FUNCTIONS = """
CREATE OR REPLACE FUNCTION alerts_data_version(countries text[]) RETURNS text LANGUAGE plpgsql STABLE AS $$
DECLARE
    horizon bigint := COALESCE(
        pg_snapshot_xmin(pg_current_snapshot())::text::bigint + alerts_feed_offset(),
        (SELECT COALESCE(max(txid), -1) + 1 FROM alerts_event));
    latest text;
    above bigint;
BEGIN
    IF countries IS NULL THEN
        EXECUTE format(
            'SELECT (SELECT txid || ''.'' || seq FROM alerts_event WHERE txid < %1$s'
            '        ORDER BY txid DESC, seq DESC LIMIT 1),'
            '       (SELECT count(*) FROM alerts_event WHERE txid >= %1$s)', horizon)
        INTO latest, above;
        RETURN COALESCE(latest, '-') || '+' || above;
    END IF;
    EXECUTE format(
        'SELECT string_agg(s.country || '':'' || COALESCE((SELECT max(m.txid) FROM alerts_scopemark m'
        '           WHERE m.country = s.country AND m.txid < %1$s)::text, ''-'')'
        '       || ''+'' || (SELECT count(*) FROM alerts_scopemark m'
        '           WHERE m.country = s.country AND m.txid >= %1$s), '','' ORDER BY s.country)'
        '  FROM unnest($1) AS s(country)', horizon)
    INTO latest USING countries;
    RETURN 'scope ' || COALESCE(latest, '');
END
$$;
"""
REVERSE = "DROP FUNCTION IF EXISTS alerts_data_version(text[]);"

DATA_VERSION_FUNCTION = RunSQLOnPostgres(FUNCTIONS, REVERSE)
