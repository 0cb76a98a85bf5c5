"""Authors get `name_key` (library.names.person_key), filled for existing rows."""

from django.db import migrations, models

BATCH = 2000


def fill_name_keys(apps, schema_editor):
    from studygroups.library.names import person_key

    Author = apps.get_model("library", "Author")
    last = 0
    while True:
        batch = list(Author.objects.filter(pk__gt=last).order_by("pk")[:BATCH])
        if not batch:
            return
        for author in batch:
            author.name_key = person_key(author.name)
        Author.objects.bulk_update(batch, ["name_key"])
        last = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [
        ("library", "0004_merge_notes_and_aliases"),
    ]

    operations = [
        migrations.AddField(
            model_name="author",
            name="name_key",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=200),
        ),
        migrations.RunPython(fill_name_keys, migrations.RunPython.noop),
    ]
