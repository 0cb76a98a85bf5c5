from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "studygroups.library"
    label = "library"
