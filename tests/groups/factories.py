"""Groups test data, built through the services where it matters."""

import datetime as dt

from django.utils import timezone

from studygroups.curricula.models import Curriculum, DiscussionQuestion, Reading, Unit
from studygroups.groups import services
from studygroups.groups.models import Group, Membership
from tests.factories import make_document, verified_user

_n = iter(range(10**9))


def make_curriculum(*, units: int = 4, owner=None, words: int = 40) -> Curriculum:
    n = next(_n)
    curriculum = Curriculum.objects.create(
        title=f"Series {n}",
        slug=f"series-{n}",
        status=Curriculum.Status.PUBLISHED,
        visibility=Curriculum.Visibility.PUBLIC,
    )
    if owner:
        curriculum.owners.add(owner)
    for u in range(units):
        unit = Unit.objects.create(curriculum=curriculum, order=u, title=f"Unit {u + 1}")
        document = make_document(title=f"Text {n}-{u + 1}", words_per_paragraph=words)
        reading = Reading.objects.create(
            unit=unit,
            document=document,
            document_title=document.title,
            word_count=document.word_count,
        )
        DiscussionQuestion.objects.create(
            unit=unit, reading=reading, order=0, text=f"What is the main claim of unit {u + 1}?"
        )
    return curriculum


def make_group(*, organizer=None, members=(), curriculum=None, **fields) -> Group:
    organizer = organizer or verified_user()
    fields.setdefault("name", f"Group {next(_n)}")
    group = services.group_create(creator=organizer, curriculum=curriculum, **fields)
    for member in members:
        Membership.objects.create(group=group, user=member, role=Membership.Role.MEMBER)
    return group


def add_member(group, user=None, role=Membership.Role.MEMBER, **kw) -> Membership:
    user = user or verified_user(**kw)
    return Membership.objects.create(group=group, user=user, role=role)


def make_session(group, *, in_hours: float = 24, units=(), title="A session", length=90):
    starts = timezone.now() + dt.timedelta(hours=in_hours)
    return services.session_create(
        group=group,
        title=title,
        starts_at=starts,
        ends_at=starts + dt.timedelta(minutes=length),
        units=units,
    )
