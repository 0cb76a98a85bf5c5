"""A busy discussion does not flood its followers: one e-mail, then a quiet window whose
"posted in a discussion you follow" notifications go together in one e-mail later;
replies and mentions are never held."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from studygroups.discussions.emails import send_pending
from studygroups.discussions.models import Notification
from tests.factories import add_member, post, reply

pytestmark = pytest.mark.django_db


def recipients():
    return sorted(address for message in mail.outbox for address in message.to)


def test_followers_get_one_email_then_the_rest_together(
    group, document, member, member2, django_capture_on_commit_callbacks
):
    third = add_member(group).user
    with django_capture_on_commit_callbacks(execute=True):
        post(group, document, member, "first thread")
        post(group, document, member2, "second thread")
    assert recipients() == [member.email]  # told at once
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        post(group, document, third, "third thread")
        post(group, document, third, "fourth thread")
    # member was e-mailed about this discussion a moment ago: theirs wait; member2's
    # first news of the discussion goes at once, then theirs wait too.
    assert recipients() == [member2.email]
    assert send_pending() == 0  # still inside the quiet window
    waiting = Notification.objects.filter(recipient=member, emailed_at__isnull=True)
    assert waiting.count() == 2

    Notification.objects.exclude(emailed_at=None).update(
        emailed_at=timezone.now() - timedelta(minutes=11)
    )
    mail.outbox.clear()
    assert send_pending() == 2  # one e-mail each, gathering what waited
    by_person = {message.to[0]: message for message in mail.outbox}
    assert "2 new posts in discussions you follow" in by_person[member.email].subject
    body = by_person[member.email].body
    assert "third thread" in body and "fourth thread" in body
    assert not waiting.exists()
    assert send_pending() == 0  # nothing twice


def test_a_reply_is_never_held(
    group, document, member, member2, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        root = post(group, document, member, "my thread")
        post(group, document, member2, "another thread")  # member e-mailed (follows)
    assert recipients() == [member.email]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reply(root, member2, "an answer to you")
    assert recipients() == [member.email]  # inside the quiet window, and still at once
    assert "replied to your post" in mail.outbox[0].subject


def test_the_window_follows_the_setting(
    settings, group, document, member, member2, django_capture_on_commit_callbacks
):
    settings.DISCUSSION_EMAIL_QUIET_MINUTES = 0
    with django_capture_on_commit_callbacks(execute=True):
        post(group, document, member, "first thread")
        post(group, document, member2, "second thread")
        post(group, document, member2, "third thread")
    assert recipients() == [member.email, member.email]


def test_the_window_is_per_discussion(
    group, document, other_document, member, member2, django_capture_on_commit_callbacks
):
    """Told a moment ago about one discussion, a follower still hears at once of the
    first news from another."""
    with django_capture_on_commit_callbacks(execute=True):
        post(group, document, member, "following the first text")
        post(group, other_document, member, "following the second text")
        post(group, document, member2, "news in the first")
    assert recipients() == [member.email]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        post(group, other_document, member2, "news in the second")
    assert recipients() == [member.email]  # another discussion: not held
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        post(group, other_document, member2, "more news in the second")
    assert recipients() == []  # that one now waits
