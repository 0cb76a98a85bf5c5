"""What every e-mail we send carries: an unsubscribe link (the one signed token) and the
RFC 8058 one-click headers."""

from django.urls import reverse

from studygroups.core.site_url import site_url

from .tokens import unsubscribe_token


def unsubscribe_url(*, kind: str, user=None, address: str | None = None) -> str:
    """The absolute unsubscribe address for one recipient and one kind of e-mail."""
    token = unsubscribe_token(kind=kind, user=user, address=address)
    return site_url() + reverse("notifications:unsubscribe", args=[token])


def settings_url() -> str:
    return site_url() + reverse("notifications:settings")


def unsubscribe_headers(url: str) -> dict[str, str]:
    """List-Unsubscribe with List-Unsubscribe-Post: mail clients offer a one-click
    "Unsubscribe" that POSTs `List-Unsubscribe=One-Click` to `url`."""
    return {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
