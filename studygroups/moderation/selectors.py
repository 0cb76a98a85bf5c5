"""The moderation queues as ready data: open reports, the log, a moderator's notices."""

from dataclasses import dataclass

from studygroups.groups.models import Group

from .models import ModerationAction, Notice, Report

LOG_LENGTH = 50
NOTICE_LENGTH = 50


@dataclass
class Queue:
    group: Group | None
    reports: list[Report]
    log: list[ModerationAction]
    staff: bool = False

    def as_context(self) -> dict:
        return {
            "group": self.group,
            "reports": self.reports,
            "log": self.log,
            "staff": self.staff,
        }


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
    log = (
        ModerationAction.objects.filter(group=group)
        .select_related("actor", "discussion__document", "post")
        .order_by("-created_at")[:LOG_LENGTH]
    )
    return Queue(group=group, reports=list(reports), log=list(log))


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
