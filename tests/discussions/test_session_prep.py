"""The facilitators' preparation sheet: its figures against a discussion built here, its
permissions, its query count, and its e-mail the day before (sent once)."""

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from studygroups.discussions.models import Post
from studygroups.discussions.prep import prep_sheet, prep_sheets_send
from studygroups.groups import sessions
from studygroups.groups.models import Membership, SentReminder, Session
from tests.factories import (
    add_member,
    first_anchor,
    make_document,
    make_group,
    make_session,
    post,
    reply,
    verified_user,
)

pytestmark = pytest.mark.django_db


def _setup(extra_members=0):
    organizer = verified_user(display_name="Olga Organizer")
    ann, bob = verified_user(display_name="Ann"), verified_user(display_name="Bob")
    group = make_group(organizer=organizer, members=[ann, bob])
    for n in range(extra_members):
        add_member(group, display_name=f"Extra {n}")
    document = make_document(title="On Liberty", paragraphs=4)
    earlier = make_session(group, in_hours=-72, title="Earlier")
    session = make_session(group, in_hours=20, title="Tonight")
    sessions.session_add_reading(session=session, document=document)
    return organizer, ann, bob, group, document, earlier, session


def _backdate(post_obj, hours):
    Post.objects.filter(pk=post_obj.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=hours)
    )


def test_prep_sheet_figures(django_assert_num_queries):
    organizer, ann, bob, group, document, earlier, session = _setup()
    key = session.extra_readings.get().pk
    sessions.reading_progress_set(session=session, user=ann, key=f"s{key}", done=True)
    hot, cool = first_anchor(document, 2), first_anchor(document, 0)
    old = post(group, document, ann, body="Old thought.", anchor=cool)
    _backdate(old, 100)  # before the last session
    thread = post(group, document, ann, body="Is this the core claim?", anchor=hot)
    reply(thread, bob, body="I think so.")
    post(group, document, bob, body="Nobody answers me.", anchor=hot)
    sheet = prep_sheet(Session.objects.select_related("group").get(pk=session.pk))
    (row,) = sheet.readings
    assert row.readers == ["Ann"] and sheet.member_count == 3
    first, second = sheet.paragraphs
    assert (first.number, first.posts) == (3, 3)
    assert first.quote.startswith("Paragraph 3 of section 1")
    assert first.url.endswith(f"/p/{hot}/")
    assert (second.number, second.posts) == (1, 1)
    open_excerpts = [line.excerpt for line in sheet.open_threads]
    assert open_excerpts == ["Old thought.", "Nobody answers me."]
    assert sheet.since == earlier.starts_at
    assert sheet.new_post_count == 3


def test_prep_sheet_questions_answered_and_not(client):
    organizer = verified_user()
    member = verified_user(display_name="Mia")
    from tests.factories import make_curriculum

    curriculum = make_curriculum(units=2, readings_per_unit=1, questions_per_unit=1)
    group = make_group(organizer=organizer, members=[member], curriculum=curriculum)
    unit = curriculum.units.order_by("order").first()
    session = make_session(group, units=[unit])
    question = unit.questions.get()
    reading = unit.readings.get()
    post(group, reading.document, member, body="My answer.", question=question)
    post(group, reading.document, organizer, body="Mine too.", question=question)
    unit.questions.create(text="What is left out?", order=1)
    sheet = prep_sheet(Session.objects.select_related("group").get(pk=session.pk))
    assert [(q.text, q.answered_by) for q in sheet.questions] == [
        (question.text, 2),
        ("What is left out?", 0),
    ]
    assert [q.text for q in sheet.unanswered] == ["What is left out?"]
    client.force_login(organizer)
    page = client.get(reverse("discussions:session_prep", args=[group.slug, session.pk]))
    html = page.content.decode()
    assert "answered by 2 members" in html and "No answer yet" in html


def test_prep_sheet_is_for_facilitators_only(client):
    organizer, ann, bob, group, document, earlier, session = _setup()
    url = reverse("discussions:session_prep", args=[group.slug, session.pk])
    client.force_login(ann)
    assert client.get(url).status_code == 404
    client.force_login(verified_user())
    assert client.get(url).status_code == 404
    Membership.objects.filter(group=group, user=bob).update(role=Membership.Role.FACILITATOR)
    client.force_login(bob)
    assert client.get(url).status_code == 200
    page = client.get(session.get_absolute_url()).content.decode()
    assert url in page
    client.force_login(ann)
    assert url not in client.get(session.get_absolute_url()).content.decode()


@pytest.mark.parametrize("extra", [0, 12])
def test_prep_sheet_queries_are_constant(client, django_assert_max_num_queries, extra):
    organizer, ann, bob, group, document, earlier, session = _setup(extra_members=extra)
    for n in range(1 + extra):
        root = post(group, document, ann, body=f"Thread {n}", anchor=first_anchor(document, n % 4))
        if n % 2:
            reply(root, bob)
    client.force_login(organizer)
    url = reverse("discussions:session_prep", args=[group.slug, session.pk])
    with django_assert_max_num_queries(17):
        assert client.get(url).status_code == 200


def test_prep_sheet_is_mailed_to_facilitators_once(django_capture_on_commit_callbacks):
    organizer, ann, bob, group, document, earlier, session = _setup()
    Membership.objects.filter(group=group, user=bob).update(role=Membership.Role.FACILITATOR)
    post(group, document, ann, body="Hello", anchor=first_anchor(document, 1))
    mail.outbox.clear()
    call_command("send_reminders")
    call_command("send_reminders")
    prep = [m for m in mail.outbox if "preparation sheet" in m.subject]
    assert sorted(m.to[0] for m in prep) == sorted([organizer.email, bob.email])
    assert "¶ 2 of On Liberty" in prep[0].body
    assert reverse("discussions:session_prep", args=[group.slug, session.pk]) in prep[0].body
    assert SentReminder.objects.filter(session=session, kind="prep_sheet").count() == 2
    assert prep_sheets_send() == 0


def test_no_prep_sheet_more_than_a_day_ahead():
    organizer = verified_user()
    group = make_group(organizer=organizer)
    make_session(group, in_hours=30)
    assert prep_sheets_send() == 0
