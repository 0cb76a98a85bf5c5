"""Which of a post's notifications are e-mailed at once: the statement compiled once
(`emails._immediate_statement`) with each call's post and times bound in, against the
same query built by the ORM for that call, over every state a notification can be in."""

from datetime import timedelta

import pytest
from django.utils import timezone

from studygroups.discussions import emails
from studygroups.discussions.models import Notification
from studygroups.notifications.models import NotificationPreferences
from tests.factories import add_member, make_document, post

pytestmark = pytest.mark.django_db

Kind = Notification.Kind
Choice = NotificationPreferences.DiscussionEmail


def test_the_compiled_statement_picks_what_the_orm_query_picks(group, document, member):
    elsewhere = make_document(title="Another text")
    now = timezone.now()
    cases = {}  # recipient's name -> (kind, preference, fields, e-mailed at once?)
    cases["default"] = (Kind.FOLLOWED, None, {}, True)
    cases["chose at once"] = (Kind.FOLLOWED, Choice.IMMEDIATELY, {}, True)
    cases["chose daily"] = (Kind.FOLLOWED, Choice.DAILY, {}, False)
    cases["chose never"] = (Kind.MENTION, Choice.OFF, {}, False)
    cases["sent already"] = (Kind.FOLLOWED, None, {"emailed_at": now}, False)
    cases["read it"] = (Kind.REPLY, None, {"read_at": now}, False)
    cases["claimed now"] = (
        Kind.REPLY,
        None,
        {"email_claim": "0" * 32, "email_claimed_at": now},
        False,
    )
    stale = now - emails.CLAIM_TIMEOUT - timedelta(minutes=1)
    cases["stale claim"] = (
        Kind.REPLY,
        None,
        {"email_claim": "1" * 32, "email_claimed_at": stale},
        True,
    )
    cases["told here"] = (Kind.FOLLOWED, None, {}, False)  # e-mailed about this discussion
    cases["told elsewhere"] = (Kind.FOLLOWED, None, {}, True)  # ... about another one
    cases["replied, told"] = (Kind.REPLY, None, {}, True)  # replies are never held
    cases["told long ago"] = (Kind.FOLLOWED, None, {}, True)
    users = {name: add_member(group, display_name=name.title()).user for name in cases}
    earlier = post(group, document, member, "An earlier post.")
    other = post(group, elsewhere, member, "A post elsewhere.")
    for name, when, about in [
        ("told here", now - timedelta(minutes=2), earlier),
        ("told elsewhere", now - timedelta(minutes=2), other),
        ("replied, told", now - timedelta(minutes=2), earlier),
        ("told long ago", now - emails.quiet_window() - timedelta(minutes=1), earlier),
    ]:
        Notification.objects.update_or_create(
            recipient=users[name], post=about, defaults={"kind": Kind.FOLLOWED, "emailed_at": when}
        )
    new = post(group, document, member, "The new post.")
    Notification.objects.filter(post=new).delete()
    expected = set()
    for name, (kind, preference, fields, at_once) in cases.items():
        if preference:
            NotificationPreferences.objects.update_or_create(
                user=users[name], defaults={"discussion_email": preference}
            )
        notification = Notification.objects.create(
            recipient=users[name], post=new, kind=kind, **fields
        )
        if at_once:
            expected.add(notification.pk)

    compiled = emails._immediate_ids(new.pk)
    built = emails._immediate_query(
        post_id=new.pk, stale=now - emails.CLAIM_TIMEOUT, told_since=now - emails.quiet_window()
    )
    assert set(compiled) == set(built) == expected
    assert emails._immediate_ids(earlier.pk) == []  # another post's: none of these
