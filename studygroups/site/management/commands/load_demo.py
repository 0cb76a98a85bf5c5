"""Demo content for `make run`: accounts, the demo texts, a reading series, a group with
sessions and a discussion; and the same in Spanish (a Spanish-speaking group following a
Spanish series, with Spanish-speaking members). Safe to run again: nothing is duplicated."""

import datetime as dt
from pathlib import Path

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from studygroups.curricula.demo import create_demo_curriculum
from studygroups.curricula.models import Curriculum
from studygroups.discussions.demo import create_demo_discussion
from studygroups.groups.demo import create_demo_group

DEMO_TEXTS = Path(__file__).resolve().parents[2] / "demo" / "texts"
# The seed corpus sits beside the checkout (../shared/corpus); its RSS dump holds two
# Spanish articles. Without it the Spanish series reads the Spanish demo text alone.
SEED_CORPUS = Path(__file__).resolve().parents[4].parent / "shared" / "corpus"  # ../shared
SPANISH_CORPUS_FILE = "004_b6a7bce72eed4716.txt"

DEMO_SERIES_TITLE = "Reading together: a first series"

DEMO_ACCOUNTS = [
    # email, password, display name, staff
    ("admin@example.org", "demo-admin-2026", "Demo Admin", True),
    ("member@example.org", "demo-member-2026", "Demo Member", False),
    ("rosa@example.org", "demo-member-2026", "Rosa", False),
]
# Spanish speakers: their own choice of language (User.language) is Spanish.
SPANISH_ACCOUNTS = [
    ("carmen@example.org", "demo-member-2026", "Carmen Ruiz", False),
    ("lucia@example.org", "demo-member-2026", "Lucía Fernández", False),
]
SPANISH_GROUP_SLUG = "circulo-de-lectura"
SPANISH_SERIES_TITLE = "Leer juntos: una primera serie"
SPANISH_QUESTIONS = [
    "¿Qué párrafo te sorprendió más y por qué? Cita una frase.",
    "¿Qué da por sentado el texto que hoy podríamos poner en duda?",
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
        spanish = self._spanish(documents, rosa=users[-1])
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo ready: {len(users) + 2} accounts, {len(documents)} demo documents, "
                f"a Spanish series of {spanish} texts. "
                "Log in as admin@example.org / demo-admin-2026, "
                "member@example.org / demo-member-2026 or, in Spanish, "
                "lucia@example.org / demo-member-2026."
            )
        )

    @transaction.atomic
    def _spanish(self, documents, rosa) -> int:
        """A Spanish-speaking group (language es) following a Spanish reading series made of
        the Spanish texts, with a scheduled session and a few posts. Returns the number of
        texts in the series."""
        from studygroups.curricula import services as curricula
        from studygroups.discussions.posting import post_create, post_reply
        from studygroups.groups.models import Group, Membership
        from studygroups.groups.roster import group_create, membership_join
        from studygroups.groups.sessions import session_create
        from studygroups.library.models import Block

        carmen, lucia = (
            self._account(*row, language="es", time_zone="Europe/Madrid")
            for row in SPANISH_ACCOUNTS
        )
        existing = Group.objects.filter(slug=SPANISH_GROUP_SLUG).first()
        if existing is not None:
            return existing.curriculum.units.count() if existing.curriculum else 0
        texts = [d for d in documents if d.language == "es"] + self._spanish_corpus()
        series = curricula.curriculum_create(
            owner=carmen,
            title=SPANISH_SERIES_TITLE,
            summary="Tres reuniones para aprender a leer en grupo: una guía breve y dos "
            "artículos sobre una organización que decidió su propio final.",
            audience="grupos de estudio nuevos",
            target_unit_minutes=45,
        )
        for number, document in enumerate(texts, start=1):
            unit = curricula.unit_add(
                curriculum=series,
                title=f"Reunión {number}: {document.title}"[:200],
                introduction=f"Leemos «{document.title}» y hablamos de lo que nos pide.",
            )
            reading = curricula.reading_add(unit=unit, document=document)
            for text in SPANISH_QUESTIONS:
                curricula.question_add(unit=unit, reading=reading, text=text)
        curricula.curriculum_update(curriculum=series, data={"status": "published"})
        group = group_create(
            creator=carmen,
            name="Círculo de lectura del jueves",
            slug=SPANISH_GROUP_SLUG,
            description="Leemos un texto breve cada semana y lo comentamos con calma. "
            "Bienvenidas las personas nuevas: basta con haber leído.",
            visibility=Group.Visibility.PUBLIC,
            join_policy=Group.JoinPolicy.OPEN,
            time_zone="Europe/Madrid",
            meeting_place="Biblioteca del barrio, sala 1",
            code_of_conduct="Escucha antes de responder. Cita el texto. Discute las ideas, "
            "no a las personas.",
            curriculum=series,
            language="es",
        )
        for member in (lucia, rosa):
            membership_join(group=group, user=member, accept_conduct=True)
        Membership.objects.filter(group=group, user=lucia).update(role=Membership.Role.FACILITATOR)
        units = list(series.units.order_by("order", "pk"))
        day = timezone.localdate(timezone=group.tz) + dt.timedelta(days=2)
        starts = dt.datetime.combine(day, dt.time(19, 0), tzinfo=group.tz)
        session_create(
            group=group,
            title="Primera reunión: leer juntos",
            starts_at=starts,
            ends_at=starts + dt.timedelta(minutes=90),
            units=units[:1],
        )
        document = texts[0]
        opening, _ = post_create(
            author=lucia,
            group=group,
            document=document,
            body="Me gusta la idea de que quien facilita no da respuestas, sino que hace "
            "*preguntas*. ¿Alguien lo ha probado en su grupo?",
        )
        post_reply(
            author=carmen,
            parent=opening,
            body="Sí, y funciona: la conversación vuelve al texto mucho más a menudo.",
        )
        block = (
            Block.objects.filter(document=document)
            .exclude(kind=Block.Kind.HEADING)
            .order_by("order")
            .first()
        )
        if block is not None:
            post_create(
                author=rosa,
                group=group,
                document=document,
                anchor=block.anchor,
                quote=" ".join(block.text.split()[:6]),
                body="Este párrafo resume bien lo que buscamos: leer con atención y llegar "
                "con preguntas.",
            )
        return len(texts)

    def _spanish_corpus(self):
        """The Spanish articles of the seed corpus, imported like any other file (once)."""
        from corpus_import.load import import_paths
        from studygroups.library.models import DocumentSource

        path = SEED_CORPUS / SPANISH_CORPUS_FILE
        if not path.exists():
            return []
        report = import_paths([path], method=DocumentSource.Method.DEMO)
        if not report.ok:
            raise CommandError("The seed corpus did not import:\n" + "\n".join(report.lines))
        sources = DocumentSource.objects.filter(
            method=DocumentSource.Method.DEMO,
            file_name__endswith=SPANISH_CORPUS_FILE,
            document__language="es",
        ).select_related("document")
        return sorted({s.document for s in sources}, key=lambda d: d.pk)

    @transaction.atomic
    def _account(self, email, password, name, staff, language="", time_zone="UTC"):
        User = get_user_model()
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email,
                password=password,
                display_name=name,
                is_staff=staff,
                is_superuser=staff,
                language=language,
                time_zone=time_zone,
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
