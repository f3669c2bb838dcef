"""The roles' permissions again, now that proposals, claims, proofs of life and groups exist."""

from django.db import migrations

from core.roles import sync_role_permissions


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_roles"),
        ("cases", "0005_uncertain_facts_rules"),
        ("alerts", "0006_internal_events_unmarked"),
    ]

    operations = [migrations.RunPython(sync_role_permissions, migrations.RunPython.noop)]
