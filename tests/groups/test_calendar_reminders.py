import datetime as dt
import socket

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from studygroups.groups import feeds, reminders, roster, sessions
from studygroups.groups.models import RSVP, Membership, SentReminder
from studygroups.notifications import services as notification_services
from studygroups.notifications.models import NotificationPreferences
from studygroups.notifications.tokens import unsubscribe_token
from tests.factories import make_group, make_session

pytestmark = pytest.mark.django_db


def events(response):
    assert response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(
        b"".join(response) if hasattr(response, "streaming") else response.content
    )
    return list(cal.walk("VEVENT"))


# ---------- feeds ----------


def test_member_feed_lists_sessions_across_groups(client, private_group, public_group, member):
    units = list(private_group.curriculum.units.all()[:1])
    s1 = make_session(private_group, units=units, title="Private one")
    s2 = make_session(public_group, title="Public one", in_hours=48)
    sessions.session_cancel(session=s2)
    token = feeds.feed_token_get(user=member)
    response = client.get(reverse("groups:feed", args=[token.token]))
    evs = events(response)
    by_uid = {str(e["UID"]): e for e in evs}
    assert set(by_uid) == {f"session-{s1.pk}@127.0.0.1:8000", f"session-{s2.pk}@127.0.0.1:8000"}
    private = by_uid[f"session-{s1.pk}@127.0.0.1:8000"]
    assert "Private one" in str(private["SUMMARY"])
    assert private.decoded("DTSTART") == s1.starts_at.replace(microsecond=0)
    assert s1.get_absolute_url() in str(private["URL"])
    assert "min" in str(private["DESCRIPTION"]) and "Text" in str(private["DESCRIPTION"])
    cancelled = by_uid[f"session-{s2.pk}@127.0.0.1:8000"]
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert int(cancelled["SEQUENCE"]) == 1


def test_group_feed_token_is_revocable_and_follows_membership(client, private_group, member):
    make_session(private_group)
    old = feeds.feed_token_get(user=member, group=private_group)
    assert len(events(client.get(reverse("groups:feed", args=[old.token])))) == 1
    new = feeds.feed_token_reset(user=member, group=private_group)
    assert client.get(reverse("groups:feed", args=[old.token])).status_code == 404
    assert client.get(reverse("groups:feed", args=[new.token])).status_code == 200
    membership = member.memberships.get(group=private_group)
    roster.membership_leave(membership=membership)
    assert client.get(reverse("groups:feed", args=[new.token])).status_code == 404


def test_single_session_ics_is_private(client, private_group, member, outsider):
    session = make_session(private_group)
    url = reverse("groups:session_ics", args=[private_group.slug, session.pk])
    assert client.get(url).status_code == 404
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(member)
    (event,) = events(client.get(url))
    assert str(event["UID"]).startswith(f"session-{session.pk}@")


# ---------- reminders ----------


def due_session(group, hours=24):
    return make_session(group, in_hours=hours, units=list(group.curriculum.units.all()[:1]))


def test_reminders_are_sent_once(private_group, member, organizer):
    session = due_session(private_group)
    call_command("send_reminders")
    call_command("send_reminders")
    sent = [m for m in mail.outbox if "is coming up" in m.subject]  # not the prep sheet
    assert sorted(m.to[0] for m in sent) == sorted([member.email, organizer.email])
    assert SentReminder.objects.filter(session=session, kind="reminder").count() == 2
    message = sent[0]
    assert "Question 1: what is the main claim of unit 1?" in message.body
    assert "Text" in message.body and "min" in message.body
    html = message.alternatives[0][0]
    assert "<ol>" in html and "Stop getting" in html
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_reminders_respect_lead_time_opt_out_and_rsvp(private_group, member, organizer):
    due_session(private_group, hours=60)  # beyond the default 48 h
    assert reminders.reminders_send() == 0
    notification_services.preferences_update(user=member, reminder_lead_hours=72)
    assert reminders.reminders_send() == 1
    assert mail.outbox[0].to == [member.email]
    other = due_session(private_group, hours=10)
    RSVP.objects.create(session=other, user=organizer, answer=RSVP.Answer.NOT_GOING)
    notification_services.preferences_update(user=member, session_reminders=False)
    assert reminders.reminders_send() == 0


def test_claim_is_exclusive(private_group, member):
    session = due_session(private_group)
    assert reminders.reminder_claim(session=session, user=member) is True
    assert reminders.reminder_claim(session=session, user=member) is False


