"""The group's activity feed (the dashboard's "what changed")."""

from django.conf import settings
from django.utils import translation

from .models import Group, GroupActivity, Session


def activity_record(group: Group, kind: str, session: Session | None = None, /, **params) -> None:
    """Record an event. `params` name one of `GroupActivity.TEXTS` (`text=...`) and its
    placeholders (`group` and `session` there are names, the first arguments are the
    objects); each reader sees the sentence in their own language. The stored
    `message` is the same sentence in the site's default language."""
    with translation.override(settings.LANGUAGE_CODE):
        message = GroupActivity.render(params)
    GroupActivity.objects.create(
        group=group, kind=kind, message=message[:300], session=session, params=params
    )
