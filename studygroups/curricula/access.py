"""The only way a view obtains a reading series or one of its parts.

Every function returns the object or raises Http404, the same answer for missing and
forbidden, so drafts and private series cannot be discovered.
"""

from django.http import Http404

from studygroups.library.models import Document

from .models import Curriculum, DiscussionQuestion, Reading, Unit
from .rules import can_edit_curriculum, can_view_curriculum


def _int_or_404(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404("No such item.") from None


def access_curriculum(user, slug: str) -> Curriculum:
    """A curriculum the user may read."""
    curriculum = Curriculum.objects.filter(slug=slug).first()
    if curriculum is None or not can_view_curriculum(user, curriculum):
        raise Http404("No such reading series.")
    return curriculum


def access_curriculum_for_edit(user, slug: str) -> Curriculum:
    """A curriculum the user owns."""
    curriculum = Curriculum.objects.filter(slug=slug).first()
    if curriculum is None or not can_edit_curriculum(user, curriculum):
        raise Http404("No such reading series.")
    return curriculum


def access_unit(user, slug: str, unit_id, *, edit: bool = False) -> Unit:
    curriculum = (access_curriculum_for_edit if edit else access_curriculum)(user, slug)
    unit = Unit.objects.filter(pk=_int_or_404(unit_id), curriculum=curriculum).first()
    if unit is None:
        raise Http404("No such unit.")
    unit.curriculum = curriculum
    return unit


def access_reading_for_edit(user, slug: str, unit_id, reading_id) -> Reading:
    unit = access_unit(user, slug, unit_id, edit=True)
    reading = (
        Reading.objects.select_related("document")
        .filter(pk=_int_or_404(reading_id), unit=unit)
        .first()
    )
    if reading is None:
        raise Http404("No such reading.")
    reading.unit = unit
    return reading


def access_question_for_edit(user, slug: str, unit_id, question_id) -> DiscussionQuestion:
    unit = access_unit(user, slug, unit_id, edit=True)
    question = DiscussionQuestion.objects.filter(pk=_int_or_404(question_id), unit=unit).first()
    if question is None:
        raise Http404("No such question.")
    question.unit = unit
    return question


def access_document(document_id) -> Document:
    """A library document to assign (the library is public to everyone)."""
    document = Document.objects.filter(pk=_int_or_404(document_id)).first()
    if document is None:
        raise Http404("No such document.")
    return document
