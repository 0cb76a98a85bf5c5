"""Every branch of the group predicates that views, feeds and reminders turn into flags."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from studygroups.curricula.models import Curriculum
from studygroups.groups import feeds, roster
from studygroups.groups.models import Group, Invitation, Membership
from studygroups.groups.rules import (
    calendar_feed_works,
    can_see_meeting_link,
    can_see_series,
    invitation_hides_group,
    is_joinable,
    series_shown_to_members,
)
from tests.factories import make_curriculum, make_group

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "policy,joinable",
    [
        (Group.JoinPolicy.OPEN, True),
        (Group.JoinPolicy.REQUEST, True),
        (Group.JoinPolicy.INVITATION, False),
    ],
)
def test_is_joinable_unless_by_invitation(organizer, policy, joinable):
    group = make_group(organizer=organizer, join_policy=policy)
    assert is_joinable(AnonymousUser(), group) is joinable


def test_meeting_link_for_active_members_only(organizer, member, outsider, private_group):
    assert can_see_meeting_link(member, private_group)
    assert can_see_meeting_link(organizer, private_group)
    assert not can_see_meeting_link(outsider, private_group)
    assert not can_see_meeting_link(AnonymousUser(), private_group)
    Membership.objects.filter(user=member).update(state=Membership.State.REQUESTED)
    assert not can_see_meeting_link(member, Group.objects.get(pk=private_group.pk))


def test_series_visibility(organizer, member, outsider):
    assert can_see_series(outsider, make_group(organizer=organizer))  # no series
    curriculum = make_curriculum(
        units=1, readings_per_unit=1, questions_per_unit=1, owner=organizer
    )
    group = make_group(organizer=organizer, members=[member], curriculum=curriculum)
    assert can_see_series(outsider, group) and series_shown_to_members(group)
    Curriculum.objects.filter(pk=curriculum.pk).update(status=Curriculum.Status.DRAFT)
    group = Group.objects.select_related("curriculum").get(pk=group.pk)
    assert not series_shown_to_members(group)
    assert not can_see_series(member, group) and not can_see_series(outsider, group)
    assert can_see_series(organizer, Group.objects.select_related("curriculum").get(pk=group.pk))
    assert series_shown_to_members(make_group(organizer=organizer))


def test_calendar_feed_works_while_its_owner_is_a_member(member, private_group):
    assert calendar_feed_works(feeds.feed_token_get(user=member))  # all groups
    feed = feeds.feed_token_get(user=member, group=private_group)
    assert calendar_feed_works(feed)
    roster.membership_remove(membership=Membership.objects.get(user=member, group=private_group))
    assert not calendar_feed_works(feed)


@pytest.mark.parametrize("visibility", [Group.Visibility.PRIVATE, Group.Visibility.PUBLIC])
def test_dead_invitation_hides_only_a_private_group(organizer, visibility):
    group = make_group(organizer=organizer, visibility=visibility)
    invitation = Invitation(group=group, token="t")
    assert not invitation_hides_group(invitation, problem="")
    invitation.expires_at = timezone.now() - dt.timedelta(days=1)
    hidden = invitation_hides_group(invitation, problem=invitation.problem())
    assert hidden is (visibility == Group.Visibility.PRIVATE)
