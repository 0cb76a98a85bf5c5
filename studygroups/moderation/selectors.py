"""The moderation queues as ready data: open reports, the log, a moderator's notices."""

from dataclasses import dataclass

from django.db.models import Count
from django.urls import reverse

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
    return {
        "hide_form": HideForm(),
        "reason_form": ActionForm(),
        "mute_form": MuteForm(),
        "slow_form": SlowModeForm(),
    }


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
            "queue_url": queue_url(self.group, staff=self.staff),
        } | action_forms()


def queue_url(group: Group | None, *, staff: bool) -> str:
    if staff or group is None:
        return reverse("moderation:staff_queue")
    return reverse("moderation:queue", kwargs={"group_slug": group.slug})


def with_author_standing(reports: list[Report], viewer, *, staff: bool) -> list[Report]:
    """Give each report `author_membership` (the author's standing in the group, or None)
    and `can_act_on_author`: whether `viewer` may mute, remove or ban them from the queue
    (an organizer: anyone but themselves; a facilitator: members; site staff, in their
    queue: anyone). One query for the whole list."""
    if not reports:
        return reports
    groups = {r.post.discussion.group_id for r in reports}
    authors = {r.post.author_id for r in reports if r.post.author_id}
    standing = {
        (m.group_id, m.user_id): m
        for m in Membership.objects.filter(group_id__in=groups, user_id__in=authors | {viewer.pk})
    }
    for r in reports:
        group_id, author_id = r.post.discussion.group_id, r.post.author_id
        membership = standing.get((group_id, author_id)) if author_id else None
        mine = standing.get((group_id, viewer.pk))
        organizer = bool(mine and mine.can_organize)
        r.author_membership = membership
        r.can_act_on_author = bool(
            membership is not None
            and author_id != viewer.pk
            and (staff or organizer or membership.role == Membership.Role.MEMBER)
        )
    return reports


def _open_reports():
    return (
        Report.objects.filter(resolved_at__isnull=True)
        .select_related(
            "post__author", "post__discussion__document", "post__discussion__group", "reporter"
        )
        .order_by("created_at")
    )


def moderation_queue(group: Group, viewer) -> Queue:
    """The group's queue: open reports the group's moderators handle (not the staff's)."""
    reports = with_author_standing(
        list(_open_reports().filter(post__discussion__group=group, for_staff=False)),
        viewer,
        staff=False,
    )
    awaiting = (
        Post.objects.filter(discussion__group=group, awaiting_approval=True)
        .select_related("author", "discussion__document", "discussion__group")
        .order_by("created_at")
    )
    return Queue(
        group=group,
        reports=reports,
        log=group_log(group),
        awaiting=list(awaiting),
    )


def group_log(group: Group, *, limit: int = LOG_LENGTH) -> list[ModerationAction]:
    return list(
        ModerationAction.objects.filter(group=group)
        .select_related("actor", "member", "discussion__document", "post", "appeal")
        .order_by("-created_at")[:limit]
    )


def report_for_queue(group: Group, report_id, viewer, *, staff: bool) -> Report | None:
    """One report of the group's queue (or, `staff`, of the staff queue), open or just
    resolved, as the queue draws it."""
    report = (
        Report.objects.select_related(
            "post__author", "post__discussion__document", "post__discussion__group", "reporter"
        )
        .filter(pk=report_id, post__discussion__group=group, for_staff=staff)
        .first()
    )
    if report is None:
        return None
    return with_author_standing([report], viewer, staff=staff)[0]


def awaiting_for_queue(group: Group, post_id) -> Post | None:
    return (
        Post.objects.filter(pk=post_id, discussion__group=group)
        .select_related("author", "discussion__document", "discussion__group")
        .first()
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


def staff_queue(viewer) -> Queue:
    """Site staff's queue: reports asked for staff or about a moderator's own post."""
    reports = list(_open_reports().filter(for_staff=True))
    return Queue(
        group=None,
        reports=with_author_standing(reports, viewer, staff=True),
        log=[],
        staff=True,
    )


def open_report_count(group: Group) -> int:
    """Open reports in the group's own queue: one query, whatever the group's size."""
    return Report.objects.filter(
        post__discussion__group=group, resolved_at__isnull=True, for_staff=False
    ).count()


def open_report_counts(group_ids) -> dict[int, int]:
    """Open reports in each group's own queue, for many groups in one query."""
    ids = list(group_ids)
    if not ids:
        return {}
    rows = (
        Report.objects.filter(
            post__discussion__group_id__in=ids, resolved_at__isnull=True, for_staff=False
        )
        .values_list("post__discussion__group_id")
        .annotate(n=Count("pk"))
    )
    return dict(rows)


def notices_for(user) -> list[Notice]:
    return list(
        Notice.objects.filter(recipient=user).select_related("group", "report")[:NOTICE_LENGTH]
    )
