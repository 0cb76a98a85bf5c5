"""The only way a moderation view obtains a group, discussion or post to act on.

Built on the discussions' public `access` (reading first, so a private group stays
undiscoverable: Http404) and `rules`; a refusal after reading is `Refused` (a 403
with a plain message)."""

from django.http import Http404

from studygroups.discussions import rules as discussion_rules
from studygroups.discussions.access import (
    DiscussionContext,
    Refused,
    access_discussion,
    access_group,
    access_post,
    access_post_for_moderation,
)
from studygroups.discussions.models import Post
from studygroups.groups import rules as group_rules
from studygroups.groups.models import Group, Membership

__all__ = ["Refused", "access_post_for_moderation"]


def access_group_for_moderation(user, group_slug: str) -> Group:
    group = access_group(user, group_slug)
    if not discussion_rules.can_moderate_discussion(user, group):
        raise Refused("Only the group's organizers and facilitators moderate its discussions.")
    return group


def access_discussion_for_moderation(
    user, group_slug: str, document_slug: str
) -> DiscussionContext:
    context = access_discussion(user, group_slug, document_slug)
    if not discussion_rules.can_moderate_discussion(user, context.group):
        raise Refused("Only the group's organizers and facilitators moderate its discussions.")
    if context.discussion is None:
        raise Http404("Nobody has posted in this discussion yet.")
    return context


def access_post_for_report(user, group_slug, document_slug, post_id) -> Post:
    """A post a member may report: someone else's, and neither hidden nor deleted."""
    post = access_post(user, group_slug, document_slug, post_id)
    if not discussion_rules.can_write_discussion(user, post.discussion.group):
        raise Refused("Only members of this group can report its posts.")
    if discussion_rules.is_post_author(user, post):
        raise Refused("You cannot report your own post.")
    if not discussion_rules.can_report_post(user, post):
        raise Refused("That post was removed; there is nothing left to report.")
    return post


def access_post_for_removal(user, group_slug, document_slug, post_id) -> Post:
    """A post a moderator may remove: someone else's (their own they simply delete)."""
    post = access_post_for_moderation(user, group_slug, document_slug, post_id)
    if not discussion_rules.can_remove_post(user, post):
        raise Refused("Delete your own posts as their author.")
    return post


def access_member_for_moderation(user, group_slug: str, user_id: int):
    """(group, membership) of a member `user` may act on: not themselves; a facilitator
    acts on members only, an organizer on anyone but themselves."""
    group = access_group_for_moderation(user, group_slug)
    membership = (
        Membership.objects.filter(group=group, user_id=user_id).select_related("user").first()
    )
    if membership is None:
        raise Http404("No such member.")
    if membership.user_id == user.pk:
        raise Refused("You cannot moderate yourself.")
    if membership.role != Membership.Role.MEMBER and not group_rules.is_organizer(user, group):
        raise Refused("Only an organizer can act on another organizer or facilitator.")
    return group, membership


def access_log(user, group_slug: str) -> Group:
    """The group's moderation log is for its active members (and its moderators)."""
    group = access_group(user, group_slug)
    if not discussion_rules.can_write_discussion(user, group):
        raise Refused("Only the group's members can read its moderation log.")
    return group


def can_decide_appeal(user, appeal) -> bool:
    """The moderator it was assigned to, while still a moderator; site staff when none."""
    if appeal.assigned_to_id is None:
        return bool(user.is_staff)
    if appeal.assigned_to_id != user.pk:
        return False
    return bool(group_rules.is_facilitator(user, appeal.action.group))
