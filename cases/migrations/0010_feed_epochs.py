"""Feed positions that survive a restore or failover onto another PostgreSQL cluster.

An event's position was its transaction id, which a new cluster counts from ~700 again: restored
events sat above the new server's horizon, invisible, and new events sorted before the cursors
partners held. Now a position is the transaction id plus an offset per cluster (`cases_feedepoch`),
chosen at a cluster's first event so that its positions continue after every restored one.
"""

from django.db import migrations, models

import cases.models.alerts
from cases.db import RunSQLOnPostgres

FUNCTIONS = """
CREATE OR REPLACE FUNCTION cases_feed_offset() RETURNS bigint LANGUAGE sql STABLE AS $$
    SELECT "offset" FROM cases_feedepoch
     WHERE system_identifier = (SELECT system_identifier FROM pg_control_system())
$$;

CREATE OR REPLACE FUNCTION cases_feed_epoch_ensure() RETURNS bigint LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    off bigint := cases_feed_offset();
BEGIN
    IF off IS NULL THEN
        -- The first event on this cluster: a restore or failover onto a new server. Its positions
        -- start 2^40 after every event restored here, past any cursor the old server can have
        -- handed out for events the backup missed. A concurrent first writer waits on the key, and
        -- both use the one offset stored. (`migrate` calls this first, in a transaction of its own.)
        INSERT INTO cases_feedepoch (system_identifier, "offset", started_at)
        SELECT (SELECT system_identifier FROM pg_control_system()),
               GREATEST(COALESCE(max(txid) + 1099511627776 - pg_current_xact_id()::text::bigint, 0), 0), now()
          FROM cases_event
        ON CONFLICT (system_identifier) DO NOTHING;
        off := cases_feed_offset();
    END IF;
    RETURN off;
END
$$;

CREATE OR REPLACE FUNCTION cases_feed_position() RETURNS bigint LANGUAGE sql VOLATILE AS $$
    SELECT pg_current_xact_id()::text::bigint + COALESCE(cases_feed_offset(), cases_feed_epoch_ensure())
$$;

-- The cluster the database is created on: positions are its transaction ids, as before.
INSERT INTO cases_feedepoch (system_identifier, "offset", started_at)
SELECT system_identifier, 0, now() FROM pg_control_system();
"""


class Migration(migrations.Migration):
    dependencies = [("cases", "0009_event_actor")]

    operations = [
        migrations.CreateModel(
            name="FeedEpoch",
            fields=[
                (
                    "system_identifier",
                    models.BigIntegerField(primary_key=True, serialize=False, verbose_name="system identifier"),
                ),
                ("offset", models.BigIntegerField(verbose_name="offset")),
                ("started_at", models.DateTimeField(verbose_name="first event written at")),
            ],
            options={"verbose_name": "feed epoch", "verbose_name_plural": "feed epochs"},
        ),
        RunSQLOnPostgres(
            FUNCTIONS,
            "DROP FUNCTION IF EXISTS cases_feed_position(); DROP FUNCTION IF EXISTS cases_feed_epoch_ensure();"
            " DROP FUNCTION IF EXISTS cases_feed_offset();",
        ),
        migrations.AlterField(
            model_name="event",
            name="txid",
            field=models.BigIntegerField(
                db_default=cases.models.alerts.FeedPosition(), editable=False, verbose_name="feed position"
            ),
        ),
    ]
