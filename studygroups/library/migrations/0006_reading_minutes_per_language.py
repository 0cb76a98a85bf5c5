"""Stored reading times at the speed of each text's language.

Before, `Document.reading_minutes` was computed at English speed for every language
while pages showed the language's speed, so "Shortest read first" could put a Spanish
text before an English one that is quicker to read. Recomputed in batches of rows (only
the rows whose value changes are written)."""

from django.db import migrations

BATCH = 2000


def recompute(apps, schema_editor):
    from studygroups.library.reading import reading_minutes

    Document = apps.get_model("library", "Document")
    last = 0
    while True:
        rows = list(
            Document.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "word_count", "language", "reading_minutes")[:BATCH]
        )
        if not rows:
            return
        changed = [
            Document(pk=pk, reading_minutes=minutes)
            for pk, words, language, stored in rows
            if (minutes := reading_minutes(words, language)) != stored
        ]
        Document.objects.bulk_update(changed, ["reading_minutes"], batch_size=500)
        last = rows[-1][0]


class Migration(migrations.Migration):
    dependencies = [
        ("library", "0005_author_name_key"),
    ]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
