import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from studygroups.groups import feeds, roster, sessions
from studygroups.groups.models import (
    RSVP,
    CalendarFeedToken,
    Group,
    Invitation,
    Membership,
    ReadingProgress,
    Session,
)
from tests.factories import add_member, make_curriculum, make_group, make_session, verified_user

pytestmark = pytest.mark.django_db


def test_create_group_in_one_form(client, organizer, curriculum):
    client.force_login(organizer)
    response = client.post(
        reverse("groups:create"),
        {
            "name": "Reading Rosa",
            "curriculum": curriculum.pk,
            "visibility": "private",
            "join_policy": "invitation",
            "time_zone": "Europe/Berlin",
            "code_of_conduct": "Be kind.",
        },
    )
    group = Group.objects.get()
    assert response.status_code == 302 and response["Location"] == group.get_absolute_url()
    assert group.slug == "reading-rosa" and group.curriculum == curriculum


def test_create_group_refuses_bad_time_zone_and_taken_slug(client, organizer, public_group):
    client.force_login(organizer)
    response = client.post(
        reverse("groups:create"),
        {
            "name": "X",
            "slug": public_group.slug,
            "visibility": "public",
            "join_policy": "open",
            "time_zone": "Atlantis/Capital",
        },
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Select a valid choice" in text and "already uses this address" in text
    assert Group.objects.count() == 1


def test_member_in_another_zone_sees_local_time(client, organizer, member):
    group = make_group(organizer=organizer, members=[member], time_zone="America/New_York")
    start = dt.datetime(2030, 6, 4, 19, 0, tzinfo=group.tz)  # 19:00 in New York
    sessions.session_create(
        group=group, title="Tea", starts_at=start, ends_at=start + dt.timedelta(hours=1)
    )
    member.time_zone = "Asia/Tokyo"
    member.save()
    client.force_login(member)
    page = client.get(group.get_absolute_url()).content.decode()
    assert "08:00" in page and "5 Jun" in page  # next morning in Tokyo
    session = group.sessions.get()
    detail = client.get(session.get_absolute_url()).content.decode()
    assert "Wednesday 5 June 2030, 08:00" in detail


def test_schedule_form_creates_sessions_and_refuses_bad_input(client, organizer, private_group):
    client.force_login(organizer)
    url = reverse("groups:schedule", args=[private_group.slug])
    assert client.get(url).status_code == 200
    base = {
        "first_date": "2030-01-01",
        "weekday": "1",
        "interval": "1",
        "at": "19:00",
        "duration_minutes": "90",
        "one_unit_per_session": "on",
    }
    response = client.post(url, {**base, "count": "500"})
    assert "the most at once is 200" in response.content.decode()
    response = client.post(url, {**base, "skip_dates": "next tuesday"})
    assert "is not a date" in response.content.decode()
    assert not Session.objects.exists()
    response = client.post(url, {**base, "skip_dates": "2030-01-08"})
    assert response.status_code == 302
    assert private_group.sessions.count() == 4


def test_session_form_refuses_end_before_start_and_dst_gap(client, organizer, private_group):
    client.force_login(organizer)
    url = reverse("groups:session_create", args=[private_group.slug])
    data = {"title": "T", "date": "2030-01-01", "start_time": "19:00", "end_time": "18:00"}
    assert "must end after it starts" in client.post(url, data).content.decode()
    data = {"title": "T", "date": "2026-03-29", "start_time": "02:30", "end_time": "04:00"}
    assert "does not exist in Europe/Berlin" in client.post(url, data).content.decode()
    data = {"title": "T", "date": "2030-01-01", "start_time": "19:00", "end_time": "20:30"}
    assert client.post(url, data).status_code == 302
    s = private_group.sessions.get()
    assert s.starts_at == dt.datetime(2030, 1, 1, 18, 0, tzinfo=dt.UTC)


def test_session_edit_moves_and_notifies(
    client, organizer, member, private_group, mailoutbox, django_capture_on_commit_callbacks
):
    session = make_session(private_group, in_hours=72)
    client.force_login(organizer)
    url = reverse("groups:session_edit", args=[private_group.slug, session.pk])
    local = (session.starts_at + dt.timedelta(days=1)).astimezone(private_group.tz)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "title": "Moved",
                "date": local.date().isoformat(),
                "start_time": "18:00",
                "end_time": "19:00",
            },
        )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.sequence == 1
    assert {m.to[0] for m in mailoutbox} == {organizer.email, member.email}


