"""Every write to reading series that touches several rows or must stay consistent.

Edits touch only their own row and fields (last write of a field wins), so two owners
editing at once never lose a unit. Ordering operations lock the curriculum row and
renumber its units (or a unit's readings or questions) inside one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from studygroups.core.markdown import render_markdown
from studygroups.library.models import Block, Document
from studygroups.library.reading import paragraph_numbers
from studygroups.library.services import unique_slug
from studygroups.library.units import ProposedUnitData, proposed_units_for

from .models import Curriculum, DiscussionQuestion, Reading, Unit
from .ranges import ResolvedRange, reading_paragraphs, reading_range_resolve

UP, DOWN = "up", "down"


# ---------- Helpers ----------


def _lock(curriculum_id: int) -> None:
    """Serialise ordering changes of one curriculum (row lock on PostgreSQL)."""
    list(Curriculum.objects.select_for_update().filter(pk=curriculum_id).values_list("pk"))


def _touch_unit(unit_id: int) -> None:
    """Record that a unit's content changed, so forks can see it."""
    Unit.objects.filter(pk=unit_id).update(updated_at=timezone.now())


def _renumber(rows: list[models.Model]) -> None:
    changed = []
    for n, row in enumerate(rows):
        if row.order != n:
            row.order = n
            changed.append(row)
    if changed:
        type(rows[0]).objects.bulk_update(changed, ["order"])


def _move(
    *,
    siblings: models.QuerySet,
    item: models.Model,
    direction: str = "",
    position: int | None = None,
) -> None:
    """Move `item` one place up or down, or to `position` (1 = first; past the end: last)."""
    if position is None and direction not in (UP, DOWN):
        raise ValidationError(_("Choose to move it up or down."))
    rows = list(siblings.order_by("order", "pk"))
    index = next((i for i, row in enumerate(rows) if row.pk == item.pk), None)
    if index is None:
        raise ValidationError(_("That item was removed by someone else in the meantime."))
    if position is not None:
        target = min(max(position - 1, 0), len(rows) - 1)
    else:
        target = min(max(index - 1 if direction == UP else index + 1, 0), len(rows) - 1)
    rows.insert(target, rows.pop(index))
    _renumber(rows)
    item.order = next(row.order for row in rows if row.pk == item.pk)


def _next_order(queryset: models.QuerySet) -> int:
    last = queryset.aggregate(m=models.Max("order"))["m"]
    return 0 if last is None else last + 1


def _save_changed(instance: models.Model, data: dict[str, Any]) -> list[str]:
    """Set and save only the fields whose values differ, so concurrent edits of other
    fields by another owner are kept."""
    changed = [name for name, value in data.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, data[name])
    instance.full_clean()
    if changed:
        instance.save(update_fields=[*changed, "updated_at"])
    return changed


# ---------- Curricula ----------


@transaction.atomic
def curriculum_create(
    *,
    owner,
    title: str,
    summary: str = "",
    audience: str = "",
    visibility: str = Curriculum.Visibility.PUBLIC,
    target_unit_minutes: int = 60,
) -> Curriculum:
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError({"title": _("Give the reading series a title.")})
    curriculum = Curriculum(
        title=title,
        slug=unique_slug(Curriculum, title, max_length=220),
        summary=summary,
        audience=audience,
        visibility=visibility,
        target_unit_minutes=target_unit_minutes,
    )
    curriculum.full_clean()
    curriculum.save()
    curriculum.owners.add(owner)
    return curriculum


@transaction.atomic
def curriculum_update(*, curriculum: Curriculum, data: dict[str, Any]) -> list[str]:
    """Update the given fields. Publishing sets published_at; republishing after a
    change of status bumps the version."""
    if "title" in data:
        data["title"] = " ".join((data["title"] or "").split())
        if not data["title"]:
            raise ValidationError({"title": _("Give the reading series a title.")})
    publishing = (
        data.get("status") == Curriculum.Status.PUBLISHED
        and curriculum.status != Curriculum.Status.PUBLISHED
    )
    if publishing:
        if curriculum.published_at is not None:
            data["version"] = curriculum.version + 1
        data["published_at"] = timezone.now()
    return _save_changed(curriculum, data)


