from django.core.management.base import BaseCommand

from studygroups.groups.reminders import reminders_send


class Command(BaseCommand):
    help = (
        "E-mail reminders for upcoming sessions. Safe to run every minute and concurrently: "
        "each reminder is claimed once before it is sent."
    )

    def handle(self, *args, **options):
        sent = reminders_send()
        self.stdout.write(f"Sent {sent} reminder{'s' if sent != 1 else ''}.")
