"""The moderation queue as ready data: a group's open reports and its recent log."""

from dataclasses import dataclass

from studygroups.groups.models import Group

from .models import ModerationAction, Report

LOG_LENGTH = 50


@dataclass
class Queue:
    group: Group
    reports: list[Report]
    log: list[ModerationAction]

    def as_context(self) -> dict:
        return {"group": self.group, "reports": self.reports, "log": self.log}


def moderation_queue(group: Group) -> Queue:
    reports = (
        Report.objects.filter(post__discussion__group=group, resolved_at__isnull=True)
        .select_related("post__author", "post__discussion__document", "reporter")
        .order_by("created_at")
    )
    log = (
        ModerationAction.objects.filter(group=group)
        .select_related("actor", "discussion__document", "post")
        .order_by("-created_at")[:LOG_LENGTH]
    )
    return Queue(group=group, reports=list(reports), log=list(log))
