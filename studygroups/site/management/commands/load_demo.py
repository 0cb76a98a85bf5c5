"""Demo content for `make run`: two accounts, the demo texts, a reading series, a group with
sessions and a discussion. Safe to run again: nothing is duplicated."""

from pathlib import Path

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from studygroups.curricula.demo import create_demo_curriculum
from studygroups.curricula.models import Curriculum
from studygroups.discussions.demo import create_demo_discussion
from studygroups.groups.demo import create_demo_group

DEMO_TEXTS = Path(__file__).resolve().parents[2] / "demo" / "texts"

DEMO_SERIES_TITLE = "Reading together: a first series"

DEMO_ACCOUNTS = [
    # email, password, display name, staff
    ("admin@example.org", "demo-admin-2026", "Demo Admin", True),
    ("member@example.org", "demo-member-2026", "Demo Member", False),
    ("rosa@example.org", "demo-member-2026", "Rosa", False),
]


class Command(BaseCommand):
    help = "Load demo accounts and content (idempotent)."

    def handle(self, *args, **options):
        # Demo accounts have no real inboxes: the e-mails the services send while the
        # demo is built (joins, schedules) are kept in memory and dropped.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            self._load()

    def _load(self):
        users = [self._account(*row) for row in DEMO_ACCOUNTS]
        admin, *members = users
        documents = self._documents()
        curriculum = self._curriculum(admin, documents)
        group = create_demo_group(organizer=admin, members=members, curriculum=curriculum)
        create_demo_discussion(group=group, document=documents[0], members=users)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo ready: {len(users)} accounts, {len(documents)} documents. "
                "Log in as admin@example.org / demo-admin-2026 or "
                "member@example.org / demo-member-2026."
            )
        )

    @transaction.atomic
    def _account(self, email, password, name, staff):
        User = get_user_model()
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email,
                password=password,
                display_name=name,
                is_staff=staff,
                is_superuser=staff,
            )
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        return user

    def _curriculum(self, owner, documents):
        existing = Curriculum.objects.filter(owners=owner, title=DEMO_SERIES_TITLE).first()
        if existing:
            return existing
        return create_demo_curriculum(owner=owner, documents=documents)

    def _documents(self):
        """The demo texts, imported through the importer like any other file."""
        from corpus_import.load import import_paths
        from studygroups.library.models import Document, DocumentSource

        report = import_paths([DEMO_TEXTS], method=DocumentSource.Method.DEMO)
        if not report.ok:
            raise CommandError("The demo texts did not import:\n" + "\n".join(report.lines))
        names = sorted(path.name for path in DEMO_TEXTS.glob("*.md"))
        documents = {
            source.file_name.rsplit("/", 1)[-1]: source.document
            for source in DocumentSource.objects.filter(method=DocumentSource.Method.DEMO)
            .select_related("document")
            .order_by("pk")
        }
        missing = [name for name in names if name not in documents]
        if missing:
            raise CommandError(f"Demo texts missing after import: {', '.join(missing)}")
        found: list[Document] = [documents[name] for name in names]
        return found
