"""The SQL functions behind an event's feed position (used by the first migration).

A position is the writing transaction's id plus an offset per PostgreSQL cluster (alerts_feedepoch,
keyed by the cluster's system identifier, which initdb draws at random). Transaction ids belong to
one cluster: a restore or a failover onto another one counts from ~700 again. The first event a new
cluster writes (or `migrate`, through the post_migrate hook) gives it an offset that places its
events 2^40 after every event restored there, past any cursor the old server handed out.
"""

from core.db import RunSQLOnPostgres

FUNCTIONS = """
SET LOCAL check_function_bodies = off;  -- the tables they read are created after them

CREATE OR REPLACE FUNCTION alerts_feed_offset() RETURNS bigint LANGUAGE sql STABLE AS $$
    SELECT "offset" FROM alerts_feedepoch
     WHERE system_identifier = (SELECT system_identifier FROM pg_control_system())
$$;

CREATE OR REPLACE FUNCTION alerts_feed_epoch_ensure() RETURNS bigint LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    off bigint := alerts_feed_offset();
BEGIN
    IF off IS NULL THEN
        -- A concurrent first writer waits on the key, and both use the one offset stored.
        INSERT INTO alerts_feedepoch (system_identifier, "offset", started_at)
        SELECT (SELECT system_identifier FROM pg_control_system()),
               GREATEST(COALESCE(max(txid) + 1099511627776 - pg_current_xact_id()::text::bigint, 0), 0), now()
          FROM alerts_event
        ON CONFLICT (system_identifier) DO NOTHING;
        off := alerts_feed_offset();
    END IF;
    RETURN off;
END
$$;

CREATE OR REPLACE FUNCTION alerts_feed_position() RETURNS bigint LANGUAGE sql VOLATILE AS $$
    SELECT pg_current_xact_id()::text::bigint + COALESCE(alerts_feed_offset(), alerts_feed_epoch_ensure())
$$;
"""
REVERSE = """
DROP FUNCTION IF EXISTS alerts_feed_position();
DROP FUNCTION IF EXISTS alerts_feed_epoch_ensure();
DROP FUNCTION IF EXISTS alerts_feed_offset();
"""

FEED_POSITION_FUNCTIONS = RunSQLOnPostgres(FUNCTIONS, REVERSE)
