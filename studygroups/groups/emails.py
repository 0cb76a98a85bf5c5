"""E-mail to members: text + HTML, sent in the recipient's time zone, each with a
one-click unsubscribe link (RFC 8058: List-Unsubscribe + List-Unsubscribe-Post) made by
`studygroups.notifications`, which also decides whether a recipient wants the kind."""

import logging
import zoneinfo

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone

from studygroups.core.site_url import site_url
from studygroups.notifications.mail import settings_url, unsubscribe_headers, unsubscribe_url
from studygroups.notifications.models import Kind
from studygroups.notifications.services import email_allowed

logger = logging.getLogger(__name__)


def absolute(url: str) -> str:
    return site_url() + url


def _zone(user) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(getattr(user, "time_zone", "") or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def send(*, to: str, subject: str, template: str, context: dict, kind: str, user=None) -> None:
    """Render groups/email/<template>.txt and .html and send them. Raises on SMTP errors.
    The unsubscribe link names the user when there is one, else the address. The caller
    has asked `notifications.services.email_allowed` first."""
    link = unsubscribe_url(kind=kind, user=user) if user else unsubscribe_url(kind=kind, address=to)
    context = {
        **context,
        "recipient": user,
        "unsubscribe_url": link,
        "kind_label": Kind(kind).label,
        "settings_url": settings_url(),
        "SITE_URL": site_url(),
    }
    with timezone.override(_zone(user)):
        text = render_to_string(f"groups/email/{template}.txt", context)
        html = render_to_string(f"groups/email/{template}.html", context)
    message = EmailMultiAlternatives(
        subject=subject, body=text, to=[to], headers=unsubscribe_headers(link)
    )
    message.attach_alternative(html, "text/html")
    message.send()


def send_about_session(session, *, users, kind: str, subject: str, template: str, **context):
    """E-mail each of `users` who takes `kind` e-mail about `session` (its page linked as
    `url`, plus `context`). One recipient's mail failure is logged and never stops the
    others, nor undoes what the e-mail is about."""
    context = {
        "session": session,
        "group": session.group,
        "url": absolute(session.get_absolute_url()),
        **context,
    }
    for user in users:
        if not email_allowed(kind=kind, user=user):
            continue
        try:
            send(
                to=user.email,
                user=user,
                subject=subject,
                template=template,
                context=context,
                kind=kind,
            )
        except Exception:
            logger.exception(
                "Could not e-mail %s (%s) about session %s", user.pk, template, session.pk
            )
