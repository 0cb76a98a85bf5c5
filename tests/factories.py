"""The one set of test factories: factory_boy classes for the rows (`UserFactory`,
`GroupFactory`, `MembershipFactory`, `CurriculumFactory`, …), and helpers that build
realistic data through the services (`make_document`, `make_group`, `add_member`,
`make_session`, `make_curriculum`, `post`, `reply`, `make_question`, …).

The helpers take keyword arguments whose defaults suit most tests; a test that needs the
other case says so at the call (`make_group(organizer=None)` for a group without members)."""

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from studygroups.curricula import services as curricula_services
from studygroups.curricula.models import Curriculum, DiscussionQuestion, Reading, Unit
from studygroups.discussions import posting
from studygroups.groups import roster, sessions
from studygroups.groups.models import Group, Membership, Session
from studygroups.library.models import Author, Topic
from studygroups.library.services import BlockInput, SectionInput, document_create

PASSWORD = "correct-horse-battery-staple"

# The default of `make_group(organizer=...)`: found the group with a new verified user.
NEW_USER = object()


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"reader{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Reader {n}")
    time_zone = "UTC"

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])


def verified_user(**kwargs):
    """A user whose e-mail address allauth considers verified, so they can log in."""
    from allauth.account.models import EmailAddress

    user = UserFactory(**kwargs)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author

    name = factory.Sequence(lambda n: f"Author {n}")
    slug = factory.Sequence(lambda n: f"author-{n}")


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


_counter = iter(range(10**9))


def make_document(
    *,
    title: str | None = None,
    sections: int = 2,
    paragraphs: int = 3,
    words_per_paragraph: int = 40,
    **kwargs,
):
    """A document built through the library service, with `sections` headed sections of
    `paragraphs` paragraphs each. Paragraph texts are unique within the whole test run."""
    n = next(_counter)
    parts = []
    for s in range(sections):
        blocks = [
            BlockInput(
                text=f"Paragraph {p + 1} of section {s + 1} in document {n}. "
                + " ".join(f"word{n}x{s}x{p}x{w}" for w in range(max(words_per_paragraph - 8, 0)))
            )
            for p in range(paragraphs)
        ]
        parts.append(SectionInput(heading=f"Section {s + 1}", blocks=blocks))
    return document_create(title=title or f"Document {n}", sections=parts, **kwargs)


# ---------- groups and memberships ----------


