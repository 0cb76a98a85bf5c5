"""The full-text index: FTS5 tables (SQLite) or tsvector tables (PostgreSQL), with the
triggers that keep them in sync. See studygroups/search/schema.py."""

from django.db import migrations


def forwards(apps, schema_editor):
    from studygroups.search import schema

    schema.install(schema_editor.connection)
    schema.rebuild(schema_editor.connection)


def backwards(apps, schema_editor):
    from studygroups.search import schema

    schema.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("library", "0002_author_name_upper_index"),
        ("discussions", "0002_notification_email_claim_and_more"),
        ("groups", "0003_reserved_group_slugs"),
        ("curricula", "0002_curriculum_share_notes_with_groups"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
