from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from studygroups.search import schema


class Command(BaseCommand):
    help = (
        "Re-create the search index's tables and triggers if missing, then re-index every "
        "document, paragraph and live post. The triggers keep the index in sync by "
        "themselves; this is for repairs (a restored database, a dropped trigger)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, database, **options):
        connection = connections[database]
        with transaction.atomic(using=database):
            schema.install(connection)
            schema.rebuild(connection)
        self.stdout.write(self.style.SUCCESS(f"Search index rebuilt ({connection.vendor})."))
