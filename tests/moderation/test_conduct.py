"""Members accept the group's code of conduct when they join (issue #13), whatever the
way in: joining, asking to join and being approved, or accepting an invitation. The
rule lives in the roster services, so no view can skip it."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from studygroups.groups import roster
from studygroups.groups.models import Group, Membership
from tests.factories import add_member, make_group, verified_user

pytestmark = pytest.mark.django_db

CODE = "Disagree with ideas, not people."


@pytest.fixture
def group():
    return make_group(
        visibility=Group.Visibility.PUBLIC,
        join_policy=Group.JoinPolicy.OPEN,
        code_of_conduct=CODE,
    )


def organizer_of(group):
    return Membership.objects.get(group=group, role=Membership.Role.ORGANIZER).user


def test_joining_requires_accepting_the_code(group):
    user = verified_user()
    with pytest.raises(ValidationError, match="code of conduct"):
        roster.membership_join(group=group, user=user)
    assert not Membership.objects.filter(group=group, user=user).exists()
    membership = roster.membership_join(group=group, user=user, accept_conduct=True)
    assert membership.is_active and membership.conduct_accepted_at is not None


def test_a_group_without_a_code_needs_no_acceptance():
    group = make_group(visibility=Group.Visibility.PUBLIC, join_policy=Group.JoinPolicy.OPEN)
    assert roster.membership_join(group=group, user=verified_user()).is_active


def test_approving_a_request_requires_that_it_accepted_the_code(group):
    group.join_policy = Group.JoinPolicy.REQUEST
    group.save()
    requester = verified_user()
    # A request from before the group had a code (or made around the service).
    old = add_member(group, requester, state=Membership.State.REQUESTED)
    with pytest.raises(ValidationError, match="without accepting"):
        roster.membership_approve(membership=old)
    old.refresh_from_db()
    assert old.state == Membership.State.REQUESTED
    # Asking again, accepting the code, makes the request approvable.
    again = roster.membership_join(group=group, user=requester, accept_conduct=True)
    assert roster.membership_approve(membership=again).is_active


def test_accepting_an_invitation_requires_accepting_the_code(group):
    invitation = roster.invitation_create(group=group, created_by=organizer_of(group))
    user = verified_user()
    with pytest.raises(ValidationError, match="code of conduct"):
        roster.invitation_accept(invitation=invitation, user=user)
    assert not Membership.objects.filter(group=group, user=user).exists()
    invitation.refresh_from_db()
    assert invitation.uses == 0
    membership = roster.invitation_accept(invitation=invitation, user=user, accept_conduct=True)
    assert membership.is_active and membership.conduct_accepted_at is not None


def test_the_invitation_page_shows_the_code_and_asks_for_the_tick(group, client):
    invitation = roster.invitation_create(group=group, created_by=organizer_of(group))
    user = verified_user()
    client.force_login(user)
    url = reverse("groups:invitation", args=[invitation.token])
    html = client.get(url).content.decode()
    assert CODE in html
    assert 'name="accept_conduct"' in html and "required" in html
    response = client.post(url, follow=True)
    assert "code of conduct" in response.content.decode()
    assert not Membership.objects.filter(group=group, user=user).exists()
    response = client.post(url, {"accept_conduct": "1"})
    assert response.status_code == 302
    assert Membership.objects.get(group=group, user=user).conduct_accepted_at is not None


def test_the_approval_refusal_is_explained_on_the_members_page(group, client):
    group.join_policy = Group.JoinPolicy.REQUEST
    group.save()
    request = add_member(group, state=Membership.State.REQUESTED)
    client.force_login(organizer_of(group))
    response = client.post(
        reverse("groups:member_action", args=[group.slug, request.pk]),
        {"action": "approve"},
        follow=True,
    )
    assert "without accepting" in response.content.decode()
    request.refresh_from_db()
    assert request.state == Membership.State.REQUESTED
