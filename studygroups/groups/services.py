"""Notification preferences and unsubscribing (kept apart: a later step unifies them with
the discussions' notification settings).

The groups app's other writes live in modules named for what they hold: `roster`
(groups, members, invitations), `sessions`, `schedule` (date arithmetic), `feeds`
(calendar addresses), `reminders`, `activity`.
"""

from django.db import transaction

from .models import EmailOptOut, NotificationPreference

# ---------- notification preferences and unsubscribe ----------


@transaction.atomic
def preferences_update(*, user, **fields) -> NotificationPreference:
    pref, _ = NotificationPreference.objects.get_or_create(user=user)
    for name, value in fields.items():
        setattr(pref, name, value)
    pref.full_clean()
    pref.save()
    return pref


@transaction.atomic
def unsubscribe(*, email: str, kind: str) -> None:
    """Safe to repeat. Works for people with an account and for invited addresses."""
    from django.contrib.auth import get_user_model

    EmailOptOut.objects.get_or_create(email=email.lower(), kind=kind)
    user = get_user_model().objects.filter(email__iexact=email).first()
    if user is not None and kind in {"reminders", "changes"}:
        field = "reminders" if kind == "reminders" else "session_changes"
        preferences_update(user=user, **{field: False})
