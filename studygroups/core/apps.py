from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_migrate


class CoreConfig(AppConfig):
    name = "studygroups.core"
    label = "core"

    def ready(self):
        # site_url registers the SITE_URL deploy check.
        from . import site_url, versions  # noqa: F401

        # Data versions' triggers (core/versions.py): down before a migration that will
        # run, back (with new numbers) after every migrate.
        pre_migrate.connect(versions.detach_before_migrate, sender=self)
        post_migrate.connect(versions.install_after_migrate, sender=self)
