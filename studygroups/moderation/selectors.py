"""The moderation queues as ready data: open reports, the log, a moderator's notices."""

from dataclasses import dataclass

from studygroups.discussions.access import DiscussionContext
from studygroups.discussions.models import Post
from studygroups.groups.models import Group, Membership

from .forms import ActionForm, HideForm, MuteForm, SlowModeForm
from .models import ModerationAction, Notice, Report

LOG_LENGTH = 50
NOTICE_LENGTH = 50


HISTORY_LENGTH = 10


def action_forms() -> dict:
    """Empty forms for the actions a page offers (one prefix each, so ids stay unique)."""
    return {"hide_form": HideForm(), "reason_form": ActionForm()}


@dataclass
class Queue:
    group: Group | None
    reports: list[Report]
    log: list[ModerationAction]
    staff: bool = False
    awaiting: list[Post] | None = None

    def as_context(self) -> dict:
        return {
            "group": self.group,
            "reports": self.reports,
            "log": self.log,
            "staff": self.staff,
            "awaiting": self.awaiting or [],
        } | action_forms()


def _open_reports():
    return (
        Report.objects.filter(resolved_at__isnull=True)
        .select_related(
            "post__author", "post__discussion__document", "post__discussion__group", "reporter"
        )
        .order_by("created_at")
    )


def moderation_queue(group: Group) -> Queue:
    """The group's queue: open reports the group's moderators handle (not the staff's)."""
    reports = _open_reports().filter(post__discussion__group=group, for_staff=False)
    awaiting = (
        Post.objects.filter(discussion__group=group, awaiting_approval=True)
        .select_related("author", "discussion__document", "discussion__group")
        .order_by("created_at")
    )
    return Queue(
        group=group,
        reports=list(reports),
        log=group_log(group),
        awaiting=list(awaiting),
    )


def group_log(group: Group, *, limit: int = LOG_LENGTH) -> list[ModerationAction]:
    return list(
        ModerationAction.objects.filter(group=group)
        .select_related("actor", "member", "discussion__document", "post", "appeal")
        .order_by("-created_at")[:limit]
    )


def report_for_queue(group: Group, report_id) -> Report | None:
    return _open_reports_any().filter(pk=report_id, post__discussion__group=group).first()


def _open_reports_any():
    return Report.objects.select_related(
        "post__author", "post__discussion__document", "post__discussion__group", "reporter"
    )


def author_history(group: Group, user_id: int | None) -> list[Post]:
    """The member's latest posts in the group, hidden and held ones too (for moderators)."""
    if user_id is None:
        return []
    return list(
        Post.objects.filter(discussion__group=group, author_id=user_id)
        .select_related("discussion__document")
        .order_by("-created_at")[:HISTORY_LENGTH]
    )


def post_tools(user, post: Post) -> dict:
    group = post.discussion.group
    return {
        "group": group,
        "document": post.discussion.document,
        "post": post,
        "reports": list(
            Report.objects.filter(post=post).select_related("reporter").order_by("-created_at")
        ),
        "history": author_history(group, post.author_id),
        "log": list(
            ModerationAction.objects.filter(post=post)
            .select_related("actor")
            .order_by("-created_at")
        ),
    } | action_forms()


def discussion_tools(ctx: DiscussionContext) -> dict:
    return {
        "group": ctx.group,
        "document": ctx.document,
        "discussion": ctx.discussion,
        "reason_form": ActionForm(),
        "slow_form": SlowModeForm(initial={"seconds": str(ctx.discussion.slow_mode_seconds)}),
    }


def member_tools(group: Group, membership: Membership) -> dict:
    return {
        "group": group,
        "membership": membership,
        "member": membership.user,
        "history": author_history(group, membership.user_id),
        "log": list(
            ModerationAction.objects.filter(group=group, member=membership.user)
            .select_related("actor", "member", "discussion__document", "post")
            .order_by("-created_at")[:LOG_LENGTH]
        ),
        "mute_form": MuteForm(),
        "reason_form": ActionForm(),
    }


def staff_queue() -> Queue:
    """Site staff's queue: reports asked for staff or about a moderator's own post."""
    return Queue(
        group=None, reports=list(_open_reports().filter(for_staff=True)), log=[], staff=True
    )


def open_report_count(group: Group) -> int:
    """Open reports in the group's own queue: one query, whatever the group's size."""
    return Report.objects.filter(
        post__discussion__group=group, resolved_at__isnull=True, for_staff=False
    ).count()


def notices_for(user) -> list[Notice]:
    return list(
        Notice.objects.filter(recipient=user).select_related("group", "report")[:NOTICE_LENGTH]
    )
