"""Permission predicates for groups, reused by views, fragments, feeds, exports and search.

Each predicate takes (user, group). The viewer's membership comes with the group when the
group was obtained through `access_*` or a selector (`Group.objects.with_viewer(user)`);
a group loaded any other way costs one query per question.
"""

import rules

from .models import Group, Membership


def membership_for(user, group: Group) -> Membership | None:
    """The user's membership of the group (any state), or None."""
    if not user or not user.is_authenticated:
        return None
    if getattr(group, "viewer_id", None) == user.pk:
        # The join leaves the attribute unset when there is no membership row.
        return getattr(group, "viewer_membership", None)
    return Membership.objects.filter(group=group, user=user).first()


@rules.predicate
def is_active_member(user, group: Group) -> bool:
    membership = membership_for(user, group)
    return bool(membership and membership.is_active)


@rules.predicate
def is_organizer(user, group: Group) -> bool:
    membership = membership_for(user, group)
    return bool(membership and membership.can_organize)


@rules.predicate
def is_facilitator(user, group: Group) -> bool:
    membership = membership_for(user, group)
    return bool(membership and membership.can_facilitate)


@rules.predicate
def is_not_private(user, group: Group) -> bool:
    return group.visibility != Group.Visibility.PRIVATE


can_view_group = is_not_private | is_active_member
can_manage_group = is_organizer
can_facilitate_group = is_facilitator

rules.add_perm("groups.view_group", can_view_group)
rules.add_perm("groups.manage_group", can_manage_group)
rules.add_perm("groups.facilitate_group", can_facilitate_group)


@rules.predicate
def can_see_members(user, group: Group) -> bool:
    """Members are listed to organizers always; to active members unless the organizers
    hid the list; to everyone for public groups that do not hide it."""
    membership = membership_for(user, group)
    if membership and membership.can_organize:
        return True
    if group.hide_member_list:
        return False
    if membership and membership.is_active:
        return True
    return group.visibility == Group.Visibility.PUBLIC


can_view_members = can_see_members
rules.add_perm("groups.view_members", can_view_members)
