"""Regression tests for the reviewer's findings on reading series (S3, S5, B3)."""

import pytest
from django.urls import reverse

from studygroups.curricula import services
from studygroups.curricula.forking import curriculum_fork, fork_changes
from studygroups.curricula.forms import CurriculumForm
from studygroups.curricula.models import Curriculum, DiscussionQuestion, Unit
from studygroups.curricula.rules import can_see_facilitator_notes
from studygroups.groups import roster
from studygroups.groups.models import Membership
from tests.curricula.factories import make_curriculum, make_group_using

pytestmark = pytest.mark.django_db


def _with_notes(owner) -> Curriculum:
    curriculum = make_curriculum(owner=owner, units=1, questions_per_unit=1)
    unit = curriculum.units.get()
    services.unit_update(unit=unit, data={"facilitator_notes": "SECRET-UNIT-NOTE"})
    q = unit.questions.get()
    services.question_update(question=q, text=q.text, facilitator_notes="SECRET-Q-NOTE")
    return curriculum


# ---------- S3a: forking copies notes only for those who may see them ----------


def test_fork_by_stranger_does_not_copy_facilitator_notes(user, other_user):
    original = _with_notes(user)
    copy = curriculum_fork(curriculum=original, owner=other_user)
    assert copy.units.get().facilitator_notes == ""
    assert DiscussionQuestion.objects.get(unit__curriculum=copy).facilitator_notes == ""
    assert copy.units.get().title == "Unit 1"  # everything else is still copied


def test_fork_by_owner_keeps_facilitator_notes(user):
    original = _with_notes(user)
    copy = curriculum_fork(curriculum=original, owner=user)
    assert copy.units.get().facilitator_notes == "SECRET-UNIT-NOTE"
    assert DiscussionQuestion.objects.get(unit__curriculum=copy).facilitator_notes == (
        "SECRET-Q-NOTE"
    )


# ---------- S3b: starting a group does not unlock the notes ----------


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


# ---------- S5: no peeking at the original through fork changes ----------


def test_fork_changes_empty_when_original_no_longer_visible(user, other_user):
    original = make_curriculum(owner=user, units=1)
    copy = curriculum_fork(curriculum=original, owner=other_user)
    services.unit_add(curriculum=original, title="Secret new unit")
    assert fork_changes(copy, user=other_user).new_units
    services.curriculum_update(curriculum=original, data={"visibility": "private"})
    Unit.objects.filter(curriculum=original).update(title="Renamed in private")
    assert not fork_changes(copy, user=other_user)


def test_fork_changes_not_shown_on_copy_page_when_original_went_private(client, user, other_user):
    original = make_curriculum(owner=user, units=1)
    copy = curriculum_fork(curriculum=original, owner=other_user)
    services.curriculum_update(curriculum=original, data={"visibility": "private"})
    services.unit_add(curriculum=original, title="Hidden-new-unit")
    client.force_login(other_user)
    for name in ("detail", "edit"):
        page = client.get(reverse(f"curricula:{name}", args=[copy.slug]))
        assert page.status_code == 200 and b"Hidden-new-unit" not in page.content


# ---------- B3: huge document ids are a form error, not a 500 ----------


@pytest.mark.parametrize("bad", ["1" * 30, "-1" * 12, "9223372036854775808"])
def test_from_documents_huge_ids_are_a_form_error(user_client, bad):
    response = user_client.post(
        reverse("curricula:from_documents"),
        {"title": "T", "documents": [bad], "visibility": "public"},
    )
    assert response.status_code == 200
    assert "Choose documents from the list." in response.content.decode()
    assert not Curriculum.objects.filter(title="T").exists()
