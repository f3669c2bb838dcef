"""PostgreSQL-only parts: the case number sequence and the trigram index behind name search."""

from django.db import migrations

from cases.db import RunSQLOnPostgres


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_roles")]

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
    ]
