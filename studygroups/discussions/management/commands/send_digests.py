from django.core.management.base import BaseCommand

from studygroups.discussions.emails import send_digests, send_pending


class Command(BaseCommand):
    help = (
        "E-mail the daily digest of discussion notifications, and retry immediate "
        "notifications a mail failure left unsent (safe to run again, even in parallel). "
        "Run it once a day; run it with --retries-only as often as you like."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--retries-only",
            action="store_true",
            help="Only retry immediate notifications left unsent; send no digest.",
        )

    def handle(self, *args, retries_only=False, **options):
        retried = send_pending()
        sent = 0 if retries_only else send_digests()
        self.stdout.write(
            self.style.SUCCESS(f"Sent {sent} digest e-mail(s) and {retried} retried e-mail(s).")
        )
