"""Invitations: who may use a link, and what a dead link tells."""

import pytest
from django.core.exceptions import ValidationError

from studygroups.groups import roster
from studygroups.groups.models import Membership

pytestmark = pytest.mark.django_db


# ---------- a removed member cannot come back through an old link ----------


def _removed(group, user) -> Membership:
    membership = Membership.objects.get(group=group, user=user)
    return roster.membership_remove(membership=membership)


def test_removed_member_cannot_rejoin_with_shareable_link(organizer, member, private_group):
    link = roster.invitation_create(group=private_group, created_by=organizer)
    _removed(private_group, member)
    with pytest.raises(ValidationError, match="removed"):
        roster.invitation_accept(invitation=link, user=member)
    assert Membership.objects.get(group=private_group, user=member).state == "removed"


def test_removed_member_cannot_rejoin_with_an_older_personal_invitation(
    organizer, member, private_group
):
    personal = roster.invitation_create(
        group=private_group, created_by=organizer, email=member.email
    )
    _removed(private_group, member)
    with pytest.raises(ValidationError, match="removed"):
        roster.invitation_accept(invitation=personal, user=member)


def test_removed_member_can_return_with_a_new_personal_invitation(organizer, member, private_group):
    _removed(private_group, member)
    personal = roster.invitation_create(
        group=private_group, created_by=organizer, email=member.email
    )
    assert roster.invitation_accept(invitation=personal, user=member).is_active


# ---------- revoked invitations say nothing about private groups ----------


def test_revoked_invitation_to_private_group_hides_its_name(client, organizer, private_group):
    invitation = roster.invitation_create(group=private_group, created_by=organizer)
    roster.invitation_revoke(invitation=invitation)
    response = client.get(invitation.get_absolute_url())
    assert response.status_code == 410
    assert b"Secret Readers" not in response.content
