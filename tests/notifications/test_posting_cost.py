"""What a post costs in a busy discussion (issue #14's concurrent-writing benchmark): a
constant number of queries whatever the number of followers, and, once every follower
was told about the discussion, no loading of the notifications that wait out the quiet
window."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from studygroups.discussions import posting
from studygroups.discussions.emails import send_immediate_emails
from studygroups.discussions.models import Notification
from tests.factories import add_member, make_document, make_group, post

pytestmark = pytest.mark.django_db


def busy_discussion(followers: int):
    """A group whose `followers` members all follow one discussion and were all e-mailed
    about it a moment ago (the first post of each)."""
    group = make_group()
    document = make_document(title="A text")
    people = [add_member(group).user for _ in range(followers)]
    for person in [*people, people[0]]:  # the first again, so the last one is told too
        made = post(group, document, person, "Hello.")
        send_immediate_emails(post_id=made.pk)  # what the commit would run
    return group, document, people


def queries_of_a_post(group, document, author, capture_on_commit) -> tuple[int, int]:
    """(queries of the post, queries of its e-mails after the commit)."""
    with capture_on_commit() as callbacks, CaptureQueriesContext(connection) as writing:
        posting.post_create(author=author, group=group, document=document, body="Busy here.")
    with CaptureQueriesContext(connection) as emailing:
        for callback in callbacks:
            callback()
    return len(writing), len(emailing)


def test_a_post_costs_the_same_with_4_or_24_followers(django_capture_on_commit_callbacks):
    small = busy_discussion(4)
    large = busy_discussion(24)
    mail.outbox.clear()
    few = queries_of_a_post(small[0], small[1], small[2][0], django_capture_on_commit_callbacks)
    many = queries_of_a_post(large[0], large[1], large[2][0], django_capture_on_commit_callbacks)
    assert few == many
    assert mail.outbox == []  # every follower was told a moment ago: theirs wait


def test_followers_told_lately_are_not_loaded_after_a_post(django_capture_on_commit_callbacks):
    group, document, people = busy_discussion(6)
    mail.outbox.clear()
    made = post(group, document, people[0], "One more.")
    with CaptureQueriesContext(connection) as emailing:
        assert send_immediate_emails(post_id=made.pk) == 0
    # One light query finds nothing to send now: no rows with their posts and people.
    assert len(emailing) == 1
    waiting = Notification.objects.filter(post=made, emailed_at=None)
    assert waiting.count() == 5  # kept for send_pending, after the quiet window
