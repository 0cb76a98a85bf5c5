"""E-mail to members: text + HTML, sent in the recipient's time zone, each with a
one-click unsubscribe link (RFC 8058: List-Unsubscribe + List-Unsubscribe-Post)."""

import logging
import zoneinfo

from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from studygroups.core.site_url import site_url

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "groups.unsubscribe"

KINDS = {
    "reminders": "reminders before sessions",
    "changes": "e-mails when a session is moved or cancelled",
    "invitations": "invitations to study groups",
}


def unsubscribe_token(email: str, kind: str) -> str:
    return signing.dumps({"e": email.lower(), "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[str, str] | None:
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("k") not in KINDS or not data.get("e"):
        return None
    return data["e"], data["k"]


def absolute(url: str) -> str:
    return site_url() + url


def _zone(user) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(getattr(user, "time_zone", "") or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def send(*, to: str, subject: str, template: str, context: dict, kind: str, user=None) -> None:
    """Render groups/email/<template>.txt and .html and send them. Raises on SMTP errors."""
    unsubscribe_url = absolute(reverse("groups:unsubscribe", args=[unsubscribe_token(to, kind)]))
    context = {
        **context,
        "recipient": user,
        "unsubscribe_url": unsubscribe_url,
        "kind_label": KINDS[kind],
        "SITE_URL": site_url(),
    }
    with timezone.override(_zone(user)):
        text = render_to_string(f"groups/email/{template}.txt", context)
        html = render_to_string(f"groups/email/{template}.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[to],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(html, "text/html")
    message.send()
