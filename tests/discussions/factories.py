"""Groups and memberships made directly with the ORM (the groups app's services are
written in parallel), plus helpers to write posts through the discussion services."""

import itertools

from studygroups.curricula.models import Curriculum, DiscussionQuestion, Reading, Unit
from studygroups.discussions import services
from studygroups.groups.models import Group, Membership
from tests.factories import verified_user

_n = itertools.count()


def make_group(*, visibility=Group.Visibility.PRIVATE, name=None, **kwargs) -> Group:
    n = next(_n)
    return Group.objects.create(
        name=name or f"Group {n}", slug=f"group-{n}", visibility=visibility, **kwargs
    )


def add_member(group, user=None, *, role=Membership.Role.MEMBER, state=Membership.State.ACTIVE):
    user = user or verified_user()
    Membership.objects.create(group=group, user=user, role=role, state=state)
    return user


def first_anchor(document, index=0) -> str:
    return list(
        document.blocks.exclude(kind="heading").order_by("order").values_list("anchor", flat=True)
    )[index]


def post(group, document, author, body="A post.", **kwargs):
    return services.post_create(author=author, group=group, document=document, body=body, **kwargs)[
        0
    ]


def reply(parent, author, body="A reply."):
    return services.post_reply(author=author, parent=parent, body=body)[0]


def make_question(group, document, *, text="What is the main claim?", gated=False):
    """A curriculum with a unit reading `document`, assigned to `group`, with a question."""
    n = next(_n)
    curriculum = group.curriculum or Curriculum.objects.create(
        title=f"Series {n}", slug=f"series-{n}"
    )
    if group.curriculum_id != curriculum.pk:
        group.curriculum = curriculum
        group.save(update_fields=["curriculum"])
    unit = Unit.objects.create(curriculum=curriculum, order=n, title=f"Unit {n}")
    Reading.objects.create(unit=unit, document=document, document_title=document.title)
    return DiscussionQuestion.objects.create(
        unit=unit, text=text, text_html=f"<p>{text}</p>", answer_before_seeing=gated
    )
