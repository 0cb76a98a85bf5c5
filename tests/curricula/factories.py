"""Factories for reading series, built through the services so derived fields are right."""

from studygroups.curricula import services
from studygroups.curricula.models import Curriculum
from studygroups.groups.models import Group, Membership
from tests.factories import make_document, verified_user

_n = iter(range(10**9))


def make_curriculum(
    *,
    owner=None,
    title=None,
    units=0,
    readings_per_unit=0,
    questions_per_unit=0,
    status=Curriculum.Status.PUBLISHED,
    visibility=Curriculum.Visibility.PUBLIC,
    documents=None,
    **kwargs,
) -> Curriculum:
    owner = owner or verified_user()
    curriculum = services.curriculum_create(
        owner=owner, title=title or f"Series {next(_n)}", visibility=visibility, **kwargs
    )
    documents = documents or []
    for u in range(units):
        unit = services.unit_add(curriculum=curriculum, title=f"Unit {u + 1}")
        for r in range(readings_per_unit):
            document = documents[r % len(documents)] if documents else make_document()
            services.reading_add(unit=unit, document=document)
        for q in range(questions_per_unit):
            services.question_add(unit=unit, text=f"Question *{q + 1}*?")
    if status == Curriculum.Status.PUBLISHED:
        services.curriculum_update(curriculum=curriculum, data={"status": status})
    curriculum.refresh_from_db()
    return curriculum


def make_group_using(
    curriculum, *, user=None, role=Membership.Role.MEMBER, state=Membership.State.ACTIVE
) -> Group:
    n = next(_n)
    group = Group.objects.create(name=f"Group {n}", slug=f"group-{n}", curriculum=curriculum)
    if user is not None:
        Membership.objects.create(group=group, user=user, role=role, state=state)
    return group
