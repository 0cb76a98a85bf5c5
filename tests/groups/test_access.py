"""`access_group` reads the group with its curriculum and the viewer's membership in one
plain statement: the objects must be the ones the ORM query it replaces gives, field by
field, with the same 404 for a missing or a forbidden group."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from studygroups.groups.access import access_group, group_with_viewer
from studygroups.groups.models import Group, Membership
from studygroups.groups.rules import is_active_member, is_organizer, membership_for
from tests.factories import add_member, make_curriculum, make_group, verified_user

pytestmark = pytest.mark.django_db


def _fields(obj):
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def _orm(user, slug):
    return Group.objects.with_viewer(user).select_related("curriculum").filter(slug=slug).first()


@pytest.mark.parametrize("with_curriculum", [True, False])
@pytest.mark.parametrize("viewer", ["organizer", "member", "left", "outsider", "anonymous"])
def test_the_same_objects_as_the_orm(viewer, with_curriculum):
    curriculum = make_curriculum(units=1) if with_curriculum else None
    organizer = verified_user()
    group = make_group(organizer=organizer, curriculum=curriculum)
    user = {
        "organizer": organizer,
        "member": lambda: add_member(group).user,
        "left": lambda: add_member(group, state=Membership.State.LEFT).user,
        "outsider": verified_user,
        "anonymous": AnonymousUser,
    }[viewer]
    user = user if viewer == "organizer" else user()

    found, expected = group_with_viewer(user, group.slug), _orm(user, group.slug)

    assert _fields(found) == _fields(expected)
    assert found._state.adding is False and found._state.db == "default"
    assert type(found.created_at) is type(expected.created_at)
    assert found.viewer_id == expected.viewer_id
    if with_curriculum:
        assert _fields(found.curriculum) == _fields(expected.curriculum)
    else:
        assert found.curriculum is None
    mine, theirs = membership_for(user, found), membership_for(user, expected)
    if theirs is None:
        assert mine is None
    else:
        assert _fields(mine) == _fields(theirs)
        assert mine.group is found  # the membership's group is not fetched again
    assert is_active_member(user, found) == is_active_member(user, expected)
    assert is_organizer(user, found) == is_organizer(user, expected)


def test_another_users_membership_is_not_the_viewers():
    group = make_group()
    member = add_member(group).user
    outsider = verified_user()
    found = group_with_viewer(outsider, group.slug)
    assert found.viewer_membership is None
    assert membership_for(member, group_with_viewer(member, group.slug)).user_id == member.pk


def test_no_query_for_the_rules_after_access(django_assert_num_queries):
    group = make_group(visibility=Group.Visibility.PRIVATE)
    member = add_member(group).user
    with django_assert_num_queries(1):
        found = access_group(member, group.slug)
        assert is_active_member(member, found)
        assert found.curriculum is None


@pytest.mark.parametrize("slug", ["no-such-group", "", "x' OR '1'='1"])
def test_missing_is_404(slug):
    make_group()
    with pytest.raises(Http404):
        access_group(verified_user(), slug)


def test_private_group_is_404_to_outsiders_and_visible_to_members():
    group = make_group(visibility=Group.Visibility.PRIVATE)
    member = add_member(group).user
    left = add_member(group, state=Membership.State.LEFT).user
    for user in (AnonymousUser(), verified_user(), left):
        with pytest.raises(Http404):
            access_group(user, group.slug)
    assert access_group(member, group.slug).pk == group.pk
