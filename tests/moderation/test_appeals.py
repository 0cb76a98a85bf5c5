"""Appeals (issue #13): one per action, decided by another moderator or by staff,
the outcome logged and notified."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from studygroups.groups.models import Membership
from studygroups.moderation import services
from studygroups.moderation.models import Appeal, ModerationAction, Notice
from tests.factories import add_member, verified_user

pytestmark = pytest.mark.django_db


def hide(p, facilitator):
    services.post_hide(actor=facilitator, post=p, category="spam", reason="ads")
    return ModerationAction.objects.get(kind="hide")


def test_appeal_goes_to_another_moderator_who_reverses_it(setup, client):
    group, document, author, member, facilitator, p = setup
    organizer = add_member(group, role=Membership.Role.ORGANIZER).user
    action = hide(p, facilitator)
    appeal_url = reverse("moderation:appeal", args=[group.slug, action.pk])
    client.force_login(member)
    assert client.get(appeal_url).status_code == 404  # not theirs to appeal
    client.force_login(author)
    assert client.get(appeal_url).status_code == 200
    assert client.post(appeal_url, {"text": ""}).status_code == 400
    assert client.post(appeal_url, {"text": "It was a quotation"}).status_code == 302
    assert client.post(appeal_url, {"text": "again"}).status_code == 200  # shown, not re-sent
    appeal = Appeal.objects.get()
    assert appeal.assigned_to == organizer
    assert Notice.objects.filter(recipient=organizer, kind="appeal").exists()
    decide_url = reverse("moderation:appeal_decide", args=[group.slug, appeal.pk])
    client.force_login(facilitator)
    assert client.get(decide_url).status_code == 404  # the one who acted does not decide
    client.force_login(organizer)
    response = client.post(decide_url, {"outcome": "reversed", "reason": "a quotation indeed"})
    assert response.status_code == 302
    p.refresh_from_db()
    assert not p.is_hidden
    assert ModerationAction.objects.filter(kind="appeal_reversed").count() == 1
    assert Notice.objects.filter(recipient=author, kind="outcome").exists()
    client.post(decide_url, {"outcome": "upheld", "reason": "changed my mind"})
    assert Appeal.objects.get().outcome == "reversed"  # decided once


def test_appeal_goes_to_staff_when_no_other_moderator(setup, client):
    group, document, author, member, facilitator, p = setup
    staff = verified_user(is_staff=True)
    action = hide(p, facilitator)
    appeal = services.appeal_create(appellant=author, action=action, text="unfair")
    assert appeal.assigned_to is None
    assert Notice.objects.filter(recipient=staff, kind="appeal").exists()
    client.force_login(staff)
    decide_url = reverse("moderation:appeal_decide", args=[group.slug, appeal.pk])
    assert client.post(decide_url, {"outcome": "upheld", "reason": "it was ads"}).status_code == 302
    p.refresh_from_db()
    assert p.is_hidden
    assert ModerationAction.objects.filter(kind="appeal_upheld").exists()


def test_one_appeal_per_action(setup):
    group, document, author, member, facilitator, p = setup
    action = hide(p, facilitator)
    services.appeal_create(appellant=author, action=action, text="one")
    with pytest.raises(ValidationError):
        services.appeal_create(appellant=author, action=action, text="two")


def test_a_banned_member_can_appeal_and_be_readmitted(setup, client):
    group, document, author, member, facilitator, p = setup
    organizer = add_member(group, role=Membership.Role.ORGANIZER).user
    services.member_ban(actor=facilitator, group=group, member=member, reason="threats")
    action = ModerationAction.objects.get(kind="ban")
    client.force_login(member)
    url = reverse("moderation:appeal", args=[group.slug, action.pk])
    assert client.post(url, {"text": "misunderstanding"}).status_code == 302
    appeal = Appeal.objects.get()
    services.appeal_decide(actor=organizer, appeal=appeal, outcome="reversed", reason="ok")
    assert Membership.objects.get(user=member, group=group).is_active
