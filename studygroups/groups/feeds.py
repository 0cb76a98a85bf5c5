"""Secret calendar-feed addresses: one per user for all groups, one per group."""

import secrets

from django.db import transaction
from django.utils import timezone

from .models import CalendarFeedToken, Group

# ---------- calendars ----------


@transaction.atomic
def feed_token_get(*, user, group: Group | None = None) -> CalendarFeedToken:
    token = CalendarFeedToken.objects.filter(user=user, group=group, revoked_at=None).first()
    if token is None:
        token = CalendarFeedToken.objects.create(
            user=user, group=group, token=secrets.token_urlsafe(24)
        )
    return token


@transaction.atomic
def feed_tokens_get(*, user, groups) -> dict[int | None, CalendarFeedToken]:
    """The user's live calendar tokens, keyed by group id (None: all groups), making the
    missing ones in one insert. Two queries however many groups."""
    tokens: dict[int | None, CalendarFeedToken] = {}
    for token in CalendarFeedToken.objects.filter(user=user, revoked_at=None).order_by(
        "created_at", "pk"
    ):
        tokens.setdefault(token.group_id, token)
    wanted = [None] + [group.pk for group in groups]
    missing = [
        CalendarFeedToken(user=user, group_id=group_id, token=secrets.token_urlsafe(24))
        for group_id in wanted
        if group_id not in tokens
    ]
    for token in CalendarFeedToken.objects.bulk_create(missing):
        tokens[token.group_id] = token
    return tokens


@transaction.atomic
def feed_token_reset(*, user, group: Group | None = None) -> CalendarFeedToken:
    CalendarFeedToken.objects.filter(user=user, group=group, revoked_at=None).update(
        revoked_at=timezone.now()
    )
    return CalendarFeedToken.objects.create(user=user, group=group, token=secrets.token_urlsafe(24))
