"""Regression tests for the reviewer's findings on groups (S1, S2, S4, S6, B1, B2, Q1,
reminders after a move, concurrent joins)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from studygroups.curricula.models import Curriculum
from studygroups.groups import feeds, reminders, roster, schedule, sessions
from studygroups.groups.forms import GroupForm
from studygroups.groups.models import CalendarFeedToken, Group, Membership, SentReminder
from tests.factories import verified_user

from .factories import add_member, make_curriculum, make_group, make_session

pytestmark = pytest.mark.django_db

SECRET_LINK = "https://meet.example.org/secret-room"


# ---------- S1: the .ics never gives the video link to non-members ----------


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


# ---------- S2: a draft or private series does not leak through a public group ----------


@pytest.fixture
def hidden_series(db):
    owner = verified_user()
    curriculum = make_curriculum(units=1)
    curriculum.owners.add(owner)
    curriculum.title = "Hidden-Series-Title"
    curriculum.status = Curriculum.Status.DRAFT
    curriculum.save()
    curriculum.units.update(title="Hidden-Unit-Title")
    return curriculum


def test_draft_series_not_shown_on_public_group_pages(client, organizer, outsider, hidden_series):
    group = Group.objects.create(name="Open", slug="open", curriculum=hidden_series)
    Membership.objects.create(group=group, user=organizer, role="organizer")
    session = make_session(group, units=list(hidden_series.units.all()))
    reading_title = hidden_series.units.get().readings.get().document_title
    urls = [
        group.get_absolute_url(),
        session.get_absolute_url(),
        reverse("groups:session_ics", args=[group.slug, session.pk]),
    ]
    for who in (None, outsider, organizer):
        if who:
            client.force_login(who)
        for url in urls:
            body = client.get(url).content.decode()
            assert "Hidden-Unit-Title" not in body, (who, url)
            assert "Hidden-Series-Title" not in body, (who, url)
            assert reading_title not in body, (who, url)


def test_private_series_readings_only_for_members_of_a_public_group(
    client, organizer, member, outsider
):
    curriculum = make_curriculum(units=1)
    curriculum.visibility = Curriculum.Visibility.PRIVATE
    curriculum.save()
    curriculum.units.update(title="Private-Unit-Title")
    group = make_group(
        organizer=organizer, members=[member], curriculum=curriculum, visibility="public"
    )
    session = make_session(group, units=list(curriculum.units.all()))
    client.force_login(outsider)
    page = client.get(session.get_absolute_url()).content.decode()
    assert "Private-Unit-Title" not in page and "Readings are visible to members" in page
    assert "Private-Unit-Title" not in client.get(group.get_absolute_url()).content.decode()
    client.force_login(member)
    assert "Private-Unit-Title" in client.get(session.get_absolute_url()).content.decode()


def test_group_form_refuses_draft_series(organizer, hidden_series):
    own_draft = make_curriculum(units=0)
    own_draft.owners.add(organizer)
    own_draft.status = Curriculum.Status.DRAFT
    own_draft.save()
    own_published = make_curriculum(units=0)
    own_published.owners.add(organizer)
    own_published.visibility = Curriculum.Visibility.PRIVATE
    own_published.save()
    data = {"name": "G", "visibility": "public", "join_policy": "open", "time_zone": "UTC"}
    for draft in (own_draft, hidden_series):
        form = GroupForm({**data, "curriculum": draft.pk}, user=organizer)
        assert not form.is_valid() and "curriculum" in form.errors
    assert GroupForm({**data, "curriculum": own_published.pk}, user=organizer).is_valid()


# ---------- S4: a removed member cannot come back through an old link ----------


def _removed(group, user) -> Membership:
    membership = Membership.objects.get(group=group, user=user)
    return roster.membership_remove(membership=membership)


def test_removed_member_cannot_rejoin_with_shareable_link(organizer, member, private_group):
    link = roster.invitation_create(group=private_group, created_by=organizer)
    _removed(private_group, member)
    with pytest.raises(ValidationError, match="removed"):
        roster.invitation_accept(invitation=link, user=member)
    assert Membership.objects.get(group=private_group, user=member).state == "removed"


def test_removed_member_cannot_rejoin_with_an_older_personal_invitation(
    organizer, member, private_group
):
    personal = roster.invitation_create(
        group=private_group, created_by=organizer, email=member.email
    )
    _removed(private_group, member)
    with pytest.raises(ValidationError, match="removed"):
        roster.invitation_accept(invitation=personal, user=member)


def test_removed_member_can_return_with_a_new_personal_invitation(organizer, member, private_group):
    _removed(private_group, member)
    personal = roster.invitation_create(
        group=private_group, created_by=organizer, email=member.email
    )
    assert roster.invitation_accept(invitation=personal, user=member).is_active


# ---------- S6: revoked invitations and stale feeds say nothing about private groups ----------


def test_revoked_invitation_to_private_group_hides_its_name(client, organizer, private_group):
    invitation = roster.invitation_create(group=private_group, created_by=organizer)
    roster.invitation_revoke(invitation=invitation)
    response = client.get(invitation.get_absolute_url())
    assert response.status_code == 410
    assert b"Secret Readers" not in response.content


def test_feed_of_a_group_you_were_removed_from_is_404(client, member, private_group):
    token = feeds.feed_token_get(user=member, group=private_group)
    url = reverse("groups:feed", args=[token.token])
    assert client.get(url).status_code == 200
    _removed(private_group, member)
    assert client.get(url).status_code == 404


# ---------- B1: an invalid edit with an empty address re-renders ----------


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


# ---------- B2: dates at the edge of the calendar ----------


def test_localize_overflow_is_a_validation_error():
    with pytest.raises(ValidationError):
        schedule.localize(dt.datetime(9999, 12, 31, 23, 0), "America/New_York")
    with pytest.raises(ValidationError):
        schedule.localize(dt.datetime(1, 1, 1, 0, 30), "Europe/Berlin")


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1899-12-31", "2201-01-01"])
def test_session_form_refuses_far_dates(client, organizer, public_group, day):
    client.force_login(organizer)
    url = reverse("groups:session_create", args=[public_group.slug])
    data = {"title": "T", "date": day, "start_time": "00:10", "end_time": "23:50"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "between 1900 and 2200" in response.content.decode()


@pytest.mark.parametrize("day", ["9999-12-27", "0001-01-01"])
def test_schedule_form_refuses_far_dates(client, organizer, public_group, day):
    client.force_login(organizer)
    response = client.post(
        reverse("groups:schedule", args=[public_group.slug]),
        {
            "first_date": day,
            "weekday": "6",
            "interval": "1",
            "at": "23:30",
            "duration_minutes": "90",
            "count": "3",
        },
    )
    assert response.status_code == 200
    assert "between 1900 and 2200" in response.content.decode()


# ---------- Q1: the settings page runs a constant number of queries ----------


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


# ---------- integrity ----------


def test_moving_a_session_frees_its_reminder_claims(member, private_group):
    session = make_session(private_group, in_hours=10)
    reminders.reminder_claim(session=session, user=member)
    sessions.session_update(
        session=session,
        title=session.title,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        place="Another room",
        notify=False,
    )
    assert SentReminder.objects.filter(session=session).count() == 1  # same time: kept
    later = session.starts_at + dt.timedelta(days=2)
    sessions.session_update(
        session=session,
        title=session.title,
        starts_at=later,
        ends_at=later + dt.timedelta(hours=1),
        notify=False,
    )
    assert not SentReminder.objects.filter(session=session).exists()


def test_join_twice_is_harmless(outsider, public_group):
    first = roster.membership_join(group=public_group, user=outsider)
    second = roster.membership_join(group=public_group, user=outsider)
    assert first.pk == second.pk and second.is_active


def test_concurrent_join_integrity_error_is_caught(monkeypatch, outsider, public_group):
    """Simulate two requests joining at once: this one did not see the other's row when
    it looked, nor when validating; the insert then hits the unique constraint."""
    other = add_member(public_group, user=outsider)  # "the other request" won the race
    real = roster._locked_membership
    calls = []

    def not_seen_the_first_time(group, user):
        calls.append(1)
        return None if len(calls) == 1 else real(group, user)

    monkeypatch.setattr(roster, "_locked_membership", not_seen_the_first_time)
    monkeypatch.setattr(Membership, "validate_unique", lambda self, exclude=None: None)
    monkeypatch.setattr(Membership, "validate_constraints", lambda self, exclude=None: None)
    membership = roster.membership_join(group=public_group, user=outsider)
    assert membership.pk == other.pk and membership.is_active
    assert Membership.objects.filter(group=public_group, user=outsider).count() == 1


@pytest.mark.django_db
def test_group_slugs_that_shadow_site_paths_are_refused(user):
    from django.core.exceptions import ValidationError

    from studygroups.groups.models import Group
    from studygroups.groups.services import group_create

    for word in ("dashboard", "notifications", "new"):
        with pytest.raises(ValidationError):
            group_create(creator=user, name="Shadow", slug=word)
    made = group_create(creator=user, name="Dashboard")
    assert made.slug != "dashboard"
    assert Group.objects.count() == 1
