"""Notification e-mails at send time: who may still see the post, failures, overlaps,
and links that work outside the site."""

import io
import logging
import uuid

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from studygroups.accounts.models import User
from studygroups.discussions import emails
from studygroups.discussions.emails import send_digests
from studygroups.discussions.models import Notification, Post
from studygroups.groups.models import Membership
from studygroups.notifications.services import preferences_update
from tests.factories import add_member, make_question, post, reply

pytestmark = pytest.mark.django_db


class FailingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server is down")


def daily(user):
    preferences_update(user=user, discussion_email="daily")


# ------------------------------------------------------------- 1: who may still see it


def test_digest_leaves_out_hidden_deleted_and_former_members_posts(
    group, document, member, member2
):
    daily(member)
    leaver = add_member(group).user
    daily(leaver)
    root = post(group, document, member, "root by member")
    post(group, document, leaver, "leaver follows")
    hidden = reply(root, member2, "HIDDEN-REPLY-BODY")
    deleted = reply(root, member2, "DELETED-REPLY-BODY")
    reply(root, member2, "VISIBLE-REPLY-BODY")
    Post.objects.filter(pk=hidden.pk).update(hidden_at=hidden.created_at)
    Post.objects.filter(pk=deleted.pk).update(deleted_at=deleted.created_at)
    Membership.objects.filter(user=leaver, group=group).update(state=Membership.State.REMOVED)

    assert send_digests() == 1  # the removed member gets nothing
    (digest,) = mail.outbox
    assert digest.to == [member.email]
    text = digest.body + digest.alternatives[0][0]
    assert "VISIBLE-REPLY-BODY" in text
    assert "HIDDEN-REPLY-BODY" not in text
    assert "DELETED-REPLY-BODY" not in text
    # The dropped ones are handled: nothing left to send later.
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()
    assert send_digests() == 0


def test_immediate_email_skips_a_post_hidden_before_sending(
    group, document, member, member2, django_capture_on_commit_callbacks
):
    root = post(group, document, member, "root")
    child = reply(root, member2, "SOON-HIDDEN")  # on_commit not run: not sent yet
    Post.objects.filter(pk=child.pk).update(hidden_at=child.created_at)
    assert emails.send_immediate_emails(post_id=child.pk) == 0
    assert mail.outbox == []
    assert Notification.objects.get(post=child).emailed_at is not None  # handled


def test_send_time_answer_gate(group, document, member, member2):
    """A digest does not reveal an answer to a gated question the recipient has not
    answered (e.g. after their own answer was deleted)."""
    question = make_question(group, document, gated=True)
    daily(member)
    mine = post(group, document, member, "MY-ANSWER", question=question)
    theirs = post(group, document, member2, "THEIR-ANSWER", question=question)
    reply(theirs, add_member(group).user, "@" + member.public_name.split()[0] + " SPOILER-REPLY")
    Post.objects.filter(pk=mine.pk).update(deleted_at=mine.created_at)
    send_digests()
    text = "".join(m.body for m in mail.outbox)
    assert "THEIR-ANSWER" not in text and "SPOILER-REPLY" not in text


# --------------------------------------------------------------- 2: failures, headers


def _reply_url(p):
    d = p.discussion
    return reverse(
        "discussions:post_reply",
        kwargs={"group_slug": d.group.slug, "document_slug": d.document.slug, "post_id": p.pk},
    )


def test_newline_in_display_name_gives_a_one_line_subject(
    client, group, document, member, member2, django_capture_on_commit_callbacks
):
    root = post(group, document, member, "root")
    User.objects.filter(pk=member2.pk).update(display_name="Mallory\nBcc: victim@example.com")
    client.force_login(member2)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _reply_url(root), {"body": "hello", "key": str(uuid.uuid4()), "action": "post"}
        )
    assert response.status_code == 302
    (message,) = mail.outbox
    assert "\n" not in message.subject and "Mallory Bcc:" in message.subject
    assert message.message()["To"] == member.email


def test_failing_mail_server_does_not_break_posting_and_is_retried(
    client, group, document, member, member2, caplog, django_capture_on_commit_callbacks
):
    root = post(group, document, member, "root")
    User.objects.filter(pk=member2.pk).update(display_name="Two\nLines")
    client.force_login(member2)
    with (
        override_settings(EMAIL_BACKEND="tests.discussions.test_email_delivery.FailingBackend"),
        caplog.at_level(logging.ERROR, logger="studygroups.discussions.emails"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(
            _reply_url(root), {"body": "still posted", "key": str(uuid.uuid4()), "action": "post"}
        )
    assert response.status_code == 302
    assert Post.objects.filter(body="still posted").exists()
    assert "SMTP server is down" in caplog.text
    notification = Notification.objects.get(recipient=member)
    assert notification.emailed_at is None  # left for a retry
    # The next run of the scheduled command sends it, once.
    call_command("send_digests", stdout=io.StringIO())
    (message,) = mail.outbox
    assert "still posted" in message.body
    notification.refresh_from_db()
    assert notification.emailed_at is not None
    call_command("send_digests", stdout=io.StringIO())
    assert len(mail.outbox) == 1


def test_failing_digest_is_sent_by_the_next_run(group, document, member, member2, caplog):
    daily(member)
    root = post(group, document, member, "root")
    reply(root, member2, "digest me")
    with override_settings(EMAIL_BACKEND="tests.discussions.test_email_delivery.FailingBackend"):
        assert send_digests() == 0
    assert "SMTP server is down" in caplog.text
    assert send_digests() == 1
    assert "digest me" in mail.outbox[0].body


# ------------------------------------------------------------------ 3: overlapping runs


def test_two_digest_runs_send_one_email(group, document, member, member2):
    daily(member)
    root = post(group, document, member, "root")
    reply(root, member2, "once")
    assert send_digests() + send_digests() == 1
    assert len(mail.outbox) == 1


def test_overlapping_digest_runs_send_once(group, document, member, member2, monkeypatch):
    """The second run reads the pending notifications before the first marks them."""
    daily(member)
    root = post(group, document, member, "root")
    reply(root, member2, "once only")
    real_pending = emails._pending
    calls = []

    def pending_then_other_run(**kwargs):
        rows = list(real_pending(**kwargs))  # this run has read...
        if not calls:
            calls.append(1)
            send_digests()  # ...and another run does all its work now
        return rows

    monkeypatch.setattr(emails, "_pending", pending_then_other_run)
    send_digests()
    assert len(mail.outbox) == 1


# --------------------------------------------------------------- 7: absolute links


@override_settings(SITE_URL="https://reading.example.org")
def test_mention_links_are_absolute_in_email(
    group, document, member, member2, django_capture_on_commit_callbacks
):
    root = post(group, document, member2, "root")
    with django_capture_on_commit_callbacks(execute=True):
        reply(root, member, "thanks @" + member2.public_name.replace(" ", ""))
    (message,) = mail.outbox
    html = message.alternatives[0][0]
    assert 'href="https://reading.example.org/discussions/' in html
    assert 'href="/' not in html
    # The stored post is unchanged: relative links on the site.
    assert 'href="/discussions/' in Post.objects.get(parent=root).body_html


def test_retries_only_sends_no_digest(group, document, member, member2):
    daily(member)
    root = post(group, document, member, "root")
    reply(root, member2, "a reply for the digest")
    mail.outbox.clear()
    out = io.StringIO()
    call_command("send_digests", "--retries-only", stdout=out)
    assert mail.outbox == []
    assert "Sent 0 digest" in out.getvalue()
    call_command("send_digests", stdout=io.StringIO())
    assert len(mail.outbox) == 1
