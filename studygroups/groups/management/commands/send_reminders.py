from django.core.management.base import BaseCommand

from studygroups.groups.reminders import reminder_jobs_run


class Command(BaseCommand):
    help = (
        "E-mail reminders for upcoming sessions. Safe to run every minute and concurrently: "
        "each reminder is claimed once before it is sent. Also sends the registered "
        "jobs' e-mails (the facilitators' preparation sheet the day before)."
    )

    def handle(self, *args, **options):
        sent = reminder_jobs_run()
        self.stdout.write(f"Sent {sent} e-mail{'s' if sent != 1 else ''}.")
