"""Places, the waiting list, refusals on held and cancelled sessions, and the answers in
the calendar feed."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from studygroups.groups import feeds, sessions
from studygroups.groups.models import RSVP, GroupActivity, Session
from tests.factories import add_member, make_session, verified_user

pytestmark = pytest.mark.django_db

GOING, MAYBE, NOT_GOING = RSVP.Answer.GOING, RSVP.Answer.MAYBE, RSVP.Answer.NOT_GOING


def _members(group, n):
    return [add_member(group, display_name=f"Member {i}").user for i in range(n)]


def _capped(group, capacity):
    session = make_session(group)
    Session.objects.filter(pk=session.pk).update(capacity=capacity)
    session.refresh_from_db()
    return session


def test_going_past_capacity_waits_in_line_in_order(private_group):
    session = _capped(private_group, 2)
    a, b, c, d = _members(private_group, 4)
    for user in (a, b, c, d):
        sessions.rsvp_set(session=session, user=user, answer=GOING)
    rsvps = {r.user_id: r for r in RSVP.objects.filter(session=session)}
    assert [rsvps[u.pk].waitlisted for u in (a, b, c, d)] == [False, False, True, True]
    assert [r.user for r in sessions.waitlist(session)] == [c, d]
    # Answering "going" again keeps one's place in line.
    sessions.rsvp_set(session=session, user=c, answer=GOING)
    assert [r.user for r in sessions.waitlist(session)] == [c, d]


def test_freed_place_goes_to_the_first_in_line_who_is_told(
    private_group, django_capture_on_commit_callbacks
):
    session = _capped(private_group, 1)
    a, b, c = _members(private_group, 3)
    for user in (a, b, c):
        sessions.rsvp_set(session=session, user=user, answer=GOING)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sessions.rsvp_set(session=session, user=a, answer=NOT_GOING)
    assert RSVP.objects.get(session=session, user=b).has_place
    assert RSVP.objects.get(session=session, user=c).waitlisted
    assert [m.to for m in mail.outbox] == [[b.email]]
    assert "you have a place" in mail.outbox[0].subject
    assert session.get_absolute_url() in mail.outbox[0].body
    activity = GroupActivity.objects.filter(kind=GroupActivity.Kind.PLACE_FREED).get()
    assert b.public_name in activity.message and activity.session_id == session.pk


def test_leaving_the_waiting_list_promotes_nobody(
    private_group, django_capture_on_commit_callbacks
):
    session = _capped(private_group, 1)
    a, b, c = _members(private_group, 3)
    for user in (a, b, c):
        sessions.rsvp_set(session=session, user=user, answer=GOING)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sessions.rsvp_set(session=session, user=b, answer=MAYBE)
    assert not RSVP.objects.get(session=session, user=b).waitlisted
    assert [r.user for r in sessions.waitlist(session)] == [c]
    assert mail.outbox == []


def test_raising_the_capacity_lets_people_in(private_group, django_capture_on_commit_callbacks):
    session = _capped(private_group, 1)
    a, b, c = _members(private_group, 3)
    for user in (a, b, c):
        sessions.rsvp_set(session=session, user=user, answer=GOING)
    with django_capture_on_commit_callbacks(execute=True):
        sessions.session_update(
            session=session,
            title=session.title,
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            capacity=3,
        )
    assert not sessions.waitlist(session).exists()
    # Lowering it takes no place away.
    sessions.session_update(
        session=session,
        title=session.title,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        capacity=1,
    )
    assert RSVP.objects.filter(session=session, waitlisted=False, answer=GOING).count() == 3


def test_each_occurrence_keeps_its_own_answers(private_group, member):
    start = timezone.localdate() + dt.timedelta(days=3)
    series = sessions.session_schedule(
        group=private_group,
        first_date=start,
        weekday=start.weekday(),
        at=dt.time(19, 0),
        duration=dt.timedelta(minutes=90),
        count=3,
    )
    first, second, third = series
    sessions.rsvp_set(session=first, user=member, answer=GOING)
    sessions.rsvp_set(session=second, user=member, answer=NOT_GOING)
    sessions.rsvp_set(session=first, user=member, answer=MAYBE)
    answers = dict(RSVP.objects.filter(user=member).values_list("session_id", "answer"))
    assert answers == {first.pk: MAYBE, second.pk: NOT_GOING}
    assert third.pk not in answers


@pytest.mark.parametrize(
    "state, words",
    [(Session.State.HELD, "already been held"), (Session.State.CANCELLED, "was cancelled")],
)
def test_held_and_cancelled_sessions_take_no_answers(client, private_group, member, state, words):
    session = make_session(private_group, in_hours=-2)
    Session.objects.filter(pk=session.pk).update(state=state)
    with pytest.raises(ValidationError, match=words):
        sessions.rsvp_set(session=session, user=member, answer=GOING)
    client.force_login(member)
    url = reverse("groups:session_rsvp", args=[private_group.slug, session.pk])
    response = client.post(url, {"answer": GOING}, follow=True)
    assert words in response.content.decode()
    response = client.post(url, {"answer": GOING}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and words in response.content.decode()
    assert not RSVP.objects.filter(session=session).exists()
    page = client.get(session.get_absolute_url()).content.decode()
    assert 'name="answer"' not in page


def test_session_page_shows_places_and_position(client, private_group, member):
    session = _capped(private_group, 1)
    (first,) = _members(private_group, 1)
    sessions.rsvp_set(session=session, user=first, answer=GOING)
    client.force_login(member)
    page = client.get(session.get_absolute_url()).content.decode()
    assert "The only place is taken" in page
    url = reverse("groups:session_rsvp", args=[private_group.slug, session.pk])
    fragment = client.post(url, {"answer": GOING}, HTTP_HX_REQUEST="true").content.decode()
    assert "number 1 on the waiting list" in fragment
    assert "<html" not in fragment


def test_feed_gives_the_owners_answer_as_partstat(client, private_group, member):
    going, maybe, declined, unanswered, waiting = (make_session(private_group) for _ in range(5))
    Session.objects.filter(pk=waiting.pk).update(capacity=1)
    other = verified_user()
    add_member(private_group, other)
    sessions.rsvp_set(session=waiting, user=other, answer=GOING)
    for session, answer in ((going, GOING), (maybe, MAYBE), (declined, NOT_GOING)):
        sessions.rsvp_set(session=session, user=member, answer=answer)
    sessions.rsvp_set(session=waiting, user=member, answer=GOING)
    token = feeds.feed_token_get(user=member)
    cal = Calendar.from_ical(client.get(reverse("groups:feed", args=[token.token])).content)
    status = {}
    for event in cal.walk("VEVENT"):
        attendee = event["ATTENDEE"]
        assert str(attendee) == f"mailto:{member.email}"
        status[int(str(event["UID"]).split("-")[1].split("@")[0])] = attendee.params["PARTSTAT"]
    assert status == {
        going.pk: "ACCEPTED",
        maybe.pk: "TENTATIVE",
        declined.pk: "DECLINED",
        unanswered.pk: "NEEDS-ACTION",
        waiting.pk: "TENTATIVE",
    }


def test_capacity_is_set_on_the_form(client, private_group, organizer):
    session = make_session(private_group)
    client.force_login(organizer)
    day = session.starts_at.astimezone(private_group.tz).date() + dt.timedelta(days=1)
    response = client.post(
        reverse("groups:session_edit", args=[private_group.slug, session.pk]),
        {
            "title": session.title,
            "date": day.isoformat(),
            "start_time": "10:00",
            "end_time": "11:30",
            "capacity": "12",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    session.refresh_from_db()
    assert session.capacity == 12
