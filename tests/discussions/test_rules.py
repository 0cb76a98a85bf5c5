"""The discussions' predicates and the flags views hand to templates."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from studygroups.discussions import access
from studygroups.discussions.rules import NO_ACTIONS, PostActions, can_see_member, post_actions
from studygroups.groups.models import Group, Membership
from tests.factories import add_member, make_group, post, verified_user

pytestmark = pytest.mark.django_db


def actions(user, p) -> PostActions:
    """The flags as a view computes them: on a post obtained through access.py."""
    d = p.discussion
    return post_actions(user, access.access_post(user, d.group.slug, d.document.slug, p.pk))


@pytest.fixture
def people(group, document):
    author = add_member(group).user
    member = add_member(group).user
    facilitator = add_member(group, role=Membership.Role.FACILITATOR).user
    return author, member, facilitator, post(group, document, author, "words")


def test_author_member_and_moderator_flags(people):
    author, member, facilitator, p = people
    assert actions(author, p) == PostActions(reply=True, edit=True, delete=True)
    assert actions(member, p) == PostActions(reply=True, report=True)
    assert actions(facilitator, p) == PostActions(
        reply=True, remove=True, report=True, moderate=True
    )


def test_moderator_deletes_their_own_post_as_its_author(people, group, document):
    author, member, facilitator, p = people
    own = post(group, document, facilitator, "mine")
    assert actions(facilitator, own) == PostActions(
        reply=True, edit=True, delete=True, moderate=True
    )


def test_visitors_of_a_public_group_may_only_read(document):
    group = make_group(organizer=None, visibility=Group.Visibility.PUBLIC)
    p = post(group, document, add_member(group).user, "open words")
    assert actions(AnonymousUser(), p) == PostActions()
    assert actions(verified_user(), p) == PostActions()


def test_hidden_post_can_only_be_moderated_or_deleted_by_its_author(people):
    author, member, facilitator, p = people
    p.hidden_at = p.created_at
    p.save(update_fields=["hidden_at"])
    assert actions(author, p) == PostActions(delete=True)
    assert actions(member, p) == PostActions()
    assert actions(facilitator, p) == PostActions(remove=True, moderate=True)


def test_deleted_post_has_no_actions(people):
    author, member, facilitator, p = people
    p.deleted_at = p.created_at
    p.save(update_fields=["deleted_at"])
    for user in (author, member, facilitator):
        assert actions(user, p) is NO_ACTIONS


def test_locked_discussion_allows_no_reply_or_edit(people):
    author, member, facilitator, p = people
    p.discussion.locked_at = p.created_at
    p.discussion.save(update_fields=["locked_at"])
    assert actions(author, p) == PostActions(delete=True)
    assert actions(member, p) == PostActions(report=True)


def test_former_member_keeps_no_action_on_their_post(document):
    group = make_group(organizer=None, visibility=Group.Visibility.PUBLIC)
    author = add_member(group).user
    p = post(group, document, author, "words")
    Membership.objects.filter(user=author).update(state=Membership.State.LEFT)
    assert actions(author, p) == PostActions()


def member_membership(group, user, viewer):
    membership = Membership.objects.get(group=group, user=user)
    membership.group = access.access_group(viewer, group.slug)
    return membership


@pytest.mark.parametrize("hidden", [False, True])
def test_member_page_follows_the_member_list(hidden):
    group = make_group(
        organizer=None, visibility=Group.Visibility.UNLISTED, hide_member_list=hidden
    )
    someone = add_member(group).user
    organizer = add_member(group, role=Membership.Role.ORGANIZER).user
    other = add_member(group).user
    outsider = verified_user()
    # Hidden with the list, but never from organizers nor from the member themselves.
    assert can_see_member(organizer, member_membership(group, someone, organizer))
    assert can_see_member(someone, member_membership(group, someone, someone))
    assert can_see_member(other, member_membership(group, someone, other)) is not hidden
    # Wider than groups.rules.can_see_members: a visitor of an unlisted group sees a
    # member's page while the list is shown.
    assert can_see_member(outsider, member_membership(group, someone, outsider)) is not hidden


def test_member_page_view(client):
    group = make_group(organizer=None, visibility=Group.Visibility.UNLISTED, hide_member_list=True)
    someone = add_member(group).user
    url = reverse("discussions:member", args=[group.slug, someone.pk])
    client.force_login(add_member(group).user)
    assert client.get(url).status_code == 404
    client.force_login(someone)
    assert client.get(url).status_code == 200
