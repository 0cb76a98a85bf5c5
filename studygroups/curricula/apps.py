from django.apps import AppConfig


class CurriculaConfig(AppConfig):
    name = "studygroups.curricula"
    label = "curricula"
