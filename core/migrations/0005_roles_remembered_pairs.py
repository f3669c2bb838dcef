"""The roles' permissions again, now that remembered list decisions exist (the cell reads them)."""

from django.db import migrations

from core.roles import sync_role_permissions


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_roles_lists"),
        ("lists", "0002_decisions_remembered"),
    ]

    operations = [migrations.RunPython(sync_role_permissions, migrations.RunPython.noop)]