class GroupFactory(factory.django.DjangoModelFactory):
    """A bare group row (no organizer, no activity line). Most tests want `make_group`."""

    class Meta:
        model = Group

    name = factory.Sequence(lambda n: f"Group {n}")
    slug = factory.Sequence(lambda n: f"group-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    group = factory.SubFactory(GroupFactory)
    user = factory.SubFactory(UserFactory)


def make_group(
    *,
    organizer=NEW_USER,
    members=(),
    curriculum=None,
    name: str | None = None,
    visibility: str = Group.Visibility.PRIVATE,
    **fields,
) -> Group:
    """A group founded through `group_create` by `organizer` (a new verified user unless
    given), so it has its organizer membership and activity line; `members` join as members.

    `organizer=None` makes the bare row instead (`GroupFactory`): no organizer, no members
    but `members`, for tests that add every membership themselves."""
    if organizer is None:
        group = GroupFactory(
            **({"name": name} if name else {}),
            visibility=visibility,
            curriculum=curriculum,
            **fields,
        )
    else:
        if organizer is NEW_USER:
            organizer = verified_user()
        # The default name comes from GroupFactory's sequence, so the slug group_create
        # derives from it never collides with a factory-made group's slug.
        group = roster.group_create(
            creator=organizer,
            name=name or GroupFactory.build().name,
            visibility=visibility,
            curriculum=curriculum,
            **fields,
        )
    for member in members:
        add_member(group, member)
    return group


def add_member(
    group,
    user=None,
    *,
    role: str = Membership.Role.MEMBER,
    state: str = Membership.State.ACTIVE,
    **user_fields,
) -> Membership:
    """`user` (a new verified user with `user_fields`, unless given) joins `group`; returns
    the Membership (`.user` is the person)."""
    user = user or verified_user(**user_fields)
    return MembershipFactory(group=group, user=user, role=role, state=state)


class SessionFactory(factory.django.DjangoModelFactory):
    """A bare session row (no activity line, no units). Most tests want `make_session`."""

    class Meta:
        model = Session

    group = factory.SubFactory(GroupFactory)
    title = factory.Sequence(lambda n: f"Session {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(hours=24))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(minutes=90))


def make_session(group, *, in_hours: float = 24, units=(), title="A session", length=90):
    """A session `in_hours` from now lasting `length` minutes, through `session_create`."""
    starts = timezone.now() + dt.timedelta(hours=in_hours)
    return sessions.session_create(
        group=group,
        title=title,
        starts_at=starts,
        ends_at=starts + dt.timedelta(minutes=length),
        units=units,
    )


# ---------- reading series ----------


class CurriculumFactory(factory.django.DjangoModelFactory):
    """A bare series row (draft, no owner). Most tests want `make_curriculum`."""

    class Meta:
        model = Curriculum

    title = factory.Sequence(lambda n: f"Series {n}")
    slug = factory.Sequence(lambda n: f"series-{n}")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    curriculum = factory.SubFactory(CurriculumFactory)
    order = factory.Sequence(lambda n: n)
    title = factory.LazyAttribute(lambda o: f"Unit {o.order}")


class ReadingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reading

    unit = factory.SubFactory(UnitFactory)
    document = factory.LazyFunction(make_document)
    document_title = factory.LazyAttribute(lambda o: o.document.title[:300])


class DiscussionQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DiscussionQuestion

    unit = factory.SubFactory(UnitFactory)
    text = factory.Sequence(lambda n: f"Question {n}?")
    text_html = factory.LazyAttribute(lambda o: f"<p>{o.text}</p>")


def make_curriculum(
    *,
    owner=None,
    title: str | None = None,
    units: int = 0,
    readings_per_unit: int = 0,
    questions_per_unit: int = 0,
    status: str = Curriculum.Status.PUBLISHED,
    visibility: str = Curriculum.Visibility.PUBLIC,
    documents=None,
    **kwargs,
) -> Curriculum:
    """A series built through the curricula services (so derived fields are right), owned
    by `owner` (a new verified user unless given). Each of `units` units gets
    `readings_per_unit` readings (of `documents` in turn, else a new document titled
    "Text …") and `questions_per_unit` questions, each about the unit's first reading."""
    owner = owner or verified_user()
    curriculum = curricula_services.curriculum_create(
        owner=owner,
        title=title or CurriculumFactory.build().title,
        visibility=visibility,
        **kwargs,
    )
    documents = documents or []
    for u in range(units):
        unit = curricula_services.unit_add(curriculum=curriculum, title=f"Unit {u + 1}")
        readings = [
            curricula_services.reading_add(
                unit=unit,
                document=documents[r % len(documents)]
                if documents
                else make_document(title=f"Text {curriculum.pk}-{u + 1}-{r + 1}"),
            )
            for r in range(readings_per_unit)
        ]
        for q in range(questions_per_unit):
            curricula_services.question_add(
                unit=unit,
                reading=readings[0] if readings else None,
                text=f"Question {q + 1}: what is the main claim of unit {u + 1}?",
            )
    if status == Curriculum.Status.PUBLISHED:
        curricula_services.curriculum_update(curriculum=curriculum, data={"status": status})
    curriculum.refresh_from_db()
    return curriculum


def make_group_using(
    curriculum, *, user=None, role=Membership.Role.MEMBER, state=Membership.State.ACTIVE
) -> Group:
    """A bare group reading `curriculum`; `user`, if given, belongs to it with `role`."""
    group = make_group(organizer=None, curriculum=curriculum)
    if user is not None:
        add_member(group, user, role=role, state=state)
    return group


# ---------- discussions ----------


def first_anchor(document, index=0) -> str:
    """The anchor of the document's `index`th non-heading block."""
    return list(
        document.blocks.exclude(kind="heading").order_by("order").values_list("anchor", flat=True)
    )[index]


def post(group, document, author, body="A post.", **kwargs):
    return posting.post_create(author=author, group=group, document=document, body=body, **kwargs)[
        0
    ]


def reply(parent, author, body="A reply."):
    return posting.post_reply(author=author, parent=parent, body=body)[0]


def make_question(group, document, *, text="What is the main claim?", gated=False):
    """A question on a new unit reading `document` in the group's series (a new bare
    series assigned to `group` if it has none)."""
    curriculum = group.curriculum or CurriculumFactory()
    if group.curriculum_id != curriculum.pk:
        group.curriculum = curriculum
        group.save(update_fields=["curriculum"])
    unit = UnitFactory(curriculum=curriculum)
    ReadingFactory(unit=unit, document=document)
    return DiscussionQuestionFactory(unit=unit, text=text, answer_before_seeing=gated)


# --- Factories added by feature branches (kept at the end so merges stay trivial) ---
