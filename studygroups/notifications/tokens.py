"""One signed unsubscribe token: who (a user id or an address) and which kind of e-mail.

Links already sent carry one of two older formats; they are still read here, each
verified with its own old salt, so every unsubscribe link ever sent keeps working:
- "groups.unsubscribe": {"e": address, "k": kind} (reminders, changes, invitations);
- "discussions.unsubscribe": {"u": user id} (discussion e-mails).
"""

from dataclasses import dataclass

from django.core import signing

from .models import Kind

SALT = "notifications.unsubscribe"
LEGACY_GROUPS_SALT = "groups.unsubscribe"
LEGACY_DISCUSSIONS_SALT = "discussions.unsubscribe"
LEGACY_GROUP_KINDS = {Kind.REMINDERS, Kind.CHANGES, Kind.INVITATIONS}


@dataclass(frozen=True)
class Recipient:
    """Whom a token speaks for: exactly one of `user_id` and `address`."""

    kind: str
    user_id: int | None = None
    address: str | None = None


def unsubscribe_token(*, kind: str, user=None, address: str | None = None) -> str:
    """Precondition: `kind` is a `Kind` and exactly one of `user`, `address` is given."""
    if kind not in Kind.values or (user is None) == (address is None):
        raise ValueError("An unsubscribe token needs one kind and one recipient.")
    data = {"k": kind, "u": user.pk} if user is not None else {"k": kind, "e": address.lower()}
    return signing.dumps(data, salt=SALT, compress=True)


def _loads(token: str, salt: str):
    try:
        data = signing.loads(token, salt=salt)
    except signing.BadSignature:
        return None
    return data if isinstance(data, dict) else None


def read_unsubscribe_token(token: str) -> Recipient | None:
    """The recipient a token names, or None for a damaged or forged token."""
    data = _loads(token, SALT)
    if data is not None:
        kind, user_id, address = data.get("k"), data.get("u"), data.get("e")
        if kind not in Kind.values:
            return None
        if isinstance(user_id, int) and address is None:
            return Recipient(kind=kind, user_id=user_id)
        if isinstance(address, str) and address and user_id is None:
            return Recipient(kind=kind, address=address)
        return None
    data = _loads(token, LEGACY_GROUPS_SALT)
    if data is not None:
        address, kind = data.get("e"), data.get("k")
        if kind in LEGACY_GROUP_KINDS and isinstance(address, str) and address:
            return Recipient(kind=kind, address=address)
        return None
    data = _loads(token, LEGACY_DISCUSSIONS_SALT)
    if data is not None and isinstance(data.get("u"), int):
        return Recipient(kind=Kind.DISCUSSIONS, user_id=data["u"])
    return None
