from django.db import migrations

from alerts.data_versions import DATA_VERSION_FUNCTION


class Migration(migrations.Migration):
    dependencies = [("alerts", "0003_scope_marks")]

    operations = [DATA_VERSION_FUNCTION]
