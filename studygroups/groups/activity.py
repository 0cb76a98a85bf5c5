"""The group's activity feed (the dashboard's "what changed")."""

from .models import Group, GroupActivity, Session


def activity_record(group: Group, kind: str, message: str, session: Session | None = None) -> None:
    GroupActivity.objects.create(group=group, kind=kind, message=message[:300], session=session)
