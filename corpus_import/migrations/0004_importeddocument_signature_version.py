"""Signatures record the definition of word ids that made them: the rows so far were made
by the first (CRC-32 word ids, version 1); new rows by the current one. The importer makes
the old ones again from the documents' text when it next loads its index."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("corpus_import", "0003_importbatch_corrections"),
    ]

    operations = [
        migrations.AddField(
            model_name="importeddocument",
            name="signature_version",
            field=models.PositiveSmallIntegerField(default=1),
        ),
        migrations.AlterField(
            model_name="importeddocument",
            name="signature_version",
            field=models.PositiveSmallIntegerField(default=2),
        ),
    ]
