"""The catch-up page for a member who missed a session, and where it is offered."""

import pytest
from django.urls import reverse

from studygroups.groups import sessions
from studygroups.groups.minutes import minutes_write
from tests.factories import (
    first_anchor,
    make_document,
    make_group,
    make_session,
    post,
    verified_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def missed():
    organizer = verified_user(display_name="Olga")
    absent, present = verified_user(display_name="Abe"), verified_user(display_name="Pat")
    group = make_group(organizer=organizer, members=[absent, present])
    document = make_document(title="On Liberty", paragraphs=4)
    session = make_session(group, in_hours=-3, title="Last week")
    sessions.session_add_reading(session=session, document=document)
    sessions.rsvp_set(session=session, user=present, answer="going")
    sessions.attendance_mark(session=session, marked_by=organizer, present_user_ids=[present.pk])
    return organizer, absent, present, group, document, session


def test_catch_up_brings_minutes_paragraphs_and_posts_since(client, missed):
    organizer, absent, present, group, document, session = missed
    anchor = first_anchor(document, 1)
    minutes_write(session=session, author=organizer, body="We argued about ¶ 2.")
    post(group, document, present, body="Afterthought on the harm principle.", anchor=anchor)
    client.force_login(absent)
    url = reverse("discussions:session_catch_up", args=[group.slug, session.pk])
    html = client.get(url).content.decode()
    paragraph = reverse("discussions:paragraph", args=[group.slug, document.slug, anchor])
    assert f'href="{paragraph}" rel="nofollow ugc noopener">¶ 2</a>' in html
    assert "Afterthought on the harm principle." in html
    assert "1 post since" in html
    assert "Who has read what" not in html


def test_catch_up_is_offered_to_the_absent_and_unanswered(client, missed):
    organizer, absent, present, group, document, session = missed
    url = reverse("discussions:session_catch_up", args=[group.slug, session.pk])
    client.force_login(absent)
    assert url in client.get(session.get_absolute_url()).content.decode()
    assert url in client.get(reverse("groups:dashboard")).content.decode()
    client.force_login(present)
    assert url not in client.get(session.get_absolute_url()).content.decode()
    assert url not in client.get(reverse("groups:dashboard")).content.decode()
    assert client.get(url).status_code == 200  # any member may still open it
    client.force_login(verified_user())
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("extra", [0, 10])
def test_catch_up_queries_are_constant(client, missed, django_assert_max_num_queries, extra):
    organizer, absent, present, group, document, session = missed
    for n in range(1 + extra):
        post(group, document, present, body=f"Post {n}", anchor=first_anchor(document, n % 4))
    minutes_write(session=session, author=organizer, body="¶ 1, ¶ 2, ¶ 3.")
    client.force_login(absent)
    url = reverse("discussions:session_catch_up", args=[group.slug, session.pk])
    with django_assert_max_num_queries(21):
        assert client.get(url).status_code == 200
