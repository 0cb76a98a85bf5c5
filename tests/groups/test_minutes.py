"""Minutes that cite the text: ¶ numbers and quotes become links to paragraphs, stored by
anchor so they survive a corrected text; members are told; only facilitators write."""

import pytest
from django.core import mail
from django.db.models import F
from django.urls import reverse

from studygroups.groups import sessions
from studygroups.groups.minutes import minutes_write
from studygroups.groups.models import GroupActivity, MinutesCitation, Session
from studygroups.library.models import Block
from tests.factories import make_document, make_session

pytestmark = pytest.mark.django_db


def _anchors(document):
    return list(
        document.blocks.exclude(kind="heading").order_by("order").values_list("anchor", flat=True)
    )


@pytest.fixture
def held(private_group):
    session = make_session(private_group, in_hours=-3)
    first = make_document(title="On Liberty", paragraphs=4)
    second = make_document(title="The Subjection of Women", paragraphs=2)
    sessions.session_add_reading(session=session, document=first)
    anchors = _anchors(second)
    sessions.session_add_reading(
        session=session, document=second, start_anchor=anchors[1], end_anchor=anchors[3]
    )
    return session, first, second


def _paragraph_url(group, document, anchor):
    return reverse("discussions:paragraph", args=[group.slug, document.slug, anchor])


def _link(group, document, anchor, label):
    url = _paragraph_url(group, document, anchor)
    return f'<a href="{url}" rel="nofollow ugc noopener">{label}</a>'


def test_citations_resolve_to_paragraphs(held, organizer, private_group):
    session, first, second = held
    a1, a2 = _anchors(first), _anchors(second)
    quote = " ".join(Block.objects.get(anchor=a1[5], document=first).text.split()[:5])
    body = (
        "We began with ¶ 3, then ¶ 2 of [subjection] and ¶ 1 of [Subjection] (outside the "
        f'range), then “{quote}”, then ¶ 99 and "no such words here".'
    )
    minutes, missed = minutes_write(session=session, author=organizer, body=body)
    assert missed == 3
    cited = [(c.document_id, c.anchor) for c in minutes.citations.all()]
    assert cited == [(first.pk, a1[2]), (second.pk, a2[1]), (first.pk, a1[5])]
    page = sessions_page(session, organizer)
    assert _link(private_group, first, a1[2], "¶ 3") in page
    assert _link(private_group, second, a2[1], "¶ 2 of The Subjection of Women") in page
    assert _paragraph_url(private_group, first, a1[5]) in page
    assert "¶ 99" in page and "¶ 1 of [Subjection]" in page


def sessions_page(session, user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.get(session.get_absolute_url()).content.decode()


def test_citation_follows_its_paragraph_through_a_correction(held, organizer, private_group):
    session, first, _ = held
    a1 = _anchors(first)
    minutes_write(session=session, author=organizer, body="See ¶ 3.")
    # A correction inserts a paragraph before it: the same paragraph is now ¶ 4.
    target = Block.objects.get(document=first, anchor=a1[2])
    later = Block.objects.filter(document=first, order__gte=target.order)
    later.update(order=F("order") + 10_000)
    Block.objects.filter(document=first, order__gte=10_000).update(order=F("order") - 9_999)
    Block.objects.create(
        document=first, section=target.section, order=target.order, anchor="p-new", text="New."
    )
    page = sessions_page(session, organizer)
    assert _link(private_group, first, a1[2], "¶ 4") in page


def test_members_are_told_once_and_it_shows_in_history(
    held, organizer, member, private_group, django_capture_on_commit_callbacks
):
    session, *_ = held
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        minutes_write(session=session, author=organizer, body="First draft.")
    with django_capture_on_commit_callbacks(execute=True):
        minutes_write(session=session, author=organizer, body="Second draft.")
    assert sorted(m.to[0] for m in mail.outbox) == sorted([organizer.email, member.email])
    assert GroupActivity.objects.filter(kind=GroupActivity.Kind.MINUTES).count() == 1
    assert "Second draft." in sessions_page(session, member)


def test_only_facilitators_write_and_not_before_the_session(client, held, member, organizer):
    session, *_ = held
    url = reverse("groups:session_minutes", args=[session.group.slug, session.pk])
    client.force_login(member)
    assert client.get(url).status_code == 404
    assert client.post(url, {"body": "Hi"}).status_code == 404
    client.force_login(organizer)
    assert client.get(url).status_code == 200
    response = client.post(url, {"body": "We read ¶ 1 and ¶ 77."}, follow=True)
    assert "1 citation did not match" in response.content.decode()
    assert MinutesCitation.objects.count() == 1
    later = make_session(session.group, in_hours=5)
    later_url = reverse("groups:session_minutes", args=[session.group.slug, later.pk])
    response = client.post(later_url, {"body": "Too early"})
    assert "once the session has started" in response.content.decode()
    Session.objects.filter(pk=session.pk).update(state=Session.State.CANCELLED)
    response = client.post(url, {"body": "x"})
    assert "cancelled session has no minutes" in response.content.decode()


def test_minutes_show_in_history_and_in_the_cited_discussion(
    client, held, organizer, member, private_group
):
    session, first, _ = held
    a1 = _anchors(first)
    minutes_write(session=session, author=organizer, body="About ¶ 2 and ¶ 2 again, and ¶ 4.")
    client.force_login(member)
    group_page = client.get(private_group.get_absolute_url()).content.decode()
    assert f'{session.get_absolute_url()}#minutes">Minutes</a>' in group_page
    page = client.get(
        reverse("discussions:document", args=[private_group.slug, first.slug])
    ).content.decode()
    assert "Session minutes that cite this text" in page
    assert f"{session.get_absolute_url()}#minutes" in page
    assert f'href="{_paragraph_url(private_group, first, a1[1])}">¶ 2</a>' in page
    assert f'href="{_paragraph_url(private_group, first, a1[3])}">¶ 4</a>' in page


def test_spanish_citations_resolve_and_read_in_the_readers_language(held, organizer):
    """A Spanish-speaking facilitator writes "¶ 2 de [Título]"; each reader sees the link
    in their own language."""
    session, first, second = held
    a2 = _anchors(second)
    minutes, missed = minutes_write(
        session=session, author=organizer, body="Empezamos con ¶ 2 de [subjection]."
    )
    assert missed == 0
    assert [(c.document_id, c.anchor) for c in minutes.citations.all()] == [(second.pk, a2[1])]
    from django.test import Client

    client = Client()
    client.force_login(organizer)
    spanish = client.get(session.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "¶ 2 de The Subjection of Women</a>" in spanish
    assert "¶ 2 of The Subjection of Women</a>" in sessions_page(session, organizer)
