"""What the database itself enforces and provides beyond the tables.

- The case number sequence (PostgreSQL) behind case references.
- The trigram index behind name search (PostgreSQL).
- The status history is append-only: UPDATE and DELETE fail even from raw SQL (PostgreSQL and the
  embedded SQLite). A mistake is fixed by recording a correction, never by editing history.
"""

from django.db import migrations

from core.db import RunSQLOnPostgres

POSTGRES_APPEND_ONLY = """
CREATE OR REPLACE FUNCTION cases_status_change_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'status changes are append-only: % refused (record a correction instead)', TG_OP
        USING ERRCODE = 'restrict_violation';
END
$$;
CREATE TRIGGER status_change_append_only
    BEFORE UPDATE OR DELETE ON cases_statuschange
    FOR EACH ROW EXECUTE FUNCTION cases_status_change_append_only();
"""
POSTGRES_APPEND_ONLY_REVERSE = """
DROP TRIGGER IF EXISTS status_change_append_only ON cases_statuschange;
DROP FUNCTION IF EXISTS cases_status_change_append_only();
"""
SQLITE_APPEND_ONLY = [
    """CREATE TRIGGER status_change_no_update BEFORE UPDATE ON cases_statuschange
       BEGIN SELECT RAISE(ABORT, 'status changes are append-only: UPDATE refused'); END;""",
    """CREATE TRIGGER status_change_no_delete BEFORE DELETE ON cases_statuschange
       BEGIN SELECT RAISE(ABORT, 'status changes are append-only: DELETE refused'); END;""",
]
SQLITE_APPEND_ONLY_REVERSE = [
    "DROP TRIGGER IF EXISTS status_change_no_update;",
    "DROP TRIGGER IF EXISTS status_change_no_delete;",
]


def append_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_APPEND_ONLY, params=None)  # '%' is PL/pgSQL's, not a placeholder
    elif schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_APPEND_ONLY:
            schema_editor.execute(statement)


def append_only_reverse(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": [POSTGRES_APPEND_ONLY_REVERSE], "sqlite": SQLITE_APPEND_ONLY_REVERSE}.get(vendor, [])
    for statement in statements:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_initial")]

    operations = [
        RunSQLOnPostgres(
            "CREATE SEQUENCE IF NOT EXISTS cases_case_number_seq START 1;",
            "DROP SEQUENCE IF EXISTS cases_case_number_seq;",
        ),
        RunSQLOnPostgres("CREATE EXTENSION IF NOT EXISTS pg_trgm;", migrations.RunSQL.noop),
        RunSQLOnPostgres(
            "CREATE INDEX IF NOT EXISTS detainee_search_names_trgm ON cases_detainee "
            "USING gin (search_names gin_trgm_ops);",
            "DROP INDEX IF EXISTS detainee_search_names_trgm;",
        ),
        migrations.RunPython(append_only, append_only_reverse),
    ]
