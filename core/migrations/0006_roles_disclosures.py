"""The roles' permissions again, now that the disclosure log exists (admins read it)."""

from django.db import migrations

from core.roles import sync_role_permissions


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_roles_remembered_pairs"),
        ("partners", "0002_disclosure_log"),
    ]

    operations = [migrations.RunPython(sync_role_permissions, migrations.RunPython.noop)]
