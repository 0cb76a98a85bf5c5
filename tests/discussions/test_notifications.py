import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from studygroups.discussions import posting
from studygroups.discussions.emails import send_digests
from studygroups.discussions.models import Notification
from studygroups.groups.models import Membership
from studygroups.notifications.models import NotificationPreferences
from studygroups.notifications.services import preferences_update
from studygroups.notifications.tokens import Recipient, read_unsubscribe_token, unsubscribe_token
from tests.factories import add_member, make_question, post, reply

pytestmark = pytest.mark.django_db


def kinds(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_reply_mention_and_follow_notifications(
    group, document, member, member2, organizer, django_capture_on_commit_callbacks
):
    root = post(group, document, member, "root")  # member follows
    post(group, document, organizer, "organizer follows too")
    assert kinds(member) == ["followed"]  # the organizer posted where member follows
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        reply(root, member2, f"re, and hello @{organizer.public_name.replace(' ', '')}")
    assert kinds(member) == ["reply"]  # reply beats follow, one per post
    assert kinds(organizer) == ["mention"]  # mention beats follow
    assert kinds(member2) == []  # never about one's own post


def test_no_notification_for_people_who_left_or_unfollowed(group, document, member, member2):
    root = post(group, document, member, "root")
    post(group, document, member2, "m2 follows")
    posting.follow_set(user=member2, discussion=root.discussion, following=False)
    third = add_member(group).user
    post(group, document, third, "third follows")
    Membership.objects.filter(user=third).update(state=Membership.State.LEFT)
    post(group, document, member, "another")
    assert kinds(member2) == []
    assert kinds(third) == []


def test_an_answer_to_a_question_asking_for_ones_own_answer_first_notifies_who_may_read_it(
    group, document, member, member2, organizer
):
    """Followers who have not answered the question yet are not told of an answer
    (they may not read it); those who answered and those who facilitate are, whether
    they follow, are mentioned or are replied to."""
    question = make_question(group, document, gated=True)
    quiet = add_member(group, display_name="Quiet Reader").user
    post(group, document, quiet, "quiet follows, has not answered")
    post(group, document, member2, "my answer", question=question)  # member2 answered
    post(group, document, organizer, "organizer follows")
    Notification.objects.all().delete()
    answer = post(group, document, member, "an answer, hello @QuietReader", question=question)
    assert kinds(member2) == ["followed"]
    assert kinds(organizer) == ["followed"]
    assert kinds(quiet) == []  # following and mentioned, but not answered yet
    Notification.objects.all().delete()
    reply(answer, quiet, "quiet replies without answering")
    assert kinds(member) == ["reply"]  # the answer's author answered, of course
    assert kinds(member2) == ["followed"] and kinds(organizer) == ["followed"]
    assert Notification.objects.count() == 3


def test_immediate_email_with_unsubscribe(
    group, document, member, member2, django_capture_on_commit_callbacks
):
    root = post(group, document, member, "root")
    with django_capture_on_commit_callbacks(execute=True):
        reply(root, member2, "an answer for you")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [member.email]
    assert "replied to your post" in message.subject
    assert "an answer for you" in message.body
    # The token is signed with the time it was made: read the one in the link, not a
    # token made a second later.
    found = re.search(r"/notifications/unsubscribe/([^/\s]+)/", message.body)
    assert found, message.body
    assert read_unsubscribe_token(found[1]) == Recipient(kind="discussions", user_id=member.pk)
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html = message.alternatives[0][0]
    assert "Unsubscribe" in html
    assert Notification.objects.get(recipient=member).emailed_at is not None


def test_daily_digest_is_sent_once(
    group, document, member, member2, django_capture_on_commit_callbacks
):
    preferences_update(user=member, discussion_email="daily")
    root = post(group, document, member, "root")
    with django_capture_on_commit_callbacks(execute=True):
        reply(root, member2, "first")
        reply(root, member2, "second")
    assert mail.outbox == []  # not immediately
    call_command("send_digests", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert len(mail.outbox) == 1
    digest = mail.outbox[0]
    assert "2 new notifications" in digest.subject
    assert "first" in digest.body and "second" in digest.body
    assert "/notifications/unsubscribe/" in digest.body
    assert send_digests() == 0  # idempotent
    assert len(mail.outbox) == 1


def test_off_means_no_email(group, document, member, member2, django_capture_on_commit_callbacks):
    preferences_update(user=member, discussion_email="off")
    root = post(group, document, member, "root")
    with django_capture_on_commit_callbacks(execute=True):
        reply(root, member2, "quiet")
    assert mail.outbox == [] and send_digests() == 0
    assert kinds(member) == ["reply"]  # still in-app


def test_one_click_unsubscribe(client, member):
    url = reverse(
        "notifications:unsubscribe", args=[unsubscribe_token(kind="discussions", user=member)]
    )
    page = client.get(url)
    assert page.status_code == 200 and b"Unsubscribe" in page.content
    client.post(url)  # no CSRF token: RFC 8058 one-click
    assert NotificationPreferences.objects.get(user=member).discussion_email == "off"
    bad = client.post(reverse("notifications:unsubscribe", args=["forged-token"]))
    assert bad.status_code == 400


def test_settings_page(client, member):
    client.force_login(member)
    old = client.get(reverse("discussions:notification_settings"))
    url = reverse("notifications:settings")
    assert old.status_code == 301 and old["Location"] == url
    assert client.get(url).status_code == 200
    chosen = {"reminder_lead_hours": "48", "report_email": "immediately"}
    response = client.post(url, {**chosen, "discussion_email": "weekly"})
    assert response.status_code == 200  # invalid: re-rendered
    assert not NotificationPreferences.objects.filter(user=member).exists()
    client.post(url, {**chosen, "discussion_email": "daily"})
    assert NotificationPreferences.objects.get(user=member).discussion_email == "daily"
