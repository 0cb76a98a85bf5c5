"""Rate limits (issue #13): posting, reporting, invitations and join requests answer 429
with a plain message once a member goes past the limit; allauth's own limits for
sign-up and log-in are configured in base settings. Test settings turn both off (users'
ids repeat across tests in the process-wide cache), so these tests turn them on."""

import uuid

import pytest
from django.core.cache import cache
from django.urls import reverse

from studygroups.settings import base
from tests.factories import add_member, make_group

from .helpers import HX, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def limits(settings):
    cache.clear()
    settings.RATELIMIT_ENABLE = True
    settings.RATE_LIMITS = {"post": "2/m", "report": "1/m", "invitation": "1/m", "join": "1/m"}
    yield settings
    cache.clear()


@pytest.mark.parametrize("htmx", [False, True])
def test_posting_is_limited(setup, client, limits, htmx):
    group, document, author, member, facilitator, p = setup
    client.force_login(member)
    create = reverse("discussions:post_create", args=[group.slug, document.slug])
    extra = HX if htmx else {}
    for i in range(2):
        data = {"body": f"post {i}", "key": str(uuid.uuid4())}
        assert client.post(create, data, **extra).status_code in {200, 302}
    response = client.post(create, {"body": "one too many", "key": str(uuid.uuid4())}, **extra)
    assert response.status_code == 429
    assert "posting faster than the site allows" in response.content.decode()
    assert ("<html" in response.content.decode()) is not htmx


def test_reporting_is_limited(setup, client, limits):
    group, document, author, member, facilitator, p = setup
    client.force_login(member)
    client.post(url("post_report", p), {"category": "spam"})
    response = client.post(url("post_report", p), {"category": "spam"})
    assert response.status_code == 429 and "many reports" in response.content.decode()


def test_join_requests_are_limited(client, limits):
    from tests.factories import verified_user

    user = verified_user()
    client.force_login(user)
    groups = [
        make_group(organizer=None, visibility="public", join_policy="request") for _ in range(2)
    ]
    assert client.post(reverse("groups:join", args=[groups[0].slug])).status_code == 302
    response = client.post(reverse("groups:join", args=[groups[1].slug]))
    assert response.status_code == 429 and "requests to join" in response.content.decode()


def test_invitations_are_limited(client, limits):
    from studygroups.groups.models import Membership

    group = make_group(organizer=None)
    organizer = add_member(group, role=Membership.Role.ORGANIZER).user
    client.force_login(organizer)
    invitations = reverse("groups:invitations", args=[group.slug])
    client.post(invitations, {"email": "a@example.org", "role": "member"})
    response = client.post(invitations, {"email": "b@example.org", "role": "member"})
    assert response.status_code == 429 and "many invitations" in response.content.decode()


def test_reading_is_never_limited(setup, client, limits):
    group, document, author, member, facilitator, p = setup
    client.force_login(member)
    for _ in range(5):
        assert client.get(p.discussion.get_absolute_url()).status_code == 200


def test_allauth_limits_are_configured_for_signup_and_login():
    assert {"login", "login_failed", "signup"} <= set(base.ACCOUNT_RATE_LIMITS)


def test_login_is_limited_when_allauth_limits_are_on(client, settings):
    cache.clear()
    settings.ACCOUNT_RATE_LIMITS = {"login": "1/m/ip"}
    login = reverse("account_login")
    client.post(login, {"login": "nobody@example.org", "password": "wrong"})
    response = client.post(login, {"login": "nobody@example.org", "password": "wrong"})
    assert response.status_code == 429
    assert "Too many requests" in response.content.decode()
    cache.clear()
