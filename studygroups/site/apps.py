from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "studygroups.site"
    label = "site"
    verbose_name = "Site"
