from django.apps import AppConfig


class DiscussionsConfig(AppConfig):
    name = "studygroups.discussions"
    label = "discussions"
