"""Forking a reading series: what a copy keeps, and what it tells about the original."""

import pytest
from django.urls import reverse

from studygroups.curricula import services
from studygroups.curricula.forking import curriculum_fork, fork_changes
from studygroups.curricula.models import Curriculum, DiscussionQuestion, Unit
from tests.factories import make_curriculum

pytestmark = pytest.mark.django_db


def _with_notes(owner) -> Curriculum:
    curriculum = make_curriculum(owner=owner, units=1, questions_per_unit=1)
    unit = curriculum.units.get()
    services.unit_update(unit=unit, data={"facilitator_notes": "SECRET-UNIT-NOTE"})
    q = unit.questions.get()
    services.question_update(question=q, text=q.text, facilitator_notes="SECRET-Q-NOTE")
    return curriculum


# ---------- forking copies notes only for those who may see them ----------


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


# ---------- no peeking at the original through fork changes ----------


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
