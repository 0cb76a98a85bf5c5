import re

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from studygroups.notifications.models import EmailOptOut, NotificationPreferences
from studygroups.notifications.services import preferences_update
from studygroups.notifications.tokens import (
    LEGACY_DISCUSSIONS_SALT,
    LEGACY_GROUPS_SALT,
    unsubscribe_token,
)

pytestmark = pytest.mark.django_db

ONE_CLICK = {"List-Unsubscribe": "One-Click"}
SETTINGS = {
    "session_reminders": "on",
    "reminder_lead_hours": "24",
    "discussion_email": "daily",
    "report_email": "off",
}


def strict_client():
    """A client that, like a browser, gets no CSRF pass."""
    return Client(enforce_csrf_checks=True)


# ---------- the settings page ----------


def test_settings_page_needs_login(client):
    url = reverse("notifications:settings")
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.post(url, SETTINGS).status_code == 302
    assert not NotificationPreferences.objects.exists()


@pytest.mark.parametrize("rows", [0, 1])
def test_settings_page_shows_the_choices_in_few_queries(
    client, person, rows, django_assert_max_num_queries
):
    if rows:
        preferences_update(user=person, discussion_email="daily", reminder_lead_hours=168)
    client.force_login(person)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("notifications:settings"))
    text = response.content.decode()
    assert response.status_code == 200
    for words in ("Study sessions", "Discussions", "Moderation", "1 week before"):
        assert words in text
    chosen = re.search(r'name="discussion_email" value="(\w+)"[^>]* checked', text)
    assert chosen.group(1) == ("daily" if rows else "immediately")
    assert client.head(reverse("notifications:settings")).status_code == 200


