from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_migrate


class SearchConfig(AppConfig):
    name = "studygroups.search"
    label = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        from . import schema

        # On SQLite, Django rebuilds a table (copy, drop, rename) for many schema changes,
        # and dropping a table drops its triggers: re-install them after every migrate so
        # another app's migration can never silently stop the index from following writes.
        # SQLite also checks views and triggers on the rename that ends a rebuild, so the
        # ones naming other apps' tables are taken down before a migration that will run.
        pre_migrate.connect(schema.detach_before_migrate, sender=self)
        post_migrate.connect(schema.ensure_after_migrate, sender=self)
