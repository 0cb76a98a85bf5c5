import datetime as dt
import zoneinfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from studygroups.groups import reminders, roster, schedule, sessions
from studygroups.groups.models import (
    RSVP,
    Attendance,
    Group,
    Invitation,
    Membership,
    ReadingProgress,
    SentReminder,
    Session,
)
from tests.factories import add_member, make_curriculum, make_group, make_session, verified_user

pytestmark = pytest.mark.django_db


def organizer_of(group):
    return Membership.objects.get(group=group, role=Membership.Role.ORGANIZER)


# ---------- groups and memberships ----------


def test_group_create_makes_creator_organizer_and_slug(organizer):
    group = roster.group_create(creator=organizer, name="Reading Marx", time_zone="Asia/Tokyo")
    assert group.slug == "reading-marx"
    assert organizer_of(group).user == organizer
    again = roster.group_create(creator=organizer, name="Reading Marx")
    assert again.slug == "reading-marx-2"


def test_group_refuses_unknown_time_zone(organizer):
    with pytest.raises(ValidationError, match="not a time zone"):
        roster.group_create(creator=organizer, name="X", time_zone="Mars/Olympus")
    assert not Group.objects.exists()


@pytest.mark.parametrize(
    "action",
    [
        lambda m: roster.membership_leave(membership=m),
        lambda m: roster.membership_remove(membership=m),
        lambda m: roster.membership_set_role(membership=m, role=Membership.Role.MEMBER),
    ],
    ids=["leave", "remove", "demote"],
)
def test_last_organizer_is_kept(public_group, action):
    only = organizer_of(public_group)
    with pytest.raises(ValidationError, match="at least one organizer"):
        action(only)
    only.refresh_from_db()
    assert only.can_organize


def test_organizer_can_step_down_when_another_exists(public_group, member):
    second = Membership.objects.get(group=public_group, user=member)
    roster.membership_set_role(membership=second, role=Membership.Role.ORGANIZER)
    first = organizer_of_first = Membership.objects.get(
        group=public_group, role=Membership.Role.ORGANIZER, user__display_name="Olga Organizer"
    )
    roster.membership_leave(membership=first)
    organizer_of_first.refresh_from_db()
    assert organizer_of_first.state == Membership.State.LEFT
    assert (
        Membership.objects.filter(group=public_group, role="organizer", state="active").count() == 1
    )


def test_join_policies(organizer, outsider):
    open_group = make_group(organizer=organizer, join_policy=Group.JoinPolicy.OPEN)
    assert roster.membership_join(group=open_group, user=outsider).is_active
    request_group = make_group(organizer=organizer, join_policy=Group.JoinPolicy.REQUEST)
    m = roster.membership_join(group=request_group, user=outsider)
    assert m.state == Membership.State.REQUESTED
    roster.membership_approve(membership=m)
    assert m.is_active
    roster.membership_approve(membership=m)  # idempotent
    invite_group = make_group(organizer=organizer, join_policy=Group.JoinPolicy.INVITATION)
    with pytest.raises(ValidationError, match="invitation only"):
        roster.membership_join(group=invite_group, user=outsider)


def test_removed_member_cannot_rejoin(public_group, member):
    m = Membership.objects.get(group=public_group, user=member)
    roster.membership_remove(membership=m)
    roster.membership_remove(membership=m)  # idempotent
    with pytest.raises(ValidationError, match="removed"):
        roster.membership_join(group=public_group, user=member)


# ---------- invitations ----------


def test_shareable_invitation_uses_and_limits(private_group, organizer):
    inv = roster.invitation_create(group=private_group, created_by=organizer, max_uses=1)
    first, second = verified_user(), verified_user()
    assert roster.invitation_accept(invitation=inv, user=first).is_active
    inv.refresh_from_db()
    assert inv.uses == 1
    with pytest.raises(ValidationError, match="used as many times"):
        roster.invitation_accept(invitation=inv, user=second)


