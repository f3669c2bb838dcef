"""Events for the cell only leave no scope mark: a partner's ETags must not move for what it may not
learn (a claim, a proposal, a death the family has not been told of)."""

from django.db import migrations

from core.db import RunSQLOnPostgres

FUNCTION = """
CREATE OR REPLACE FUNCTION alerts_scope_mark_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.audience = 'internal' THEN
        RETURN NULL;
    END IF;
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
"""
REVERSE = """
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
"""


class Migration(migrations.Migration):
    dependencies = [("alerts", "0005_uncertain_facts")]

    operations = [RunSQLOnPostgres(FUNCTION, REVERSE)]
