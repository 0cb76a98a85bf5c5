"""The block trigger function learns the bulk-import switch (`search.bulk_blocks`,
see schema.blocks_indexed_in_bulk). `install` replaces the functions in place; nothing
needs re-indexing."""

from django.db import migrations


def forwards(apps, schema_editor):
    from studygroups.search import schema

    schema.install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_index")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
