"""Consonant skeletons of every detainee's names, indexed by trigram: the key a list written in
Hebrew or Arabic (vowels unwritten) finds its candidates by."""

from django.db import migrations, models

from core.db import RunSQLOnPostgres


def fill(apps, schema_editor):
    from cases.names import search_skeletons  # the app's own rule, as it is today

    Detainee = apps.get_model("cases", "Detainee")
    NameVariant = apps.get_model("cases", "NameVariant")
    variants: dict = {}
    for detainee_id, name in NameVariant.objects.values_list("detainee_id", "name").iterator():
        variants.setdefault(detainee_id, []).append(name)
    batch = []
    for detainee in Detainee.objects.only("id", "full_name").iterator(chunk_size=2000):
        detainee.search_skeletons = search_skeletons(detainee.full_name, variants.get(detainee.pk, []))
        batch.append(detainee)
        if len(batch) == 2000:
            Detainee.objects.bulk_update(batch, ["search_skeletons"])
            batch = []
    Detainee.objects.bulk_update(batch, ["search_skeletons"])


class Migration(migrations.Migration):
    dependencies = [("cases", "0006_claims_follow_their_proposal")]

    operations = [
        migrations.AddField(
            model_name="detainee",
            name="search_skeletons",
            field=models.TextField(default="", editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        RunSQLOnPostgres(
            "CREATE INDEX IF NOT EXISTS detainee_search_skeletons_trgm ON cases_detainee "
            "USING gin (search_skeletons gin_trgm_ops);",
            "DROP INDEX IF EXISTS detainee_search_skeletons_trgm;",
        ),
    ]