def test_expired_and_revoked_invitations_say_so(private_group, organizer, outsider):
    inv = roster.invitation_create(group=private_group, created_by=organizer)
    Invitation.objects.filter(pk=inv.pk).update(expires_at=timezone.now() - dt.timedelta(days=1))
    inv.refresh_from_db()
    with pytest.raises(ValidationError, match="expired"):
        roster.invitation_accept(invitation=inv, user=outsider)
    inv2 = roster.invitation_create(group=private_group, created_by=organizer)
    roster.invitation_revoke(invitation=inv2)
    with pytest.raises(ValidationError, match="withdrawn"):
        roster.invitation_accept(invitation=inv2, user=outsider)


def test_email_invitation_is_sent_and_bound_to_address(
    private_group, organizer, outsider, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        inv = roster.invitation_create(
            group=private_group, created_by=organizer, email="New.Person@Example.org"
        )
    assert len(mail.outbox) == 1
    assert inv.get_absolute_url() in mail.outbox[0].body
    assert mail.outbox[0].extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    with pytest.raises(ValidationError, match="was sent to new.person@example.org"):
        roster.invitation_accept(invitation=inv, user=outsider)
    invited = verified_user(email="new.person@example.org")
    assert roster.invitation_accept(invitation=inv, user=invited).is_active


# ---------- sessions, time zones, recurrence ----------


def test_session_must_end_after_start(private_group):
    start = timezone.now()
    with pytest.raises(ValidationError, match="end after it starts"):
        sessions.session_create(group=private_group, title="x", starts_at=start, ends_at=start)


def test_localize_refuses_a_time_skipped_by_dst():
    with pytest.raises(ValidationError, match="does not exist in Europe/Berlin"):
        schedule.localize(dt.datetime(2026, 3, 29, 2, 30), "Europe/Berlin")
    ok = schedule.localize(dt.datetime(2026, 3, 29, 3, 30), "Europe/Berlin")
    assert ok.utcoffset() == dt.timedelta(hours=2)


def test_schedule_weekly_one_unit_per_session_with_skips(private_group, curriculum):
    units = list(curriculum.units.order_by("order"))
    scheduled = sessions.session_schedule(
        group=private_group,
        first_date=dt.date(2030, 1, 1),  # a Tuesday
        weekday=1,
        at=dt.time(19, 0),
        duration=dt.timedelta(minutes=90),
        skip_dates=[dt.date(2030, 1, 8)],
        units=units,
    )
    assert len(scheduled) == 4
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    local = [s.starts_at.astimezone(berlin) for s in scheduled]
    assert [d.date() for d in local] == [
        dt.date(2030, 1, 1),
        dt.date(2030, 1, 15),
        dt.date(2030, 1, 22),
        dt.date(2030, 1, 29),
    ]
    assert all(d.hour == 19 and d.minute == 0 for d in local)
    assert [list(s.units.all()) for s in scheduled] == [[u] for u in units]
    assert scheduled[0].title == "Session 1: Unit 1"


def test_schedule_keeps_wall_clock_across_dst(organizer):
    group = make_group(organizer=organizer, time_zone="Europe/Berlin")
    # Europe/Berlin switches to summer time on Sunday 29 March 2026.
    scheduled = sessions.session_schedule(
        group=group,
        first_date=dt.date(2026, 3, 24),
        weekday=1,
        at=dt.time(19, 0),
        duration=dt.timedelta(hours=2),
        count=2,
    )
    utc = [s.starts_at.astimezone(dt.UTC) for s in scheduled]
    assert utc[0].hour == 18 and utc[1].hour == 17  # CET then CEST
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    assert [s.starts_at.astimezone(berlin).hour for s in scheduled] == [19, 19]


def test_schedule_refuses_too_many(private_group):
    with pytest.raises(ValidationError, match="most at once is 200"):
        sessions.session_schedule(
            group=private_group,
            first_date=dt.date(2030, 1, 1),
            weekday=1,
            at=dt.time(19),
            duration=dt.timedelta(hours=1),
            count=201,
        )
    assert not Session.objects.exists()


def test_schedule_refuses_units_of_another_series(private_group):

    other = make_curriculum(units=1, readings_per_unit=1, questions_per_unit=1)
    with pytest.raises(ValidationError, match="reading series this group follows"):
        sessions.session_schedule(
            group=private_group,
            first_date=dt.date(2030, 1, 1),
            weekday=1,
            at=dt.time(19),
            duration=dt.timedelta(hours=1),
            units=list(other.units.all()),
        )


def test_reschedule_and_cancel_bump_sequence_and_email_members(
    private_group, member, django_capture_on_commit_callbacks
):
    session = make_session(private_group)
    with django_capture_on_commit_callbacks(execute=True):
        sessions.session_update(
            session=session,
            title=session.title,
            starts_at=session.starts_at + dt.timedelta(hours=1),
            ends_at=session.ends_at + dt.timedelta(hours=1),
        )
    assert len(mail.outbox) == 2  # organizer + member
    assert "has moved" in mail.outbox[0].subject or "moved" in mail.outbox[0].subject
    assert mail.outbox[0].alternatives[0][1] == "text/html"
    with django_capture_on_commit_callbacks(execute=True):
        sessions.session_cancel(session=session)
        sessions.session_cancel(session=session)  # idempotent
    session.refresh_from_db()
    assert session.state == Session.State.CANCELLED
    assert session.sequence == 2
    assert len(mail.outbox) == 4
    assert "cancelled" in mail.outbox[-1].subject


def test_rsvp_attendance_and_progress(private_group, member, organizer):
    session = make_session(
        private_group, in_hours=-2, units=private_group.curriculum.units.all()[:1]
    )
    sessions.rsvp_set(session=session, user=member, answer=RSVP.Answer.GOING)
    sessions.rsvp_set(session=session, user=member, answer=RSVP.Answer.MAYBE)
    assert RSVP.objects.get(session=session, user=member).answer == "maybe"
    with pytest.raises(ValidationError):
        sessions.rsvp_set(session=session, user=member, answer="perhaps")
    assert (
        sessions.attendance_mark(session=session, marked_by=organizer, present_user_ids=[member.pk])
        == 1
    )
    assert Attendance.objects.filter(session=session, present=True).count() == 1
    key = f"r{session.units.get().readings.get().pk}"
    sessions.reading_progress_set(session=session, user=member, key=key, done=True)
    sessions.reading_progress_set(session=session, user=member, key=key, done=True)
    assert ReadingProgress.objects.count() == 1
    sessions.reading_progress_set(session=session, user=member, key=key, done=False)
    assert ReadingProgress.objects.count() == 0
    with pytest.raises(ValidationError):
        sessions.reading_progress_set(session=session, user=member, key="r999999", done=True)


def test_add_document_range_to_session(private_group, document):
    from studygroups.library.models import Block

    session = make_session(private_group)
    blocks = list(
        Block.objects.filter(section__document=document, kind="paragraph").order_by(
            "section__order", "order"
        )
    )
    reading = sessions.session_add_reading(
        session=session,
        document=document,
        start_anchor=blocks[0].anchor,
        end_anchor=blocks[1].anchor,
    )
    assert reading.word_count == blocks[0].word_count + blocks[1].word_count
    with pytest.raises(ValidationError):
        sessions.session_add_reading(
            session=session, document=document, start_anchor="p-nope", end_anchor="p-nope2"
        )


def test_add_member_helper(private_group):
    assert add_member(private_group).is_active


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
    from studygroups.groups.roster import group_create

    for word in ("dashboard", "notifications", "new"):
        with pytest.raises(ValidationError):
            group_create(creator=user, name="Shadow", slug=word)
    made = group_create(creator=user, name="Dashboard")
    assert made.slug != "dashboard"
    assert Group.objects.count() == 1
