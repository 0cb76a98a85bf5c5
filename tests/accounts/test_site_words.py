"""The account pages (allauth) speak like the rest of the site: "E-mail address",
sentence case, no "Email Address" or "Re-send Verification"."""

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

pytestmark = pytest.mark.django_db

ALLAUTH_WORDS = ["Email Address", "Re-send Verification", "Remember Me", "Reset My Password",
                 "Change Email", "Verify Your Email", ">Email<", "Email:"]  # fmt: skip


def assert_site_words(body: str):
    for words in ALLAUTH_WORDS:
        assert words not in body, words


@pytest.mark.parametrize("name", ["account_login", "account_signup", "account_reset_password"])
def test_entrance_pages(client, name):
    body = client.get(reverse(name)).content.decode()
    assert "E-mail address" in body
    assert_site_words(body)


def test_e_mail_page_with_a_pending_change(user_client, user):
    EmailAddress.objects.create(user=user, email="new@example.org", verified=False)
    body = user_client.get(reverse("account_email")).content.decode()
    assert "Send the link again" in body and "New e-mail address" in body
    assert 'style="' not in body  # the CSP refuses inline styles
    assert_site_words(body)


def test_verification_sent_page(client):
    body = client.get(reverse("account_email_verification_sent")).content.decode()
    assert "Check your e-mail" in body
    assert_site_words(body)