# ---------- Units ----------


@transaction.atomic
def unit_add(
    *, curriculum: Curriculum, title: str, introduction: str = "", copied_from: Unit | None = None
) -> Unit:
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError({"title": _("Give the unit a title.")})
    _lock(curriculum.pk)
    unit = Unit(
        curriculum=curriculum,
        title=title,
        introduction=introduction,
        order=_next_order(Unit.objects.filter(curriculum=curriculum)),
        copied_from=copied_from,
    )
    unit.full_clean()
    unit.save()
    return unit


@transaction.atomic
def unit_rename(*, unit: Unit, title: str) -> Unit:
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError({"title": _("A unit needs a title.")})
    _save_changed(unit, {"title": title})
    return unit


@transaction.atomic
def unit_update(*, unit: Unit, data: dict[str, Any]) -> list[str]:
    if "title" in data:
        data["title"] = " ".join((data["title"] or "").split())
        if not data["title"]:
            raise ValidationError({"title": _("A unit needs a title.")})
    return _save_changed(unit, data)


@transaction.atomic
def unit_move(*, unit: Unit, direction: str = "", position: int | None = None) -> Unit:
    _lock(unit.curriculum_id)
    _move(
        siblings=Unit.objects.filter(curriculum_id=unit.curriculum_id),
        item=unit,
        direction=direction,
        position=position,
    )
    return unit


@transaction.atomic
def unit_remove(*, unit: Unit) -> None:
    """Remove a unit with its readings and questions; safe to repeat."""
    _lock(unit.curriculum_id)
    Unit.objects.filter(pk=unit.pk).delete()
    siblings = list(Unit.objects.filter(curriculum_id=unit.curriculum_id).order_by("order", "pk"))
    if siblings:
        _renumber(siblings)


@transaction.atomic
def reading_add(
    *,
    unit: Unit,
    document: Document,
    start_anchor: str = "",
    end_anchor: str = "",
    required: bool = True,
    note: str = "",
) -> Reading:
    resolved = reading_range_resolve(
        document=document, start_anchor=start_anchor, end_anchor=end_anchor
    )
    _lock(unit.curriculum_id)
    _refuse_overlap(unit=unit, document=document, resolved=resolved)
    reading = Reading(
        unit=unit,
        document=document,
        document_title=document.title[:300],
        start_anchor=resolved.start_anchor,
        end_anchor=resolved.end_anchor,
        word_count=resolved.word_count,
        required=required,
        note=note,
        order=_next_order(Reading.objects.filter(unit=unit)),
        text_seen_at=document.text_changed_at,
    )
    reading.full_clean()
    reading.save()
    _touch_unit(unit.pk)
    return reading