def test_a_run_with_a_stale_view_still_sends_nothing_twice(
    private_group, member, organizer, monkeypatch
):
    """Two runs overlapping: the second read "who was reminded" before the first run's
    claims committed. The unique claim row still stops every duplicate."""
    due_session(private_group)
    assert reminders.reminders_send() == 2
    monkeypatch.setattr(reminders, "_already_reminded", lambda session: set())
    assert reminders.reminders_send() == 0
    assert len(mail.outbox) == 2


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_reminders_through_a_real_smtp_server(private_group, member, organizer):
    from aiosmtpd.controller import Controller

    received = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802
            received.append(envelope)
            return "250 OK"

    port = free_port()
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        due_session(private_group)
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=port,
            EMAIL_USE_TLS=False,
            EMAIL_USE_SSL=False,
            EMAIL_HOST_USER="",
            EMAIL_HOST_PASSWORD="",
        ):
            assert reminders.reminders_send() == 2
            assert reminders.reminders_send() == 0
    finally:
        controller.stop()
    assert sorted(e.rcpt_tos[0] for e in received) == sorted([member.email, organizer.email])
    raw = received[0].content.decode()
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in raw
    assert "multipart/alternative" in raw


def test_failed_send_gives_the_claim_back(private_group, member, organizer):
    due_session(private_group)
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=free_port(),
        EMAIL_TIMEOUT=2,
    ):
        assert reminders.reminders_send() == 0
    assert not SentReminder.objects.exists()
    assert reminders.reminders_send() == 2


# ---------- unsubscribe ----------


def test_one_click_unsubscribe_post_needs_no_login_or_csrf(member):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    url = reverse(
        "notifications:unsubscribe", args=[unsubscribe_token(kind="reminders", user=member)]
    )
    page = client.get(url)
    assert page.status_code == 200 and "Unsubscribe" in page.content.decode()
    assert not NotificationPreferences.objects.filter(user=member, session_reminders=False).exists()
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert NotificationPreferences.objects.get(user=member).session_reminders is False
    assert client.post(url, {"List-Unsubscribe": "One-Click"}).status_code == 200  # repeatable
    # Only the exact one-click body skips CSRF; the page's own button carries a token.
    assert client.post(url).status_code == 403


def test_unsubscribe_link_from_a_real_email_works(client, private_group, member):
    due_session(private_group)
    reminders.reminders_send()
    message = next(m for m in mail.outbox if m.to == [member.email])
    url = message.extra_headers["List-Unsubscribe"].strip("<>").split("8000", 1)[1]
    assert client.post(url).status_code == 200
    assert NotificationPreferences.objects.get(user=member).session_reminders is False
    mail.outbox.clear()
    due_session(private_group, hours=5)
    reminders.reminders_send()
    assert [m.to for m in mail.outbox] == [
        [private_group.memberships.get(role="organizer").user.email]
    ]


def test_tampered_unsubscribe_token_is_refused(client, member):
    token = unsubscribe_token(kind="reminders", user=member)[:-2] + "xx"
    response = client.post(reverse("notifications:unsubscribe", args=[token]))
    assert response.status_code == 400
    assert "not valid" in response.content.decode()


def test_cancelled_and_past_sessions_get_no_reminder(private_group):
    s = due_session(private_group)
    sessions.session_cancel(session=s)
    mail.outbox.clear()
    assert reminders.reminders_send(now=timezone.now()) == 0
    assert reminders.reminders_send(now=timezone.now() + dt.timedelta(days=3)) == 0


SECRET_LINK = "https://meet.example.org/secret-room"


# ---------- the .ics never gives the video link to non-members ----------


def test_session_ics_link_only_for_active_members(client, organizer, member, outsider):
    group = make_group(
        organizer=organizer, members=[member], visibility="public", meeting_link=SECRET_LINK
    )
    session = make_session(group)
    url = reverse("groups:session_ics", args=[group.slug, session.pk])
    anonymous = client.get(url)
    assert anonymous.status_code == 200 and b"secret-room" not in anonymous.content
    client.force_login(outsider)
    assert b"secret-room" not in client.get(url).content
    client.force_login(member)
    assert b"secret-room" in client.get(url).content
    roster.membership_remove(membership=Membership.objects.get(group=group, user=member))
    assert b"secret-room" not in client.get(url).content


def test_session_own_link_also_hidden_from_non_members(client, organizer, outsider):
    group = make_group(organizer=organizer, visibility="public")
    session = make_session(group)
    session.link = SECRET_LINK
    session.save()
    client.force_login(outsider)
    body = client.get(reverse("groups:session_ics", args=[group.slug, session.pk])).content
    assert b"secret-room" not in body


# ---------- a stale feed says nothing about a private group ----------


def test_feed_of_a_group_you_were_removed_from_is_404(client, member, private_group):
    token = feeds.feed_token_get(user=member, group=private_group)
    url = reverse("groups:feed", args=[token.token])
    assert client.get(url).status_code == 200
    roster.membership_remove(membership=Membership.objects.get(group=private_group, user=member))
    assert client.get(url).status_code == 404