@pytest.mark.parametrize("htmx", [True, False])
def test_rsvp(client, member, private_group, htmx):
    session = make_session(private_group)
    client.force_login(member)
    url = reverse("groups:session_rsvp", args=[private_group.slug, session.pk])
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client.post(url, {"answer": "going"}, **headers)
    assert RSVP.objects.get(session=session, user=member).answer == "going"
    if htmx:
        assert response.status_code == 200
        text = response.content.decode()
        assert 'id="rsvp"' in text and "<html" not in text and "You answered" in text
    else:
        assert response.status_code == 302
    bad = client.post(url, {"answer": "sure"}, **headers)
    assert bad.status_code == (200 if htmx else 302)


def test_rsvp_counts_for_organizers(client, organizer, member, private_group):
    session = make_session(private_group)
    sessions.rsvp_set(session=session, user=member, answer="maybe")
    client.force_login(organizer)
    text = client.get(session.get_absolute_url()).content.decode()
    assert "<dt>Maybe</dt><dd>1</dd>" in text


@pytest.mark.parametrize("htmx", [True, False])
def test_mark_reading_as_read(client, member, private_group, htmx):
    unit = private_group.curriculum.units.first()
    session = make_session(private_group, units=[unit])
    key = f"r{unit.readings.get().pk}"
    client.force_login(member)
    url = reverse("groups:session_progress", args=[private_group.slug, session.pk])
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client.post(url, {"reading": key, "done": "1"}, **headers)
    assert ReadingProgress.objects.filter(user=member).count() == 1
    if htmx:
        text = response.content.decode()
        assert 'aria-pressed="true"' in text and "<html" not in text
    else:
        assert response.status_code == 302
    bad = client.post(url, {"reading": "rabc", "done": "1"}, **headers)
    assert bad.status_code == (400 if htmx else 302)


def test_organizer_sees_progress_counts_but_not_hidden_ones(
    client, organizer, member, private_group
):
    unit = private_group.curriculum.units.first()
    session = make_session(private_group, units=[unit])
    key = f"r{unit.readings.get().pk}"
    sessions.reading_progress_set(session=session, user=member, key=key, done=True)
    client.force_login(organizer)
    assert "1 of 2" in client.get(session.get_absolute_url()).content.decode()
    Membership.objects.filter(user=member).update(hide_progress=True)
    assert "0 of 2" in client.get(session.get_absolute_url()).content.decode()


def test_invitation_link_flow(client, organizer, private_group):
    invitation = roster.invitation_create(group=private_group, created_by=organizer)
    url = invitation.get_absolute_url()
    page = client.get(url)
    assert page.status_code == 200 and "Sign up and join" in page.content.decode()
    assert client.session["groups_pending_invitation"] == invitation.token
    assert client.post(url)["Location"].startswith("/accounts/login/")
    newcomer = verified_user()
    client.force_login(newcomer)
    assert "You were invited to" in client.get(reverse("groups:dashboard")).content.decode()
    assert client.post(url)["Location"] == private_group.get_absolute_url()
    assert Membership.objects.get(user=newcomer).is_active
    assert "groups_pending_invitation" not in client.session


@pytest.mark.parametrize(
    "change, words",
    [
        ({"revoked_at": timezone.now()}, "withdrawn"),
        ({"expires_at": timezone.now() - dt.timedelta(hours=1)}, "has expired"),
        ({"max_uses": 1, "uses": 1}, "used as many times"),
    ],
)
def test_dead_invitation_links_say_so(client, organizer, private_group, change, words):
    invitation = roster.invitation_create(group=private_group, created_by=organizer)
    Invitation.objects.filter(pk=invitation.pk).update(**change)
    response = client.get(invitation.get_absolute_url())
    assert response.status_code == 410 and words in response.content.decode()


def test_members_page_approve_and_last_organizer_message(client, organizer):
    group = make_group(organizer=organizer, join_policy="request")
    asker = verified_user()
    m = roster.membership_join(group=group, user=asker)
    client.force_login(organizer)
    url = reverse("groups:member_action", args=[group.slug, m.pk])
    client.post(url, {"action": "approve"})
    m.refresh_from_db()
    assert m.is_active
    own = Membership.objects.get(group=group, user=organizer)
    response = client.post(
        reverse("groups:member_action", args=[group.slug, own.pk]),
        {"action": "role", "role": "member"},
        follow=True,
    )
    assert "at least one organizer" in response.content.decode()


