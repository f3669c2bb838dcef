from django.db import migrations

from cases.roles import sync_role_permissions


class Migration(migrations.Migration):
    """Admins see and revoke API tokens in the admin."""

    dependencies = [("cases", "0007_citizenship_count")]

    operations = [migrations.RunPython(sync_role_permissions, migrations.RunPython.noop)]
