"""The roles' permissions again, now that delivered lists exist (analysts read, officers write)."""

from django.db import migrations

from core.roles import sync_role_permissions


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_roles_uncertain_facts"),
        ("cases", "0007_search_skeletons"),
        ("lists", "0001_initial"),
    ]

    operations = [migrations.RunPython(sync_role_permissions, migrations.RunPython.noop)]
