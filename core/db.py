"""Database helpers for features only PostgreSQL has (the embedded SQLite mode goes without)."""

from django.db import migrations


class RunSQLOnPostgres(migrations.RunSQL):
    """A RunSQL that does nothing on other databases (the embedded SQLite used by `make run`)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
