"""A member's dashboard is cached (groups/views.py dashboard): every write it shows
appears at once, no member ever gets another's, forms carry each request's own CSRF
token, the minute bounds how long "… ago" may go unrefreshed, and a cached dashboard
costs a constant number of queries."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from studygroups.core import versions
from studygroups.groups import views as group_views
from studygroups.groups.models import Group
from studygroups.library.models import Document
from tests.factories import make_curriculum, make_group, make_session, verified_user

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("groups:dashboard")


@pytest.fixture
def setup():
    member = verified_user()
    series = make_curriculum(units=1, readings_per_unit=2)
    group = make_group(curriculum=series, members=[member], name="Tuesday Readers")
    session = make_session(group, units=[series.units.first()], title="First meeting")
    return member, group, session


def page(client) -> str:
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    return response.content.decode()


def reading_keys(body: str) -> list[str]:
    return re.findall(r'name="reading" value="([^"]+)"', body)


def test_each_write_it_shows_appears_at_once(client, setup):
    member, group, session = setup
    client.force_login(member)
    body = page(client)
    assert "First meeting" in body and "0 of 2 read" in body and "Answer: are you coming?" in body

    key = reading_keys(body)[0]
    url = reverse("groups:session_progress", args=[group.slug, session.pk])
    client.post(url, {"reading": key, "done": "1"})
    assert "1 of 2 read" in page(client)

    client.post(reverse("groups:session_rsvp", args=[group.slug, session.pk]), {"answer": "going"})
    assert '<span class="badge badge--success">Going</span>' in page(client)

    make_session(group, in_hours=48, title="Second meeting")
    assert "Second meeting" in page(client)

    Group.objects.filter(pk=group.pk).update(name="Wednesday Readers")
    assert "Wednesday Readers" in page(client)

    # Readings link to their document in the library: the library's writes count too.
    document = group.curriculum.units.first().readings.first().document
    Document.objects.filter(pk=document.pk).update(slug="a-moved-text")
    assert 'href="/library/a-moved-text/' in page(client)


def test_members_never_get_each_others_dashboard(client, setup):
    member, group, session = setup
    outsider = verified_user()
    make_group(members=[outsider], name="Other Circle")
    client.force_login(member)
    assert "Tuesday Readers" in page(client)
    client.force_login(outsider)
    body = page(client)
    assert "Other Circle" in body and "Tuesday Readers" not in body and "First meeting" not in body
    client.force_login(member)
    assert "Other Circle" not in page(client)


def test_cached_forms_carry_each_requests_own_csrf_token(setup):
    member, group, session = setup
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    for c in (first, second):
        c.force_login(member)
    body_first = page(first)  # rendered and cached
    body_second = page(second)  # from the cache, in a browser with another CSRF secret
    # The token of a reading's form (the cached part), not the log-out form's (never cached).
    token = re.search(
        r'name="csrfmiddlewaretoken" value="([^"]+)">\s*<input type="hidden" name="reading"',
        body_second,
    ).group(1)
    assert token not in body_first
    url = reverse("groups:session_progress", args=[group.slug, session.pk])
    response = second.post(
        url, {"csrfmiddlewaretoken": token, "reading": reading_keys(body_second)[0], "done": "1"}
    )
    assert response.status_code in (200, 302)
    assert "1 of 2 read" in page(second)


def test_the_minute_bounds_how_long_a_dashboard_is_kept(client, setup, monkeypatch):
    member, group, session = setup
    client.force_login(member)
    now = 1_900_000_000.0
    monkeypatch.setattr(group_views.time, "time", lambda: now)
    assert "First meeting" in page(client)
    # A write the versions cannot see (their triggers taken down): still the cached page
    # this minute, which shows it came from the cache...
    versions.uninstall(connection)
    try:
        make_session(group, in_hours=50, title="Unseen meeting")
        assert "Unseen meeting" not in page(client)
        # ... and the next minute renders it again, whatever the versions say.
        monkeypatch.setattr(group_views.time, "time", lambda: now + 60)
        assert "Unseen meeting" in page(client)
    finally:
        versions.install(connection)


def test_languages_never_mix(client, setup):
    member, group, session = setup
    client.force_login(member)
    assert "My next sessions" in page(client)
    spanish = client.get(DASHBOARD, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "My next sessions" not in spanish
    assert "My next sessions" in page(client)


@pytest.mark.parametrize("sessions", [1, 6])
def test_cached_dashboard_costs_constant_queries(
    client, setup, django_assert_max_num_queries, sessions
):
    member, group, session = setup
    for i in range(sessions):
        make_session(group, in_hours=30 + i, title=f"Meeting {i}")
    client.force_login(member)
    page(client)
    # Session, user, the two data versions, the unread count.
    with django_assert_max_num_queries(4):
        page(client)
