from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "studygroups.accounts"
    label = "accounts"
