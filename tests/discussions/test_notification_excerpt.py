"""Notifications carry an excerpt of their post (issue #15): the opening of its plain
text, escaped, and never for a post the recipient can no longer read; in the inbox (at a
constant number of queries) and in the e-mails (in the recipient's language)."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from studygroups.discussions.emails import send_digests
from studygroups.discussions.models import Notification, Post
from studygroups.discussions.selectors import EXCERPT_LENGTH, notification_list
from studygroups.groups.models import Group, Membership
from studygroups.notifications.services import preferences_update
from tests.factories import add_member, make_document, make_group, make_question, post, reply

pytestmark = pytest.mark.django_db

LONG = (
    "**Mutual aid** is the _voluntary_ exchange of help. "
    + "Each paragraph of the pamphlet argues the point again with a new example. " * 8
)
INJECTION = 'Look: <script>alert("x")</script> <img src=x onerror=alert(1)> & done'


def inbox(client, user, **headers):
    client.force_login(user)
    response = client.get(reverse("discussions:notifications"), **headers)
    assert response.status_code == 200
    return response.content.decode()


def test_inbox_shows_the_opening_of_the_post_as_plain_text(client, group, document, member):
    other = add_member(group).user
    root = post(group, document, member, "root")
    reply(root, other, LONG)
    page = inbox(client, member)
    assert "<strong>Mutual aid</strong>" not in page
    assert "Mutual aid is the voluntary exchange of help. Each paragraph" in page
    (item,) = notification_list(member)["items"]
    assert len(item.excerpt) <= EXCERPT_LENGTH
    assert len(item.excerpt) > EXCERPT_LENGTH - 60  # about 200 characters, cut at a word
    assert item.excerpt.endswith("…") and not item.excerpt.endswith(" …")
    assert item.excerpt[:-1] in " ".join(LONG.replace("**", "").replace("_", "").split())
    # The htmx partial (after "Mark as read") shows it too.
    fragment = inbox(client, member, HTTP_HX_REQUEST="true")
    assert "Mutual aid is the voluntary exchange" in fragment
    assert "<html" not in fragment


def test_excerpt_cannot_inject_html(client, group, document, member):
    other = add_member(group).user
    reply(post(group, document, member, "root"), other, INJECTION)
    page = inbox(client, member)
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt; &amp; done" in page


def test_no_excerpt_for_posts_the_recipient_can_no_longer_read(client, group, document, member):
    other = add_member(group).user
    root = post(group, document, member, "root")
    hidden = reply(root, other, "HIDDEN-BODY")
    deleted = reply(root, other, "DELETED-BODY")
    reply(root, other, "VISIBLE-BODY")
    now = timezone.now()
    Post.objects.filter(pk=hidden.pk).update(hidden_at=now)
    Post.objects.filter(pk=deleted.pk).update(deleted_at=now)
    page = inbox(client, member)
    assert "VISIBLE-BODY" in page
    assert "HIDDEN-BODY" not in page and "DELETED-BODY" not in page
    assert page.count("This post is no longer there for you to read") == 2
    # The notification itself stays (who replied, where), so the inbox keeps its history.
    assert page.count("replied to your post") == 3


def test_no_excerpt_after_leaving_a_private_group(client, group, document, member):
    other = add_member(group).user
    reply(post(group, document, member, "root"), other, "PRIVATE-BODY")
    assert group.visibility == Group.Visibility.PRIVATE
    Membership.objects.filter(user=member, group=group).update(state=Membership.State.LEFT)
    page = inbox(client, member)
    assert "PRIVATE-BODY" not in page
    assert "This post is no longer there for you to read" in page


def test_public_group_posts_stay_readable_after_leaving(client, public_group, document):
    member, other = add_member(public_group).user, add_member(public_group).user
    reply(post(public_group, document, member, "root"), other, "PUBLIC-BODY")
    Membership.objects.filter(user=member).update(state=Membership.State.LEFT)
    assert "PUBLIC-BODY" in inbox(client, member)


def test_no_excerpt_of_a_gated_answer_before_answering(client, group, document, member):
    """A member following the discussion is told that someone answered a question that
    asks for their own answer first; the answer's words wait until they have answered."""
    question = make_question(group, document, gated=True)
    other = add_member(group).user
    answer = post(group, document, other, "GATED-ANSWER", question=question)
    answer_reply = reply(answer, add_member(group).user, "GATED-REPLY")
    for p in (answer, answer_reply):
        Notification.objects.get_or_create(
            recipient=member, post=p, defaults={"kind": Notification.Kind.FOLLOWED}
        )
    page = inbox(client, member)
    assert "GATED-ANSWER" not in page and "GATED-REPLY" not in page
    post(group, document, member, "my own answer", question=question)
    page = inbox(client, member)
    assert "GATED-ANSWER" in page and "GATED-REPLY" in page
    # A facilitator sees every answer.
    facilitator = add_member(group, role=Membership.Role.FACILITATOR).user
    Notification.objects.create(recipient=facilitator, post=answer, kind="followed")
    assert "GATED-ANSWER" in inbox(client, facilitator)