def test_hidden_member_list(client, organizer, member, private_group):
    client.force_login(member)
    assert "Olga Organizer" in client.get(private_group.get_absolute_url()).content.decode()
    Group.objects.filter(pk=private_group.pk).update(hide_member_list=True)
    text = client.get(private_group.get_absolute_url()).content.decode()
    assert "Olga Organizer" not in text and "keep the member list private" in text


def test_settings_page_shows_feeds_and_links_email_settings(client, member, private_group):
    client.force_login(member)
    text = client.get(reverse("groups:settings")).content.decode()
    assert ".ics" in text and "Secret Readers only" in text
    assert reverse("notifications:settings") in text
    # E-mail choices are saved on the one settings page of studygroups.notifications.
    client.post(
        reverse("notifications:settings"),
        {
            "reminder_lead_hours": "24",
            "session_reminders": "on",
            "discussion_email": "daily",
            "report_email": "immediately",
        },
    )
    member.refresh_from_db()
    assert member.notification_preferences.reminder_lead_hours == 24


def test_demo_group(organizer, member):
    from studygroups.groups.demo import create_demo_group

    curriculum = make_curriculum(units=5, readings_per_unit=1, questions_per_unit=1)
    group = create_demo_group(organizer=organizer, members=[member], curriculum=curriculum)
    assert group.visibility == "public"
    assert group.sessions.upcoming().count() == 4
    assert group.sessions.past().count() == 1
    assert create_demo_group(organizer=organizer, members=[member], curriculum=curriculum) == group


# ---------- query counts at two sizes ----------


def populate(group, n):
    units = list(group.curriculum.units.all())
    for i in range(n):
        user = add_member(group).user
        session = make_session(group, in_hours=24 + i, units=units[i % len(units) :][:1])
        sessions.rsvp_set(session=session, user=user, answer="going")
        past = make_session(group, in_hours=-100 - i)
        sessions.session_cancel(session=past)


@pytest.mark.parametrize("size", [3, 30])
def test_query_counts_constant(
    client, django_assert_max_num_queries, organizer, private_group, size
):
    populate(private_group, size)
    session = private_group.sessions.upcoming().first()
    token = feeds.feed_token_get(user=organizer)
    client.force_login(organizer)
    pages = {
        private_group.get_absolute_url(): 20,
        reverse("groups:dashboard"): 20,
        reverse("groups:list"): 10,
        reverse("groups:members", args=[private_group.slug]): 12,
        session.get_absolute_url(): 25,
        reverse("groups:feed", args=[token.token]): 12,
    }
    for url, bound in pages.items():
        with django_assert_max_num_queries(bound):
            assert client.get(url).status_code == 200


# ---------- an invalid edit with an empty address re-renders ----------


def test_group_edit_with_empty_slug_and_bad_link_rerenders(client, organizer, public_group):
    client.force_login(organizer)
    response = client.post(
        reverse("groups:edit", args=[public_group.slug]),
        {
            "name": "Open Readers",
            "slug": "",
            "visibility": "public",
            "join_policy": "open",
            "time_zone": "UTC",
            "meeting_link": "not a link at all",
        },
    )
    assert response.status_code == 200
    assert "Enter a valid URL" in response.content.decode()
    assert reverse("groups:detail", args=[public_group.slug]) in response.content.decode()


# ---------- the settings page runs a constant number of queries ----------


@pytest.mark.parametrize("size", [3, 30])
def test_settings_page_query_count_constant(client, member, size, django_assert_max_num_queries):
    for _ in range(size):
        make_group(members=[member])
    client.force_login(member)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("groups:settings")).status_code == 200
    assert CalendarFeedToken.objects.filter(user=member, revoked_at=None).count() == size + 1
    tokens = set(CalendarFeedToken.objects.values_list("token", flat=True))
    with django_assert_max_num_queries(12):
        text = client.get(reverse("groups:settings")).content.decode()
    assert set(CalendarFeedToken.objects.values_list("token", flat=True)) == tokens
    assert all(t in text for t in tokens)
