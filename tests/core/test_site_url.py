"""Absolute links (calendar feeds, e-mail) follow the address the site is served on in
development, and SITE_URL where it is set (production requires it)."""

import pytest
from django.core import mail
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from studygroups.core.site_url import SiteURLMiddleware, absolute_url, site_url
from tests.core.test_site import run_manage

pytestmark = pytest.mark.django_db


def test_calendar_feed_urls_follow_the_served_port(settings, user_client):
    settings.SITE_URL = ""
    response = user_client.get(reverse("groups:settings"), HTTP_HOST="127.0.0.1:8101")
    body = response.content.decode()
    assert "http://127.0.0.1:8101/groups/calendar/" in body
    assert ":8000" not in body


def test_site_url_wins_when_set(settings, user_client):
    settings.SITE_URL = "https://reading.example.org/"
    response = user_client.get(reverse("groups:settings"), HTTP_HOST="127.0.0.1:8101")
    assert "https://reading.example.org/groups/calendar/" in response.content.decode()


def test_links_built_deep_in_a_request_follow_it(settings):
    settings.SITE_URL = ""
    middleware = SiteURLMiddleware(lambda request: HttpResponse(absolute_url("/groups/x/")))
    request = RequestFactory().get("/", HTTP_HOST="localhost:8101")
    assert middleware(request).content == b"http://localhost:8101/groups/x/"


def test_outside_a_request_host_and_port_from_the_environment(settings, monkeypatch):
    settings.SITE_URL = ""
    monkeypatch.setenv("HOST", "192.168.1.20")
    monkeypatch.setenv("PORT", "8101")
    assert site_url() == "http://192.168.1.20:8101"
    monkeypatch.delenv("HOST")
    monkeypatch.delenv("PORT")
    assert site_url() == "http://127.0.0.1:8000"


@pytest.mark.django_db(transaction=True)
def test_invitation_email_links_follow_the_served_port(settings, client):
    """The e-mail is sent when the request's transaction commits, within the request."""
    from tests.factories import make_group

    settings.SITE_URL = ""
    group = make_group()
    client.force_login(group.memberships.get().user)
    client.post(
        reverse("groups:invitations", args=[group.slug]),
        {"email": "friend@example.org", "role": "member", "expires_in_days": 14},
        HTTP_HOST="127.0.0.1:8101",
    )
    assert mail.outbox, "no invitation was sent"
    assert "http://127.0.0.1:8101/groups/invitations/" in mail.outbox[0].body


def test_production_requires_site_url():
    env = {
        "DJANGO_SETTINGS_MODULE": "studygroups.settings.prod",
        "SECRET_KEY": "x" * 30 + "a-long-random-production-secret-key-value",
        "ALLOWED_HOSTS": "studygroups.example.org",
        "SITE_URL": "",
    }
    result = run_manage("check", "--deploy", env_extra=env)
    assert result.returncode != 0
    assert "SITE_URL is not set" in result.stderr + result.stdout
