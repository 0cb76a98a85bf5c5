"""Which curriculum questions a discussion carries, and which answers a member may see
yet (questions that ask for an answer before showing the others')."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from studygroups.curricula.models import DiscussionQuestion
from studygroups.groups.models import Group
from studygroups.groups.rules import is_facilitator
from studygroups.library.models import Document

from .models import Discussion, Post


def questions_for(group: Group, document: Document) -> list[DiscussionQuestion]:
    """The curriculum's questions for this document: questions of the group's series whose
    unit has a reading of the document (and, if tied to a reading, to this document's)."""
    if not group.curriculum_id:
        return []
    return list(
        DiscussionQuestion.objects.filter(
            unit__curriculum_id=group.curriculum_id, unit__readings__document=document
        )
        .filter(Q(reading__isnull=True) | Q(reading__document=document))
        .select_related("unit")
        .distinct()
        .order_by("unit__order", "unit_id", "order", "pk")
    )


def answered_question_ids(user, discussion: Discussion | None) -> set[int]:
    if discussion is None or not user.is_authenticated:
        return set()
    return set(
        Post.objects.filter(
            discussion=discussion, author=user, question__isnull=False, deleted_at__isnull=True
        ).values_list("question_id", flat=True)
    )


@dataclass
class AnswerGate:
    """Which gated questions' answers `user` may not see yet in one discussion."""

    user_id: int | None
    answered: set[int]
    sees_all: bool

    def hides(self, root: Post) -> bool:
        question = root.question
        if question is None or not question.answer_before_seeing or self.sees_all:
            return False
        if self.user_id is not None and root.author_id == self.user_id:
            return False
        return root.question_id not in self.answered


def answer_gate(user, discussion: Discussion | None, group: Group) -> AnswerGate:
    """One query (the user's own answers); moderators see every answer."""
    sees_all = bool(user.is_authenticated and is_facilitator(user, group))
    answered = set() if sees_all else answered_question_ids(user, discussion)
    return AnswerGate(
        user_id=user.pk if user.is_authenticated else None, answered=answered, sees_all=sees_all
    )
