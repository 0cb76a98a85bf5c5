from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "studygroups.moderation"
    label = "moderation"
