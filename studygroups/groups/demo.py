"""Demo data for `load_demo`: a public group following a reading series."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from .models import Group, Membership, Session
from .roster import group_create, membership_join
from .sessions import session_create, session_schedule


@transaction.atomic
def create_demo_group(*, organizer, members, curriculum) -> Group:
    """A public group with 4 upcoming weekly sessions (one unit each) and a past one.
    Safe to call again: returns the existing demo group."""
    slug = "demo-reading-circle"
    existing = Group.objects.filter(slug=slug).first()
    if existing:
        return existing
    group = group_create(
        creator=organizer,
        name="Tuesday Reading Circle",
        slug=slug,
        description="We read one short text a week and talk about it over tea. "
        "Newcomers welcome; no preparation beyond the reading.",
        visibility=Group.Visibility.PUBLIC,
        join_policy=Group.JoinPolicy.OPEN,
        time_zone="Europe/London",
        meeting_place="Community library, room 2",
        code_of_conduct="Listen before you answer. Quote the text. Disagree with ideas, "
        "not people. What is said in the room stays in the room.",
        curriculum=curriculum,
    )
    for member in members:
        membership_join(group=group, user=member, accept_conduct=True)
    units = list(curriculum.units.order_by("order", "pk")) if curriculum else []
    today = timezone.localdate(timezone=group.tz)
    days_ahead = (1 - today.weekday()) % 7 or 7  # the next Tuesday
    session_schedule(
        group=group,
        first_date=today + dt.timedelta(days=days_ahead),
        weekday=1,
        at=dt.time(19, 0),
        duration=dt.timedelta(minutes=90),
        count=4,
        units=units[1:5] if len(units) > 1 else units[:4],
    )
    past_start = timezone.now() - dt.timedelta(days=7)
    past = session_create(
        group=group,
        title="Welcome session",
        starts_at=past_start,
        ends_at=past_start + dt.timedelta(minutes=90),
        units=units[:1],
    )
    Session.objects.filter(pk=past.pk).update(state=Session.State.HELD)
    Membership.objects.filter(group=group, user__in=members[:1]).update(
        role=Membership.Role.FACILITATOR
    )
    return group
