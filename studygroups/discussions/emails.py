"""Notification e-mails: one per notification ("immediately") or a daily digest.

Every e-mail carries an unsubscribe link with a signed token and the List-Unsubscribe
headers for one-click unsubscribing (RFC 8058). `emailed_at` on a notification makes
sending idempotent: nothing is sent twice.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .models import Notification, NotificationSetting

UNSUBSCRIBE_SALT = "discussions.unsubscribe"


def unsubscribe_token(user) -> str:
    return signing.dumps({"u": user.pk}, salt=UNSUBSCRIBE_SALT, compress=True)


def user_for_unsubscribe_token(token: str):
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    return get_user_model().objects.filter(pk=data.get("u"), is_active=True).first()


@transaction.atomic
def unsubscribe(*, user) -> NotificationSetting:
    setting, _ = NotificationSetting.objects.update_or_create(
        user=user, defaults={"email": NotificationSetting.Email.OFF}
    )
    return setting


def _email_for(user, notifications: list[Notification], *, subject: str) -> EmailMultiAlternatives:
    unsubscribe_url = settings.SITE_URL + reverse(
        "discussions:unsubscribe", kwargs={"token": unsubscribe_token(user)}
    )
    context = {
        "user": user,
        "notifications": notifications,
        "site_url": settings.SITE_URL,
        "unsubscribe_url": unsubscribe_url,
        "settings_url": settings.SITE_URL + reverse("discussions:notification_settings"),
    }
    text = render_to_string("discussions/email/notifications.txt", context)
    html = render_to_string("discussions/email/notifications.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def _pending(*, frequency: str):
    """Unsent, unread notifications whose recipient chose `frequency` (no setting row
    means the default, "immediately")."""
    qs = Notification.objects.filter(emailed_at__isnull=True, read_at__isnull=True)
    if frequency == NotificationSetting.Email.IMMEDIATELY:
        qs = qs.exclude(
            recipient__notification_setting__email__in=[
                NotificationSetting.Email.DAILY,
                NotificationSetting.Email.OFF,
            ]
        )
    else:
        qs = qs.filter(recipient__notification_setting__email=frequency)
    return qs.select_related(
        "recipient", "post__author", "post__discussion__group", "post__discussion__document"
    ).order_by("recipient_id", "created_at", "pk")


def _subject(notification: Notification) -> str:
    post = notification.post
    return (
        f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{post.author_name} "
        f"{notification.get_kind_display()}: “{post.discussion.document.title}”"
    )


def send_immediate_emails(*, post_id: int) -> int:
    """E-mail the notifications about one post to those who want them at once."""
    with transaction.atomic():
        pending = list(
            _pending(frequency=NotificationSetting.Email.IMMEDIATELY).filter(post_id=post_id)
        )
        if not pending:
            return 0
        Notification.objects.filter(pk__in=[n.pk for n in pending]).update(
            emailed_at=timezone.now()
        )
    messages = [_email_for(n.recipient, [n], subject=_subject(n)) for n in pending]
    get_connection().send_messages(messages)
    return len(messages)


def send_digests() -> int:
    """One digest per member who chose "daily", with every notification not yet sent
    or read. Running it again sends nothing new. Returns the number of e-mails."""
    by_user: dict[int, list[Notification]] = {}
    with transaction.atomic():
        pending = list(_pending(frequency=NotificationSetting.Email.DAILY))
        for notification in pending:
            by_user.setdefault(notification.recipient_id, []).append(notification)
        Notification.objects.filter(pk__in=[n.pk for n in pending]).update(
            emailed_at=timezone.now()
        )
    messages = []
    for notifications in by_user.values():
        user = notifications[0].recipient
        count = len(notifications)
        subject = (
            f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}Your daily digest: "
            f"{count} new notification{'s' if count != 1 else ''}"
        )
        messages.append(_email_for(user, notifications, subject=subject))
    if messages:
        get_connection().send_messages(messages)
    return len(messages)