def _refuse_overlap(*, unit: Unit, document: Document, resolved: ResolvedRange) -> None:
    """Refuse a reading that assigns paragraphs this unit already assigns from the same
    document: the same range again, a range overlapping another, or any part of a text the
    unit already assigns whole (and the whole of a text it assigns a part of). One query,
    two more when both are ranges."""
    others = list(Reading.objects.filter(unit=unit, document=document).order_by("order", "pk"))
    if not others:
        return
    title = document.title
    if not resolved.start_anchor:
        if any(r.is_whole_document for r in others):
            raise ValidationError(
                _("“%(title)s” is already in this unit as the whole text.") % {"title": title}
            )
        raise ValidationError(
            _(
                "Part of “%(title)s” is already in this unit. Remove that reading first if "
                "the unit should assign the whole text."
            )
            % {"title": title}
        )
    if any(r.is_whole_document for r in others):
        raise ValidationError(
            _(
                "“%(title)s” is already in this unit as the whole text, so this part of it "
                "is assigned already."
            )
            % {"title": title}
        )
    anchors = {resolved.start_anchor, resolved.end_anchor}
    anchors |= {a for r in others for a in (r.start_anchor, r.end_anchor)}
    order = dict(
        Block.objects.filter(document=document, anchor__in=anchors).values_list("anchor", "order")
    )
    start, end = order[resolved.start_anchor], order[resolved.end_anchor]
    for other in others:
        if other.start_anchor not in order or other.end_anchor not in order:
            continue  # a range whose ends a correction removed: its own warning says so
        if order[other.start_anchor] > end or order[other.end_anchor] < start:
            continue
        numbers = paragraph_numbers(
            [(document.pk, other.start_anchor), (document.pk, other.end_anchor)]
        )
        params = {
            "title": title,
            "first": numbers.get((document.pk, other.start_anchor), "?"),
            "last": numbers.get((document.pk, other.end_anchor), "?"),
        }
        if (other.start_anchor, other.end_anchor) == (
            resolved.start_anchor,
            resolved.end_anchor,
        ):
            raise ValidationError(
                _(
                    "This unit already assigns exactly these paragraphs of “%(title)s” "
                    "(¶ %(first)s–%(last)s)."
                )
                % params
            )
        raise ValidationError(
            _(
                "This range overlaps paragraphs %(first)s–%(last)s of “%(title)s”, which "
                "this unit already assigns. Choose paragraphs outside that range, or remove "
                "that reading first."
            )
            % params
        )


@transaction.atomic
def reading_update(*, reading: Reading, required: bool, note: str) -> Reading:
    _save_fields(reading, {"required": required, "note": note})
    _touch_unit(reading.unit_id)
    return reading


def _save_fields(instance: models.Model, data: dict[str, Any]) -> None:
    changed = [name for name, value in data.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, data[name])
    instance.full_clean()
    if changed:
        instance.save(update_fields=changed)


@transaction.atomic
def reading_mark_checked(*, reading: Reading) -> Reading:
    """The organizer has looked at the changed text: recount the words and stop warning.
    If the range no longer exists in the new text, the reading becomes the whole text."""
    document = reading.document
    if document is None:
        return reading
    try:
        resolved = reading_range_resolve(
            document=document, start_anchor=reading.start_anchor, end_anchor=reading.end_anchor
        )
    except ValidationError:
        resolved = reading_range_resolve(document=document, start_anchor="", end_anchor="")
    _save_fields(
        reading,
        {
            "start_anchor": resolved.start_anchor,
            "end_anchor": resolved.end_anchor,
            "word_count": resolved.word_count,
            "text_seen_at": document.text_changed_at or timezone.now(),
        },
    )
    return reading


@transaction.atomic
def reading_move(*, reading: Reading, direction: str = "", position: int | None = None) -> Reading:
    _lock(reading.unit.curriculum_id)
    _move(
        siblings=Reading.objects.filter(unit_id=reading.unit_id),
        item=reading,
        direction=direction,
        position=position,
    )
    _touch_unit(reading.unit_id)
    return reading


@transaction.atomic
def reading_remove(*, reading: Reading) -> None:
    _lock(reading.unit.curriculum_id)
    Reading.objects.filter(pk=reading.pk).delete()
    siblings = list(Reading.objects.filter(unit_id=reading.unit_id).order_by("order", "pk"))
    if siblings:
        _renumber(siblings)
    _touch_unit(reading.unit_id)


# ---------- Discussion questions ----------


