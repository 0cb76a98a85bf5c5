from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "studygroups.notifications"
    label = "notifications"
    verbose_name = "Notifications"
