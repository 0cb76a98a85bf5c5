"""Every branch of the curricula predicates and access functions."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.urls import reverse

from studygroups.curricula import services
from studygroups.curricula.access import (
    access_curriculum,
    access_curriculum_for_edit,
    access_document,
    access_question_for_edit,
    access_reading_for_edit,
    access_unit,
)
from studygroups.curricula.forms import CurriculumForm
from studygroups.curricula.models import Curriculum
from studygroups.curricula.rules import (
    can_edit_curriculum,
    can_fork_curriculum,
    can_see_facilitator_notes,
    can_view_curriculum,
)
from studygroups.groups import roster
from studygroups.groups.models import Membership
from tests.factories import make_curriculum, make_group_using, verified_user

pytestmark = pytest.mark.django_db

ANON = AnonymousUser()
DRAFT, PUBLISHED = Curriculum.Status.DRAFT, Curriculum.Status.PUBLISHED
PUBLIC, PRIVATE = Curriculum.Visibility.PUBLIC, Curriculum.Visibility.PRIVATE


@pytest.mark.parametrize(
    ("status", "visibility", "role", "expected"),
    [
        # (status, visibility, who) -> can view
        (PUBLISHED, PUBLIC, "anonymous", True),
        (PUBLISHED, PUBLIC, "stranger", True),
        (PUBLISHED, PRIVATE, "anonymous", False),
        (PUBLISHED, PRIVATE, "stranger", False),
        (PUBLISHED, PRIVATE, "member", True),
        (PUBLISHED, PRIVATE, "left_member", False),
        (PUBLISHED, PRIVATE, "owner", True),
        (DRAFT, PUBLIC, "anonymous", False),
        (DRAFT, PUBLIC, "stranger", False),
        (DRAFT, PUBLIC, "member", False),
        (DRAFT, PRIVATE, "owner", True),
    ],
)
def test_view_rule(status, visibility, role, expected):
    owner = verified_user()
    curriculum = make_curriculum(owner=owner, status=status, visibility=visibility)
    user = {"anonymous": ANON, "owner": owner}.get(role) or verified_user()
    if role == "member":
        make_group_using(curriculum, user=user)
    if role == "left_member":
        make_group_using(curriculum, user=user, state=Membership.State.LEFT)
    assert can_view_curriculum(user, curriculum) is expected
    if expected:
        assert access_curriculum(user, curriculum.slug) == curriculum
    else:
        with pytest.raises(Http404):
            access_curriculum(user, curriculum.slug)


def test_missing_curriculum_is_404_like_forbidden(user):
    with pytest.raises(Http404):
        access_curriculum(user, "no-such-series")
    with pytest.raises(Http404):
        access_curriculum_for_edit(user, "no-such-series")


def test_only_owners_edit(user, other_user):
    curriculum = make_curriculum(owner=user)
    make_group_using(curriculum, user=other_user, role=Membership.Role.ORGANIZER)
    assert can_edit_curriculum(user, curriculum)
    assert not can_edit_curriculum(other_user, curriculum)
    assert not can_edit_curriculum(ANON, curriculum)
    assert access_curriculum_for_edit(user, curriculum.slug) == curriculum
    for who in (other_user, ANON):
        with pytest.raises(Http404):
            access_curriculum_for_edit(who, curriculum.slug)


@pytest.mark.parametrize(
    ("role", "state", "expected"),
    [
        (Membership.Role.ORGANIZER, Membership.State.ACTIVE, True),
        (Membership.Role.FACILITATOR, Membership.State.ACTIVE, True),
        (Membership.Role.MEMBER, Membership.State.ACTIVE, False),
        (Membership.Role.FACILITATOR, Membership.State.REMOVED, False),
    ],
)
def test_facilitator_notes_rule(user, other_user, role, state, expected):
    curriculum = make_curriculum(owner=user, visibility=PRIVATE)
    make_group_using(curriculum, user=other_user, role=role, state=state)
    # Not shared with groups: only the owners.
    assert not can_see_facilitator_notes(other_user, curriculum)
    services.curriculum_update(curriculum=curriculum, data={"share_notes_with_groups": True})
    curriculum = Curriculum.objects.get(pk=curriculum.pk)
    assert can_see_facilitator_notes(other_user, curriculum) is expected
    assert can_see_facilitator_notes(user, curriculum)
    assert not can_see_facilitator_notes(ANON, curriculum)


def test_facilitator_of_another_group_sees_no_notes(user, other_user):
    curriculum = make_curriculum(owner=user)
    make_group_using(make_curriculum(owner=user), user=other_user, role=Membership.Role.FACILITATOR)
    make_group_using(curriculum)
    assert not can_see_facilitator_notes(other_user, curriculum)


def test_fork_rule(user, other_user):
    public = make_curriculum(owner=user)
    private = make_curriculum(owner=user, visibility=PRIVATE)
    draft = make_curriculum(owner=user, status=DRAFT)
    assert can_fork_curriculum(other_user, public)
    assert not can_fork_curriculum(ANON, public)
    assert not can_fork_curriculum(other_user, private)
    assert not can_fork_curriculum(other_user, draft)


def test_role_and_owner_lookups_are_cached(user, other_user, django_assert_num_queries):
    curriculum = make_curriculum(owner=user)
    services.curriculum_update(curriculum=curriculum, data={"share_notes_with_groups": True})
    make_group_using(curriculum, user=other_user, role=Membership.Role.FACILITATOR)
    curriculum = Curriculum.objects.get(pk=curriculum.pk)
    with django_assert_num_queries(2):
        for _ in range(3):
            can_view_curriculum(other_user, curriculum)
            can_edit_curriculum(other_user, curriculum)
            can_see_facilitator_notes(other_user, curriculum)


def test_unit_reading_question_access(user, other_user, document):
    curriculum = make_curriculum(owner=user, units=1, status=DRAFT)
    unit = curriculum.units.get()
    reading = services.reading_add(unit=unit, document=document)
    question = services.question_add(unit=unit, text="Why?")
    slug = curriculum.slug
    assert access_unit(user, slug, unit.pk) == unit
    assert access_unit(user, slug, str(unit.pk), edit=True) == unit
    assert access_reading_for_edit(user, slug, unit.pk, reading.pk) == reading
    assert access_question_for_edit(user, slug, unit.pk, question.pk) == question
    other = make_curriculum(owner=user, units=1)
    other_unit = other.units.get()
    bad_calls = [
        lambda: access_unit(other_user, slug, unit.pk),  # draft, not owner
        lambda: access_unit(user, slug, "nope"),  # not a number
        lambda: access_unit(user, slug, 999999),  # missing
        lambda: access_unit(user, slug, other_unit.pk),  # unit of another series
        lambda: access_unit(other_user, other.slug, other_unit.pk, edit=True),  # not owner
        lambda: access_reading_for_edit(user, slug, unit.pk, 999999),
        lambda: access_reading_for_edit(user, other.slug, other_unit.pk, reading.pk),
        lambda: access_question_for_edit(user, slug, unit.pk, None),
        lambda: access_question_for_edit(user, other.slug, other_unit.pk, question.pk),
        lambda: access_question_for_edit(other_user, slug, unit.pk, question.pk),
    ]
    for call in bad_calls:
        with pytest.raises(Http404):
            call()


def test_access_document(document):
    assert access_document(str(document.pk)) == document
    for bad in (None, "", "abc", 999999):
        with pytest.raises(Http404):
            access_document(bad)


def _with_notes(owner) -> Curriculum:
    curriculum = make_curriculum(owner=owner, units=1, questions_per_unit=1)
    unit = curriculum.units.get()
    services.unit_update(unit=unit, data={"facilitator_notes": "SECRET-UNIT-NOTE"})
    q = unit.questions.get()
    services.question_update(question=q, text=q.text, facilitator_notes="SECRET-Q-NOTE")
    return curriculum


# ---------- starting a group does not unlock the notes ----------


def test_creating_a_group_on_a_public_series_does_not_reveal_notes(client, user, other_user):
    original = _with_notes(user)
    roster.group_create(creator=other_user, name="Mine now", curriculum=original)
    assert not can_see_facilitator_notes(other_user, original)
    client.force_login(other_user)
    unit = original.units.get()
    page = client.get(reverse("curricula:unit", args=[original.slug, unit.pk]))
    assert page.status_code == 200 and b"SECRET" not in page.content


def test_owner_can_share_notes_with_groups_that_follow_the_series(user, other_user, client):
    original = _with_notes(user)
    make_group_using(original, user=other_user, role=Membership.Role.FACILITATOR)
    assert not can_see_facilitator_notes(other_user, original)
    services.curriculum_update(curriculum=original, data={"share_notes_with_groups": True})
    original = Curriculum.objects.get(pk=original.pk)
    assert can_see_facilitator_notes(other_user, original)
    client.force_login(other_user)
    page = client.get(reverse("curricula:unit", args=[original.slug, original.units.get().pk]))
    assert b"SECRET-UNIT-NOTE" in page.content


def test_share_notes_is_in_the_settings_form_with_help():
    form = CurriculumForm()
    assert "share_notes_with_groups" in form.fields
    assert "facilitator" in form.fields["share_notes_with_groups"].help_text.lower()
    assert Curriculum._meta.get_field("share_notes_with_groups").default is False
