"""Every sender asks the one preference function and carries the one token: real
e-mails through Django's locmem backend, and the link in each followed as a mail
client (one-click POST) or a person (the page's button) would."""

import re

import pytest
from django.core import mail
from django.test import Client

from studygroups.discussions.emails import send_digests
from studygroups.groups import reminders, roster, sessions
from studygroups.notifications.models import EmailOptOut, NotificationPreferences
from studygroups.notifications.services import preferences_update
from tests.factories import (
    make_curriculum,
    make_group,
    make_session,
    post,
    reply,
    verified_user,
)

pytestmark = pytest.mark.django_db

ONE_CLICK = {"List-Unsubscribe": "One-Click"}
GUEST = "guest@example.org"


@pytest.fixture
def organizer(db):
    return verified_user(display_name="Olga Organizer")


@pytest.fixture
def group(organizer, person):
    return make_group(
        organizer=organizer,
        members=[person],
        curriculum=make_curriculum(units=2, readings_per_unit=1, questions_per_unit=1),
    )


def link_of(message) -> str:
    """The unsubscribe address from the header, checked against the bodies."""
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = re.fullmatch(
        r"<(http://127\.0\.0\.1:8000(/notifications/unsubscribe/[^>]+/))>",
        message.extra_headers["List-Unsubscribe"],
    )
    assert url, message.extra_headers["List-Unsubscribe"]
    assert url.group(1) in message.body
    assert url.group(1) in message.alternatives[0][0]
    # The settings page is for people with an account; an invited address has none.
    assert ("/notifications/settings/" in message.body) == (message.to != [GUEST])
    return url.group(2)


def one_click(path: str) -> None:
    response = Client(enforce_csrf_checks=True).post(path, ONE_CLICK)
    assert response.status_code == 200 and "Done" in response.content.decode()


def click_the_button(path: str) -> None:
    browser = Client(enforce_csrf_checks=True)
    assert "Unsubscribe" in browser.get(path).content.decode()
    token = browser.cookies["csrftoken"].value
    assert browser.post(path, {"csrfmiddlewaretoken": token}).status_code == 200


def to(person):
    return [m for m in mail.outbox if m.to == [person.email]]


def test_session_reminders(group, person):
    make_session(group, in_hours=24)
    assert reminders.reminders_send() == 2
    (message,) = to(person)
    one_click(link_of(message))
    assert NotificationPreferences.objects.get(user=person).session_reminders is False
    mail.outbox.clear()
    make_session(group, in_hours=20)
    assert reminders.reminders_send() == 1 and to(person) == []


def test_reminder_lead_time_is_read_from_the_one_preferences(group, person):
    make_session(group, in_hours=100)
    assert reminders.reminders_send() == 0
    preferences_update(user=person, reminder_lead_hours=168)
    assert reminders.reminders_send() == 1 and len(to(person)) == 1


def test_session_changes(group, person, django_capture_on_commit_callbacks):
    first, second = make_session(group, in_hours=30), make_session(group, in_hours=60)
    with django_capture_on_commit_callbacks(execute=True):
        sessions.session_cancel(session=first)
    (message,) = to(person)
    assert "cancelled" in message.subject
    click_the_button(link_of(message))
    assert NotificationPreferences.objects.get(user=person).session_changes is False
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sessions.session_cancel(session=second)
    assert to(person) == [] and len(mail.outbox) == 1  # the organizer still hears


def test_invitations_to_an_address(group, organizer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        roster.invitation_create(group=group, created_by=organizer, email="Guest@Example.org")
    (message,) = mail.outbox
    assert message.to == [GUEST]
    assert "someone invited this address" in message.body
    one_click(link_of(message))
    assert EmailOptOut.objects.filter(email="guest@example.org", kind="invitations").exists()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        roster.invitation_create(group=group, created_by=organizer, email="guest@example.org")
    assert mail.outbox == []


def test_discussion_emails_immediately(
    group, person, organizer, document, django_capture_on_commit_callbacks
):
    root = post(group, document, person, "A first thought.")
    with django_capture_on_commit_callbacks(execute=True):
        reply(root, organizer, "A reply.")
    (message,) = to(person)
    one_click(link_of(message))
    assert NotificationPreferences.objects.get(user=person).discussion_email == "off"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reply(root, organizer, "Another reply.")
    assert to(person) == [] and send_digests() == 0


def test_discussion_digest(group, person, organizer, document, django_capture_on_commit_callbacks):
    preferences_update(user=person, discussion_email="daily")
    root = post(group, document, person, "A first thought.")
    with django_capture_on_commit_callbacks(execute=True):
        reply(root, organizer, "A reply.")
    assert to(person) == []
    assert send_digests() == 1
    (message,) = to(person)
    assert "digest" in message.subject
    click_the_button(link_of(message))
    assert NotificationPreferences.objects.get(user=person).discussion_email == "off"
    with django_capture_on_commit_callbacks(execute=True):
        reply(root, organizer, "Another reply.")
    assert send_digests() == 0