def fill(recipient, count):
    """`count` notifications across several groups (a private one left, a public one),
    with hidden posts and gated answers among them."""
    groups = [
        make_group(organizer=None, visibility=visibility)
        for visibility in (Group.Visibility.PRIVATE, Group.Visibility.PUBLIC)
    ]
    made = 0
    for i in range(count):
        group = groups[i % 2]
        if not Membership.objects.filter(group=group, user=recipient).exists():
            add_member(group, recipient)
        document = make_document(sections=1, paragraphs=1)
        author = add_member(group).user
        if i % 3 == 0:
            question = make_question(group, document, gated=True)
            target = post(group, document, author, f"answer {i}", question=question)
            target = reply(target, author, f"reply {i}")
        else:
            target = post(group, document, author, f"post {i}")
        if i % 4 == 0:
            Post.objects.filter(pk=target.pk).update(hidden_at=timezone.now())
        Notification.objects.get_or_create(recipient=recipient, post=target, kind="followed")
        made += 1
    return made


def test_inbox_queries_do_not_grow_with_notifications(client, django_assert_max_num_queries):
    from tests.factories import verified_user

    counts = []
    for size in (3, 40):
        recipient = verified_user()
        assert fill(recipient, size) == size
        client.force_login(recipient)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("discussions:notifications"))
        assert response.status_code == 200
        assert response.content.decode().count('class="notification') >= size
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    with django_assert_max_num_queries(12):
        client.get(reverse("discussions:notifications"))


# --------------------------------------------------------------------------- e-mails


def test_email_carries_the_excerpt_escaped(
    group, document, member, django_capture_on_commit_callbacks
):
    other = add_member(group).user
    root = post(group, document, member, "root")
    with django_capture_on_commit_callbacks(execute=True):
        reply(root, other, LONG)
        reply(root, other, INJECTION)
    first, second = mail.outbox
    assert "Mutual aid is the voluntary exchange of help. Each paragraph" in first.body
    assert "**Mutual aid**" not in first.body
    html = first.alternatives[0][0]
    assert "<blockquote>Mutual aid is the voluntary exchange" in html
    assert len(LONG) > 400 and "new example. Each paragraph" in html
    assert html.count("new example") < 4  # the excerpt, not the whole post
    assert "<script>" not in second.alternatives[0][0]
    assert "&lt;script&gt;" in second.alternatives[0][0]
    assert '<script>alert("x")</script>' in second.body  # plain text stays plain


def test_digest_has_no_excerpt_of_a_post_hidden_since(group, document, member):
    preferences_update(user=member, discussion_email="daily")
    other = add_member(group).user
    root = post(group, document, member, "root")
    hidden = reply(root, other, "HIDDEN-SINCE")
    reply(root, other, "STILL-HERE")
    Post.objects.filter(pk=hidden.pk).update(hidden_at=timezone.now())
    assert send_digests() == 1
    (digest,) = mail.outbox
    assert "STILL-HERE" in digest.body and "HIDDEN-SINCE" not in digest.body
    assert "HIDDEN-SINCE" not in digest.alternatives[0][0]


def test_email_in_the_recipients_language(
    group, document, member, django_capture_on_commit_callbacks
):
    member.language = "es"
    member.save(update_fields=["language"])
    other = add_member(group).user
    root = post(group, document, member, "root")
    with django_capture_on_commit_callbacks(execute=True):
        reply(root, other, "Una respuesta")
    (message,) = mail.outbox
    assert "respondió a tu publicación" in message.subject
    assert "respondió a tu publicación" in message.body
    assert "Una respuesta" in message.body
    html = message.alternatives[0][0]
    assert '<html lang="es">' in html and "Abrir la publicación" in html
    # The others, and the site around the sending, stay in English.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reply(post(group, document, other, "root 2"), member, "back")
    (english,) = [m for m in mail.outbox if m.to == [other.email]]
    assert "replied to your post" in english.subject


def test_digest_subject_counts_in_spanish(group, document, member):
    member.language = "es"
    member.save(update_fields=["language"])
    preferences_update(user=member, discussion_email="daily")
    other = add_member(group).user
    root = post(group, document, member, "root")
    reply(root, other, "uno")
    reply(root, other, "dos")
    assert send_digests() == 1
    assert "2 notificaciones nuevas" in mail.outbox[0].subject


def test_inbox_in_spanish(client, group, document, member):
    other = add_member(group).user
    reply(post(group, document, member, "root"), other, "hola")
    page = inbox(client, member, HTTP_ACCEPT_LANGUAGE="es")
    assert "Notificaciones" in page
    assert "respondió a tu publicación" in page
    assert "Marcar como leída" in page