def test_settings_page_saves_and_explains_mistakes(client, person):
    client.force_login(person)
    url = reverse("notifications:settings")
    response = client.post(url, {**SETTINGS, "reminder_lead_hours": "5"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not NotificationPreferences.objects.filter(user=person).exists()
    response = client.post(url, SETTINGS, follow=True)
    assert "Your e-mail settings are saved." in response.content.decode()
    saved = NotificationPreferences.objects.get(user=person)
    assert (saved.session_reminders, saved.reminder_lead_hours, saved.session_changes) == (
        True,
        24,
        False,  # an unticked box
    )
    assert (saved.discussion_email, saved.report_email) == ("daily", "off")


def test_settings_page_is_linked_from_the_profile_and_old_pages(client, person):
    client.force_login(person)
    url = reverse("notifications:settings")
    assert url in client.get(reverse("account_profile")).content.decode()
    assert url in client.get(reverse("groups:settings")).content.decode()
    assert url in client.get(reverse("discussions:notifications")).content.decode()
    old = client.get(reverse("discussions:notification_settings"))
    assert old.status_code == 301 and old["Location"] == url


# ---------- unsubscribing ----------


def test_get_asks_and_changes_nothing(person):
    url = reverse(
        "notifications:unsubscribe", args=[unsubscribe_token(kind="changes", user=person)]
    )
    page = strict_client().get(url)
    text = page.content.decode()
    assert page.status_code == 200 and person.email in text
    assert "e-mails when a session is moved or cancelled" in text
    assert 'name="csrfmiddlewaretoken"' in text
    assert strict_client().head(url).status_code == 200
    assert not NotificationPreferences.objects.exists()


def test_one_click_post_needs_no_login_or_csrf(person):
    token = unsubscribe_token(kind="discussions", user=person)
    url = reverse("notifications:unsubscribe", args=[token])
    response = strict_client().post(url, ONE_CLICK)
    assert response.status_code == 200 and "Done" in response.content.decode()
    assert NotificationPreferences.objects.get(user=person).discussion_email == "off"
    assert strict_client().post(url, ONE_CLICK).status_code == 200  # safe to repeat


def test_any_other_post_needs_the_csrf_token_of_the_page(person):
    url = reverse(
        "notifications:unsubscribe", args=[unsubscribe_token(kind="changes", user=person)]
    )
    browser = strict_client()
    assert browser.post(url).status_code == 403
    assert browser.post(url, {"List-Unsubscribe": "Something-Else"}).status_code == 403
    assert browser.post(url, {**ONE_CLICK, "scope": "all"}).status_code == 200
    assert NotificationPreferences.objects.get(user=person).session_reminders is True  # not all
    browser.get(url)
    csrf = browser.cookies["csrftoken"].value
    response = browser.post(url, {"csrfmiddlewaretoken": csrf})
    assert response.status_code == 200
    assert NotificationPreferences.objects.get(user=person).session_changes is False


def test_the_page_offers_to_stop_all_email(client, person):
    url = reverse(
        "notifications:unsubscribe", args=[unsubscribe_token(kind="changes", user=person)]
    )
    assert "Stop all e-mail instead" in client.get(url).content.decode()
    response = client.post(url, {"scope": "all"})
    assert "any e-mail from the study groups" in response.content.decode()
    preferences = NotificationPreferences.objects.get(user=person)
    assert not preferences.session_reminders and not preferences.session_changes
    assert (preferences.discussion_email, preferences.report_email) == ("off", "off")
    assert EmailOptOut.objects.filter(email=person.email.lower(), kind="all").exists()


def test_an_address_without_an_account_can_unsubscribe(client):
    token = unsubscribe_token(kind="invitations", address="guest@example.org")
    url = reverse("notifications:unsubscribe", args=[token])
    assert "guest@example.org" in client.get(url).content.decode()
    client.post(url, ONE_CLICK)
    assert EmailOptOut.objects.filter(email="guest@example.org", kind="invitations").exists()


@pytest.mark.parametrize("token", ["forged-token", "abc:def:ghi"])
def test_damaged_links_are_refused_in_plain_words(client, token):
    for method in ("get", "post"):
        response = getattr(client, method)(reverse("notifications:unsubscribe", args=[token]))
        assert response.status_code == 400
        assert "not valid" in response.content.decode()
    assert not NotificationPreferences.objects.exists() and not EmailOptOut.objects.exists()


def test_a_deactivated_account_is_a_damaged_link(client, person):
    url = reverse(
        "notifications:unsubscribe", args=[unsubscribe_token(kind="changes", user=person)]
    )
    person.is_active = False
    person.save()
    assert client.post(url, ONE_CLICK).status_code == 400


def test_unsubscribe_answers_only_get_head_and_post(client, person):
    url = reverse(
        "notifications:unsubscribe", args=[unsubscribe_token(kind="changes", user=person)]
    )
    assert client.put(url).status_code == 405


# ---------- links already in people's inboxes ----------


def test_old_groups_links_still_work_on_their_old_path(person):
    old = signing.dumps(
        {"e": person.email.lower(), "k": "reminders"}, salt=LEGACY_GROUPS_SALT, compress=True
    )
    url = reverse("groups:unsubscribe", args=[old])
    assert url.startswith("/groups/unsubscribe/")
    assert strict_client().get(url).status_code == 200
    assert strict_client().post(url, ONE_CLICK).status_code == 200
    assert NotificationPreferences.objects.get(user=person).session_reminders is False
    assert EmailOptOut.objects.filter(email=person.email.lower(), kind="reminders").exists()


def test_old_discussions_links_still_work_on_their_old_path(person):
    old = signing.dumps({"u": person.pk}, salt=LEGACY_DISCUSSIONS_SALT, compress=True)
    url = reverse("discussions:unsubscribe", args=[old])
    assert url.startswith("/discussions/unsubscribe/")
    assert strict_client().post(url, ONE_CLICK).status_code == 200
    assert NotificationPreferences.objects.get(user=person).discussion_email == "off"


def test_an_old_salt_does_not_verify_a_token_made_for_another(person):
    # A discussions-salted payload in the groups format is not a groups token.
    crossed = signing.dumps({"e": person.email, "k": "reminders"}, salt=LEGACY_DISCUSSIONS_SALT)
    response = strict_client().post(reverse("groups:unsubscribe", args=[crossed]), ONE_CLICK)
    assert response.status_code == 400
