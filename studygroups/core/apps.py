from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "studygroups.core"
    label = "core"

    def ready(self):
        from . import site_url  # noqa: F401 - registers the SITE_URL deploy check
