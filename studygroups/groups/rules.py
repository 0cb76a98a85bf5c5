"""Permission predicates for groups, reused by views, fragments, feeds, exports and search.

Every rule about who may see or do what in a group lives here; views turn them into
flags (`can_manage`, `can_see_members`, ...) and templates only read the flags.

Each predicate takes (user, group). The viewer's membership comes with the group when the
group was obtained through `access_*` or a selector (`Group.objects.with_viewer(user)`);
a group loaded any other way costs one query per question.
"""

import rules

from studygroups.curricula.models import Curriculum
from studygroups.curricula.rules import can_view_curriculum

from .models import CalendarFeedToken, Group, Membership


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
def is_muted(user, group: Group) -> bool:
    """A moderator muted the member for a while: they can read, not post."""
    membership = membership_for(user, group)
    return bool(membership and membership.is_muted())


@rules.predicate
def is_not_private(user, group: Group) -> bool:
    return group.visibility != Group.Visibility.PRIVATE


@rules.predicate
def is_joinable(user, group: Group) -> bool:
    """Anyone may join or ask to join, unless joining is by invitation only."""
    return group.join_policy != Group.JoinPolicy.INVITATION


can_view_group = is_not_private | is_active_member
can_manage_group = is_organizer
can_facilitate_group = is_facilitator
# The meeting place is public; the video link is for members (pages and calendars).
can_see_meeting_link = is_active_member


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


@rules.predicate
def can_see_series(user, group: Group) -> bool:
    """May `user` see what the group's reading series contains (its title, units and
    readings)? The one check every page, fragment and calendar of a group uses: a
    public group must not reveal a draft or private series to people who cannot open it.
    Checks are cached per curriculum object; pass groups sharing one curriculum object."""
    curriculum = group.curriculum if group.curriculum_id else None
    return curriculum is None or bool(can_view_curriculum(user, curriculum))


def series_shown_to_members(group: Group) -> bool:
    """`can_see_series` for any active member, without asking per member: members may see
    the series once it is published; a draft stays with its owners (reminder e-mails)."""
    curriculum = group.curriculum if group.curriculum_id else None
    return curriculum is None or curriculum.status == Curriculum.Status.PUBLISHED


def calendar_feed_works(feed: CalendarFeedToken) -> bool:
    """A feed for one group works only while its owner is an active member of it; the
    all-groups feed lists only the owner's active groups, so it always works."""
    return feed.group_id is None or bool(is_active_member(feed.user, feed.group))


def invitation_hides_group(invitation, *, problem: str) -> bool:
    """A dead link to a private group must not tell who is behind it."""
    return bool(problem) and invitation.group.visibility == Group.Visibility.PRIVATE