def _question_data(text: str, reading: Reading | None, unit: Unit, anchor: str) -> dict:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the question.")})
    if reading is not None and reading.unit_id != unit.pk:
        raise ValidationError({"reading": _("Choose one of this unit's readings.")})
    anchor = (anchor or "").strip()
    if anchor:
        if reading is None or reading.document_id is None:
            raise ValidationError(
                _("A question can point at a paragraph only of one of its readings.")
            )
        fresh = Reading.objects.select_related("document").filter(pk=reading.pk).first()
        inside = {
            p.anchor for p in reading_paragraphs([fresh] if fresh else []).get(reading.pk, [])
        }
        if anchor not in inside:
            raise ValidationError(
                _(
                    "That paragraph is not part of the reading's assigned range. It may have "
                    "just changed; choose the paragraph again."
                )
            )
    return {
        "text": text,
        "text_html": render_markdown(text, limited=True),
        "reading": reading,
        "anchor": anchor,
    }


@transaction.atomic
def question_add(
    *,
    unit: Unit,
    text: str,
    reading: Reading | None = None,
    anchor: str = "",
    answer_before_seeing: bool = False,
    facilitator_notes: str = "",
) -> DiscussionQuestion:
    data = _question_data(text, reading, unit, anchor)
    _lock(unit.curriculum_id)
    question = DiscussionQuestion(
        unit=unit,
        order=_next_order(DiscussionQuestion.objects.filter(unit=unit)),
        answer_before_seeing=answer_before_seeing,
        facilitator_notes=facilitator_notes,
        **data,
    )
    question.full_clean()
    question.save()
    _touch_unit(unit.pk)
    return question


@transaction.atomic
def question_update(
    *,
    question: DiscussionQuestion,
    text: str,
    reading: Reading | None = None,
    anchor: str = "",
    answer_before_seeing: bool = False,
    facilitator_notes: str = "",
) -> DiscussionQuestion:
    data = _question_data(text, reading, question.unit, anchor)
    data.update(answer_before_seeing=answer_before_seeing, facilitator_notes=facilitator_notes)
    if _save_changed(question, data):
        _touch_unit(question.unit_id)
    return question


@transaction.atomic
def question_move(
    *, question: DiscussionQuestion, direction: str = "", position: int | None = None
) -> DiscussionQuestion:
    _lock(question.unit.curriculum_id)
    _move(
        siblings=DiscussionQuestion.objects.filter(unit_id=question.unit_id),
        item=question,
        direction=direction,
        position=position,
    )
    _touch_unit(question.unit_id)
    return question


@transaction.atomic
def question_remove(*, question: DiscussionQuestion) -> None:
    _lock(question.unit.curriculum_id)
    DiscussionQuestion.objects.filter(pk=question.pk).delete()
    siblings = list(
        DiscussionQuestion.objects.filter(unit_id=question.unit_id).order_by("order", "pk")
    )
    if siblings:
        _renumber(siblings)
    _touch_unit(question.unit_id)


# ---------- A series from documents ----------


def document_units(document: Document) -> list[ProposedUnitData]:
    """The library's proposed reading units of the document; one whole-document unit for
    a text without paragraphs."""
    return proposed_units_for(document) or [ProposedUnitData(document.title, "", "", 0)]


@transaction.atomic
def curriculum_create_from_documents(
    *,
    owner,
    title: str,
    documents: Sequence[Document],
    summary: str = "",
    visibility: str = Curriculum.Visibility.PUBLIC,
) -> Curriculum:
    """A draft series with one unit per proposed reading unit of each document, in order."""
    if not documents:
        raise ValidationError({"documents": _("Choose at least one document.")})
    curriculum = curriculum_create(owner=owner, title=title, summary=summary, visibility=visibility)
    for document in documents:
        proposals = document_units(document)
        if len(proposals) == 1:
            # One unit holds the whole text: name it after the text and assign it whole.
            proposals = [ProposedUnitData(document.title, "", "", proposals[0].words)]
        for proposal in proposals:
            unit = unit_add(curriculum=curriculum, title=proposal.title[:200] or document.title)
            try:
                reading_add(
                    unit=unit,
                    document=document,
                    start_anchor=proposal.first_anchor,
                    end_anchor=proposal.last_anchor,
                )
            except ValidationError:
                # The proposal's anchors do not fit this text: assign the whole document.
                reading_add(unit=unit, document=document)
    return curriculum
