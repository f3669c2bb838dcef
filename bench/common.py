"""Setting up Django against the benchmark database, and small statistics helpers."""

import os
import statistics


class NotMeasured(Exception):
    """A measurement could not be taken (the endpoint is missing or answered an error)."""


def setup_django() -> None:
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hostage_tracker_bench")
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/14")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789-0123456789-0123456789-abcdef")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
    os.environ.setdefault("WEBHOOK_ALLOW_LOCAL", "true")
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
    os.environ["DJANGO_SETTINGS_MODULE"] = "hostage_tracker.settings"
    import django

    django.setup()


def ensure_database() -> None:
    """Create the benchmark database if it does not exist, and migrate it."""
    import psycopg
    from django.conf import settings
    from django.core.management import call_command

    db = settings.DATABASES["default"]
    with psycopg.connect(
        host=db["HOST"],
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]).fetchone()
        if exists and not _has_current_schema(db):
            # Built by migrations that no longer exist (they were rebuilt once): load it afresh.
            conn.execute(f'DROP DATABASE "{db["NAME"]}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{db["NAME"]}"')
    call_command("migrate", verbosity=0)


def _has_current_schema(db: dict) -> bool:
    import psycopg

    with psycopg.connect(
        host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"], password=db["PASSWORD"] or None, dbname=db["NAME"]
    ) as conn:
        try:
            found = conn.execute(
                "SELECT 1 FROM django_migrations WHERE app = 'core' AND name = '0001_initial'"
            ).fetchone()
        except psycopg.errors.UndefinedTable:
            return True  # empty: migrate builds it
    return found is not None


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lower = int(k)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (k - lower)


def median(values: list[float]) -> float:
    return statistics.median(values)
