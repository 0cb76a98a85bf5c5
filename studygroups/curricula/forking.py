"""Copying a reading series (a fork) and telling its owners what changed upstream."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models, transaction
from django.utils import timezone

from studygroups.library.services import unique_slug

from .models import Curriculum, DiscussionQuestion, Reading, Unit
from .rules import can_see_facilitator_notes, can_view_curriculum


@transaction.atomic
def curriculum_fork(*, curriculum: Curriculum, owner) -> Curriculum:
    """Copy a series with its units, readings and questions into a private draft owned by
    `owner`, recording where it came from. Facilitator notes are copied only for someone
    who may read them on the original."""
    keep_notes = bool(can_see_facilitator_notes(owner, curriculum))
    copy = Curriculum(
        title=curriculum.title,
        slug=unique_slug(Curriculum, curriculum.title, max_length=220),
        summary=curriculum.summary,
        audience=curriculum.audience,
        visibility=Curriculum.Visibility.PRIVATE,
        status=Curriculum.Status.DRAFT,
        target_unit_minutes=curriculum.target_unit_minutes,
        forked_from=curriculum,
        forked_at=timezone.now(),
    )
    copy.full_clean()
    copy.save()
    copy.owners.add(owner)
    units = list(curriculum.units.order_by("order", "pk"))
    readings = list(Reading.objects.filter(unit__in=units).order_by("order", "pk"))
    questions = list(DiscussionQuestion.objects.filter(unit__in=units).order_by("order", "pk"))
    new_units = Unit.objects.bulk_create(
        [
            Unit(
                curriculum=copy,
                order=n,
                title=u.title,
                introduction=u.introduction,
                learning_goals=u.learning_goals,
                facilitator_notes=u.facilitator_notes if keep_notes else "",
                copied_from=u,
            )
            for n, u in enumerate(units)
        ]
    )
    unit_map = {old.pk: new for old, new in zip(units, new_units, strict=True)}
    reading_pairs = []
    for r in readings:
        reading_pairs.append(
            (
                r,
                Reading(
                    unit=unit_map[r.unit_id],
                    document_id=r.document_id,
                    document_title=r.document_title,
                    start_anchor=r.start_anchor,
                    end_anchor=r.end_anchor,
                    required=r.required,
                    order=r.order,
                    note=r.note,
                    word_count=r.word_count,
                    text_seen_at=r.text_seen_at,
                ),
            )
        )
    new_readings = Reading.objects.bulk_create([new for _, new in reading_pairs])
    reading_map = {old.pk: new for (old, _), new in zip(reading_pairs, new_readings, strict=True)}
    DiscussionQuestion.objects.bulk_create(
        [
            DiscussionQuestion(
                unit=unit_map[q.unit_id],
                reading=reading_map.get(q.reading_id),
                order=q.order,
                text=q.text,
                text_html=q.text_html,
                anchor=q.anchor,
                answer_before_seeing=q.answer_before_seeing,
                facilitator_notes=q.facilitator_notes if keep_notes else "",
            )
            for q in questions
        ]
    )
    return copy


@dataclass
class ForkChanges:
    new_units: list[Unit] = field(default_factory=list)
    edited_units: list[Unit] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.new_units or self.edited_units)


def fork_changes(curriculum: Curriculum, *, user) -> ForkChanges:
    """What changed in the original since this copy was made: units added there, and units
    whose content (text, readings or questions) was edited there. Empty when `user` may no
    longer view the original (made private or a draft again)."""
    original_id, since = curriculum.forked_from_id, curriculum.forked_at
    if original_id is None or since is None:
        return ForkChanges()
    original = curriculum.forked_from
    if original is None or not can_view_curriculum(user, original):
        return ForkChanges()
    copied = Unit.objects.filter(curriculum=curriculum, copied_from__isnull=False).values(
        "copied_from"
    )
    changes = ForkChanges()
    for unit in (
        Unit.objects.select_related("curriculum")
        .filter(curriculum_id=original_id, updated_at__gt=since)
        .order_by("order", "pk")
        .annotate(in_copy=models.Exists(copied.filter(copied_from=models.OuterRef("pk"))))
    ):
        (changes.edited_units if unit.in_copy else changes.new_units).append(unit)
    return changes
