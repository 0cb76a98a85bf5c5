from django.core.management.base import BaseCommand

from studygroups.discussions.emails import send_digests


class Command(BaseCommand):
    help = "E-mail the daily digest of discussion notifications (safe to run again)."

    def handle(self, *args, **options):
        sent = send_digests()
        self.stdout.write(self.style.SUCCESS(f"Sent {sent} digest e-mail(s)."))
