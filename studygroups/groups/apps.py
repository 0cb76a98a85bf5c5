from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "studygroups.groups"
    label = "groups"
