"""The triggers that write alerts_scopemark (see alerts.models.ScopeMark), used by a migration.

Triggers rather than the services: every change a partner may see emits an event, or adds or
removes a citizenship or a channel link, whichever code path makes it, bulk and admin ones included.
Rows are only ever appended (no counter row that concurrent writers would queue on).
"""

from core.db import RunSQLOnPostgres

FUNCTIONS = """
CREATE OR REPLACE FUNCTION alerts_scope_mark(countries text[]) RETURNS void LANGUAGE sql VOLATILE AS $$
    INSERT INTO alerts_scopemark (txid, country)
    SELECT alerts_feed_position(), country FROM unnest(countries) AS country GROUP BY country
$$;

CREATE OR REPLACE FUNCTION alerts_scope_mark_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.detainee_id IS NOT NULL THEN
        PERFORM alerts_scope_mark(ARRAY(
            SELECT country FROM cases_citizenship WHERE detainee_id = NEW.detainee_id));
    END IF;
    IF NEW.channel_id IS NOT NULL THEN
        PERFORM alerts_scope_mark(ARRAY(
            SELECT c.country FROM cases_citizenship c
              JOIN cases_channelmembership m ON m.detainee_id = c.detainee_id
             WHERE m.channel_id = NEW.channel_id));
    END IF;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION alerts_scope_mark_citizenship() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM alerts_scope_mark(ARRAY[OLD.country::text]);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM alerts_scope_mark(ARRAY[NEW.country::text]);
    END IF;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION alerts_scope_mark_membership() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM alerts_scope_mark(ARRAY(
            SELECT country FROM cases_citizenship WHERE detainee_id = OLD.detainee_id));
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM alerts_scope_mark(ARRAY(
            SELECT country FROM cases_citizenship WHERE detainee_id = NEW.detainee_id));
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER alerts_scope_mark_event AFTER INSERT ON alerts_event
    FOR EACH ROW EXECUTE FUNCTION alerts_scope_mark_event();
CREATE TRIGGER alerts_scope_mark_citizenship AFTER INSERT OR UPDATE OR DELETE ON cases_citizenship
    FOR EACH ROW EXECUTE FUNCTION alerts_scope_mark_citizenship();
CREATE TRIGGER alerts_scope_mark_membership AFTER INSERT OR UPDATE OR DELETE ON cases_channelmembership
    FOR EACH ROW EXECUTE FUNCTION alerts_scope_mark_membership();
"""
REVERSE = """
DROP TRIGGER IF EXISTS alerts_scope_mark_membership ON cases_channelmembership;
DROP TRIGGER IF EXISTS alerts_scope_mark_citizenship ON cases_citizenship;
DROP TRIGGER IF EXISTS alerts_scope_mark_event ON alerts_event;
DROP FUNCTION IF EXISTS alerts_scope_mark_membership();
DROP FUNCTION IF EXISTS alerts_scope_mark_citizenship();
DROP FUNCTION IF EXISTS alerts_scope_mark_event();
DROP FUNCTION IF EXISTS alerts_scope_mark(text[]);
"""

SCOPE_MARK_TRIGGERS = RunSQLOnPostgres(FUNCTIONS, REVERSE)
