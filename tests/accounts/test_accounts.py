import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

User = get_user_model()


@pytest.mark.django_db
def test_signup_sends_verification_and_confirming_logs_in(client, mailoutbox):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "new@example.org",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="new@example.org")
    assert user.display_name == "new"
    assert len(mailoutbox) == 1
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mailoutbox[0].body).group(0)
    path = link.split("testserver", 1)[-1]
    assert client.get(path).status_code == 200
    response = client.post(path)
    assert response.status_code == 302
    from allauth.account.models import EmailAddress

    assert EmailAddress.objects.get(email="new@example.org").verified


@pytest.mark.django_db
def test_unverified_user_cannot_log_in(client, unverified_user, password):
    response = client.post(
        reverse("account_login"), {"login": unverified_user.email, "password": password}
    )
    assert response.status_code == 302
    assert "confirm-email" in response["Location"]


@pytest.mark.django_db
def test_verified_user_logs_in(client, user, password):
    response = client.post(reverse("account_login"), {"login": user.email, "password": password})
    assert response.status_code == 302
    assert client.get(reverse("account_profile")).status_code == 200


@pytest.mark.django_db
def test_profile_requires_login(client):
    response = client.get(reverse("account_profile"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.django_db
def test_profile_updates_display_name_and_time_zone(user_client, user):
    response = user_client.post(
        reverse("account_profile"), {"display_name": "Rosa", "time_zone": "Europe/Berlin"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.display_name, user.time_zone) == ("Rosa", "Europe/Berlin")


@pytest.mark.django_db
def test_profile_rejects_an_unknown_time_zone(user_client, user):
    response = user_client.post(
        reverse("account_profile"), {"display_name": "Rosa", "time_zone": "Mars/Olympus"}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    user.refresh_from_db()
    assert user.time_zone == "UTC"


@pytest.mark.django_db
def test_logout_needs_post(user_client):
    assert user_client.post(reverse("account_logout")).status_code == 302
    assert user_client.get(reverse("account_profile")).status_code == 302


@pytest.mark.django_db
def test_password_reset_sends_mail(client, user, mailoutbox):
    response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert "password" in mailoutbox[0].subject.lower()


@pytest.mark.django_db
def test_user_time_zone_is_activated(user_client, user):
    user.time_zone = "America/Los_Angeles"
    user.save()
    response = user_client.get(reverse("home"))
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["Eve\nBcc: x@example.org", "Eve\r\nX: y", "Tab\there"])
def test_display_name_must_be_one_line(user_client, user, name):
    response = user_client.post(
        reverse("account_profile"), {"display_name": name, "time_zone": "UTC"}
    )
    assert response.status_code == 200
    assert "one line of visible text" in response.content.decode()
    user.refresh_from_db()
    assert "\n" not in user.display_name
