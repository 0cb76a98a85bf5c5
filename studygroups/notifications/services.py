"""The one place that answers "may we e-mail this person about this?", and the writes
behind the settings page and the unsubscribe link.

Every sender asks `email_allowed` (or filters with `discussion_email_q` for the digest
queries); none reads the preference fields itself."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q

from .models import EmailOptOut, Kind, NotificationPreferences

# The preference a user-level opt-out of each kind turns off.
_TURN_OFF = {
    Kind.REMINDERS: {"session_reminders": False},
    Kind.CHANGES: {"session_changes": False},
    Kind.DISCUSSIONS: {"discussion_email": NotificationPreferences.DiscussionEmail.OFF},
    Kind.REPORTS: {"report_email": NotificationPreferences.ReportEmail.OFF},
}
_TURN_OFF[Kind.ALL] = {k: v for fields in _TURN_OFF.values() for k, v in fields.items()}


def preferences_for(user) -> NotificationPreferences:
    """The user's preferences, or the defaults (unsaved) when they never chose. Costs no
    query when the caller selected `notification_preferences` with the user."""
    try:
        return user.notification_preferences
    except NotificationPreferences.DoesNotExist:
        return NotificationPreferences(user_id=user.pk)


def _wanted_by(preferences: NotificationPreferences, kind: str) -> bool:
    if kind == Kind.REMINDERS:
        return preferences.session_reminders
    if kind == Kind.CHANGES:
        return preferences.session_changes
    if kind == Kind.DISCUSSIONS:
        return preferences.discussion_email != NotificationPreferences.DiscussionEmail.OFF
    if kind == Kind.REPORTS:
        return preferences.report_email != NotificationPreferences.ReportEmail.OFF
    return True  # invitations go to addresses; an account has no switch for them


def email_allowed(*, kind: str, user=None, address: str | None = None) -> bool:
    """May we send e-mail of `kind` to this user and/or address? A user is asked through
    their preferences (no query when preselected), an address through its opt-outs
    (one query). Precondition: `kind` is a `Kind` other than `all`."""
    if kind not in Kind.values or kind == Kind.ALL:
        raise ValueError(f"Unknown kind of e-mail: {kind!r}")
    if user is not None and not _wanted_by(preferences_for(user), kind):
        return False
    if address:
        return not EmailOptOut.objects.filter(
            email=address.strip().lower(), kind__in=[kind, Kind.ALL]
        ).exists()
    return True


def discussion_email_q(frequency: str, *, user_path: str) -> Q:
    """A filter for rows whose user (at `user_path`) wants discussion e-mail at
    `frequency`; nobody with no preferences row chose anything but the default."""
    field = f"{user_path}__notification_preferences__discussion_email"
    if frequency == NotificationPreferences._meta.get_field("discussion_email").default:
        others = [c for c in NotificationPreferences.DiscussionEmail.values if c != frequency]
        return ~Q(**{f"{field}__in": others})
    return Q(**{field: frequency})


@transaction.atomic
def preferences_update(*, user, **fields) -> NotificationPreferences:
    """Save the given preference fields (validated) for `user`."""
    preferences, _ = NotificationPreferences.objects.select_for_update().get_or_create(user=user)
    for name, value in fields.items():
        setattr(preferences, name, value)
    preferences.full_clean()
    preferences.save()
    user.notification_preferences = preferences
    return preferences


@transaction.atomic
def email_unsubscribe(*, kind: str, user=None, address: str | None = None) -> None:
    """Stop e-mail of `kind` (or `all`) to a user or an address. Safe to repeat.

    A user's preferences are turned off; an address is recorded as opted out, and an
    account with that address has its preferences turned off as well."""
    if kind not in Kind.values:
        raise ValueError(f"Unknown kind of e-mail: {kind!r}")
    if address:
        address = address.strip().lower()
        opt_out = EmailOptOut(email=address, kind=kind)
        opt_out.full_clean(validate_unique=False, validate_constraints=False)
        EmailOptOut.objects.get_or_create(email=address, kind=kind)
        if user is None:
            user = get_user_model().objects.filter(email__iexact=address).first()
    elif user is not None and kind in {Kind.INVITATIONS, Kind.ALL} and user.email:
        EmailOptOut.objects.get_or_create(email=user.email.lower(), kind=kind)
    if user is not None and kind in _TURN_OFF:
        preferences_update(user=user, **_TURN_OFF[kind])
