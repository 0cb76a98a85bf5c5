"""E-mail to members: text + HTML, sent in the recipient's language and time zone, each with a
one-click unsubscribe link (RFC 8058: List-Unsubscribe + List-Unsubscribe-Post) made by
`studygroups.notifications`, which also decides whether a recipient wants the kind."""

import logging
import zoneinfo
from collections.abc import Callable

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone

from studygroups.core.site_url import site_url
from studygroups.notifications.language import recipient_language
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


def send(
    *,
    to: str,
    subject: str | Callable[[], str],
    template: str,
    context: dict,
    kind: str,
    user=None,
    group=None,
) -> None:
    """Render groups/email/<template>.txt and .html and send them. Raises on SMTP errors.

    Written in `recipient_language(user, group)`: the recipient's own language, else the
    group's (`group` defaults to `context["group"]`), else the site's. `subject` is best a
    callable (`lambda: _("…") % {…}`), called in that language; a string is sent as it is.
    The unsubscribe link names the user when there is one, else the address. The caller
    has asked `notifications.services.email_allowed` first."""
    link = unsubscribe_url(kind=kind, user=user) if user else unsubscribe_url(kind=kind, address=to)
    if group is None:
        group = context.get("group")
    with recipient_language(user, group), timezone.override(_zone(user)):
        context = {
            **context,
            "recipient": user,
            "unsubscribe_url": link,
            "kind_label": str(Kind(kind).label),
            "settings_url": settings_url(),
            "SITE_URL": site_url(),
        }
        subject = subject() if callable(subject) else str(subject)
        text = render_to_string(f"groups/email/{template}.txt", context)
        html = render_to_string(f"groups/email/{template}.html", context)
    message = EmailMultiAlternatives(
        subject=subject, body=text, to=[to], headers=unsubscribe_headers(link)
    )
    message.attach_alternative(html, "text/html")
    message.send()


def send_about_session(
    session, *, users, kind: str, subject: Callable[[], str], template: str, **context
):
    """E-mail each of `users` who takes `kind` e-mail about `session` (its page linked as
    `url`, plus `context`), each in their language (see `send`). One recipient's mail
    failure is logged and never stops the others, nor undoes what the e-mail is about."""
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
                group=session.group,
            )
        except Exception:
            logger.exception(
                "Could not e-mail %s (%s) about session %s", user.pk, template, session.pk
            )
