from django.apps import AppConfig


class DiscussionsConfig(AppConfig):
    name = "studygroups.discussions"
    label = "discussions"

    def ready(self):
        from studygroups.groups.reminders import reminder_job_register

        from .prep import prep_sheets_send

        reminder_job_register(prep_sheets_send)
