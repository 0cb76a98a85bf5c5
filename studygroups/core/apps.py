from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "studygroups.core"
    label = "core"
