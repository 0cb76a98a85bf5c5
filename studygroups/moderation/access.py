"""The only way a moderation view obtains a group, discussion or post to act on.

Built on the discussions' public `access` (reading first, so a private group stays
undiscoverable: Http404) and `rules`; a refusal after reading is `Refused` (a 403
with a plain message)."""

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from studygroups.discussions import access as discussion_access
from studygroups.discussions import rules as discussion_rules
from studygroups.discussions.access import (
    DiscussionContext,
    Refused,
    access_discussion,
    access_group,
    access_post,
)
from studygroups.discussions.models import Discussion, Post
from studygroups.groups import rules as group_rules
from studygroups.groups.models import Group, Membership

from .models import Report

__all__ = ["Refused", "access_post_for_moderation"]

NOT_MODERATOR = _lazy("Only the group's organizers and facilitators moderate its discussions.")


def _is_staff(user) -> bool:
    return bool(user.is_authenticated and user.is_staff and user.is_active)


def _escalated(**lookups):
    """Reports escalated to site staff (asked for, or about a moderator's own post): the
    only things site staff act on in a group they do not moderate."""
    return Report.objects.filter(for_staff=True, **lookups)


def access_group_for_moderation(user, group_slug: str) -> Group:
    group = access_group(user, group_slug)
    if not discussion_rules.can_moderate_discussion(user, group):
        raise Refused(NOT_MODERATOR)
    return group


def access_discussion_for_moderation(
    user, group_slug: str, document_slug: str
) -> DiscussionContext:
    """A discussion its group's moderators act on; site staff too, where one of its posts
    carries a report escalated to them."""
    try:
        context = access_discussion(user, group_slug, document_slug)
        if not discussion_rules.can_moderate_discussion(user, context.group):
            raise Refused(NOT_MODERATOR)
    except (Http404, Refused):
        if not _is_staff(user):
            raise
        discussion = (
            Discussion.objects.filter(
                group__slug=group_slug,
                document__slug=document_slug,
                pk__in=_escalated().values("post__discussion"),
            )
            .select_related("group", "document")
            .first()
        )
        if discussion is None:
            raise
        return DiscussionContext(
            group=discussion.group, document=discussion.document, discussion=discussion
        )
    if context.discussion is None:
        raise Http404(_("Nobody has posted in this discussion yet."))
    return context


def access_post_for_moderation(user, group_slug, document_slug, post_id) -> Post:
    """A post its group's moderators act on; site staff too, when it carries a report
    escalated to them."""
    try:
        return discussion_access.access_post_for_moderation(
            user, group_slug, document_slug, post_id
        )
    except (Http404, Refused):
        if not _is_staff(user):
            raise
        post = (
            Post.objects.filter(
                pk=post_id,
                discussion__group__slug=group_slug,
                discussion__document__slug=document_slug,
                pk__in=_escalated().values("post"),
            )
            .select_related("author", "question", "discussion__group", "discussion__document")
            .first()
        )
        if post is None:
            raise
        return post


def access_post_for_decision(user, group_slug, document_slug, post_id) -> Post:
    """A post a moderator restores or approves: never their own (another moderator, or
    site staff, decides about a moderator's own words)."""
    post = access_post_for_moderation(user, group_slug, document_slug, post_id)
    if post.author_id is not None and post.author_id == user.pk:
        raise Refused(_("Another moderator decides about your own post."))
    return post


def access_report_for_moderation(user, group_slug: str, report_id) -> tuple[Group, Report]:
    """(group, report) of a report `user` may resolve: the group's moderators resolve the
    group's own reports; site staff the reports escalated to them. A report escalated to
    staff is not its group's moderators' to dismiss (it may be about one of them)."""
    reports = Report.objects.filter(pk=report_id).select_related(
        "post__discussion__group", "post__discussion__document", "post__author"
    )
    try:
        group = access_group_for_moderation(user, group_slug)
        report = reports.filter(post__discussion__group=group, for_staff=False).first()
    except (Http404, Refused):
        if not _is_staff(user):
            raise
        report = None
    if report is None and _is_staff(user):
        report = reports.filter(post__discussion__group__slug=group_slug, for_staff=True).first()
    if report is None:
        raise Http404(_("No such report."))
    return report.post.discussion.group, report


def access_post_for_report(user, group_slug, document_slug, post_id) -> Post:
    """A post a member may report: someone else's, and neither hidden nor deleted."""
    post = access_post(user, group_slug, document_slug, post_id)
    if not discussion_rules.can_write_discussion(user, post.discussion.group):
        raise Refused(_("Only members of this group can report its posts."))
    if discussion_rules.is_post_author(user, post):
        raise Refused(_("You cannot report your own post."))
    if not discussion_rules.can_report_post(user, post):
        raise Refused(_("That post was removed; there is nothing left to report."))
    return post


def access_post_for_removal(user, group_slug, document_slug, post_id) -> Post:
    """A post a moderator may remove: someone else's (their own they simply delete)."""
    post = access_post_for_moderation(user, group_slug, document_slug, post_id)
    # Moderating it is settled above (the group's moderators, or staff on an escalated
    # report); what is left of `can_remove_post` is that it is someone else's.
    if discussion_rules.is_post_author(user, post):
        raise Refused(_("Delete your own posts as their author."))
    return post


def access_member_for_moderation(user, group_slug: str, user_id: int):
    """(group, membership) of a member `user` may act on: not themselves; a facilitator
    acts on members only, an organizer on anyone but themselves; site staff on the
    author of a post reported to them."""
    try:
        group = access_group_for_moderation(user, group_slug)
    except (Http404, Refused):
        if not _is_staff(user):
            raise
        group = Group.objects.filter(
            slug=group_slug,
            pk__in=_escalated(post__author_id=user_id).values("post__discussion__group"),
        ).first()
        if group is None:
            raise
        staff = True
    else:
        staff = False
    membership = (
        Membership.objects.filter(group=group, user_id=user_id).select_related("user").first()
    )
    if membership is None:
        raise Http404(_("No such member."))
    if membership.user_id == user.pk:
        raise Refused(_("You cannot moderate yourself."))
    if (
        not staff
        and membership.role != Membership.Role.MEMBER
        and not group_rules.is_organizer(user, group)
    ):
        raise Refused(_("Only an organizer can act on another organizer or facilitator."))
    return group, membership


def access_log(user, group_slug: str) -> Group:
    """The group's moderation log is for its active members (and its moderators)."""
    group = access_group(user, group_slug)
    if not discussion_rules.can_write_discussion(user, group):
        raise Refused(_("Only the group's members can read its moderation log."))
    return group


def can_decide_appeal(user, appeal) -> bool:
    """The moderator it was assigned to, while still a moderator; site staff when none."""
    if appeal.assigned_to_id is None:
        return bool(user.is_staff)
    if appeal.assigned_to_id != user.pk:
        return False
    return bool(group_rules.is_facilitator(user, appeal.action.group))
