"""The status history is append-only in the database itself: UPDATE and DELETE fail even from raw SQL.

A mistake is fixed by recording a correction, never by editing history. Also gives the roles the
permissions of the alert models (0004).
"""

from django.db import migrations

from cases.roles import sync_role_permissions

POSTGRES_FORWARD = """
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
POSTGRES_BACKWARD = """
DROP TRIGGER IF EXISTS status_change_append_only ON cases_statuschange;
DROP FUNCTION IF EXISTS cases_status_change_append_only();
"""
SQLITE_FORWARD = [
    """CREATE TRIGGER status_change_no_update BEFORE UPDATE ON cases_statuschange
       BEGIN SELECT RAISE(ABORT, 'status changes are append-only: UPDATE refused'); END;""",
    """CREATE TRIGGER status_change_no_delete BEFORE DELETE ON cases_statuschange
       BEGIN SELECT RAISE(ABORT, 'status changes are append-only: DELETE refused'); END;""",
]
SQLITE_BACKWARD = ["DROP TRIGGER IF EXISTS status_change_no_update;", "DROP TRIGGER IF EXISTS status_change_no_delete;"]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_FORWARD, params=None)  # '%' is PL/pgSQL's, not a placeholder
    elif schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    statements = {"postgresql": [POSTGRES_BACKWARD], "sqlite": SQLITE_BACKWARD}.get(schema_editor.connection.vendor, [])
    for statement in statements:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_alerts")]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.RunPython(sync_role_permissions, migrations.RunPython.noop),
    ]
