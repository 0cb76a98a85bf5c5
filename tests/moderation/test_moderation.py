import pytest
from django.urls import reverse

from studygroups.discussions.models import Post
from studygroups.groups.models import Membership
from studygroups.moderation import services
from studygroups.moderation.models import ModerationAction, Report
from tests.discussions.factories import add_member, make_group, post, reply
from tests.factories import make_document

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def setup():
    group = make_group()
    document = make_document()
    author = add_member(group)
    member = add_member(group)
    facilitator = add_member(group, role=Membership.Role.FACILITATOR)
    p = post(group, document, author, "RUDE words")
    return group, document, author, member, facilitator, p


MODERATION = {"post_hide", "post_unhide", "post_remove", "post_report"}


def url(name, p):
    d = p.discussion
    namespace = "moderation" if name in MODERATION else "discussions"
    return reverse(
        f"{namespace}:{name}",
        kwargs={"group_slug": d.group.slug, "document_slug": d.document.slug, "post_id": p.pk},
    )


def test_hide_is_idempotent_and_logged(setup):
    group, document, author, member, facilitator, p = setup
    assert services.post_hide(actor=facilitator, post=p) is True
    assert services.post_hide(actor=facilitator, post=p) is False
    assert ModerationAction.objects.filter(kind="hide").count() == 1
    assert services.post_unhide(actor=facilitator, post=p) is True
    assert services.post_unhide(actor=facilitator, post=p) is False
    assert ModerationAction.objects.count() == 2


def test_lock_is_idempotent_and_blocks_writing(setup, client):
    group, document, author, member, facilitator, p = setup
    d = p.discussion
    assert services.discussion_lock(actor=facilitator, discussion=d)
    assert not services.discussion_lock(actor=facilitator, discussion=d)
    client.force_login(member)
    response = client.post(
        url("post_reply", p), {"body": "x", "key": "00000000-0000-0000-0000-000000000001"}
    )
    assert response.status_code == 403 and b"locked" in response.content
    assert Post.objects.count() == 1


@pytest.mark.parametrize("htmx", [False, True])
def test_hidden_post_shows_placeholder_to_members_and_body_to_moderators(setup, client, htmx):
    group, document, author, member, facilitator, p = setup
    child = reply(p, member, "a civil reply")
    client.force_login(facilitator)
    response = client.post(url("post_hide", p), **(HX if htmx else {}))
    assert response.status_code == (200 if htmx else 302)
    client.force_login(member)
    page = client.get(p.discussion.get_absolute_url()).content.decode()
    assert "RUDE" not in page and "hidden by a moderator" in page and "a civil reply" in page
    client.force_login(facilitator)
    page = client.get(p.discussion.get_absolute_url()).content.decode()
    assert "RUDE" in page and "Hidden from members" in page
    assert child.pk


def test_members_cannot_moderate(setup, client):
    group, document, author, member, facilitator, p = setup
    client.force_login(member)
    assert client.post(url("post_hide", p)).status_code == 403
    assert not ModerationAction.objects.exists()


def test_report_flow(setup, client):
    group, document, author, member, facilitator, p = setup
    client.force_login(member)
    assert client.get(url("post_report", p)).status_code == 200
    empty = client.post(url("post_report", p), {"reason": ""})
    assert empty.status_code == 400 and b"Tell the moderators" in empty.content
    client.post(url("post_report", p), {"reason": "insulting"})
    client.post(url("post_report", p), {"reason": "again"})
    assert Report.objects.count() == 1
    client.force_login(facilitator)
    queue = client.get(reverse("moderation:queue", args=[group.slug])).content.decode()
    assert "insulting" in queue
    client.post(url("post_hide", p))
    assert Report.objects.get().resolved_at is not None
    queue = client.get(reverse("moderation:queue", args=[group.slug])).content.decode()
    assert "hid a post" in queue


def test_history_visible_to_moderators_only(setup, client):
    from studygroups.discussions.posting import post_edit

    group, document, author, member, facilitator, p = setup
    post_edit(editor=author, post=p, body="polite words")
    client.force_login(facilitator)
    page = client.get(url("post_history", p)).content.decode()
    assert "RUDE words" in page and "polite words" in page
    client.force_login(author)
    assert client.get(url("post_history", p)).status_code == 403


@pytest.mark.parametrize("htmx", [False, True])
def test_moderator_deletion_is_logged_and_says_so(setup, client, htmx):
    group, document, author, member, facilitator, p = setup
    client.force_login(facilitator)
    extra = HX if htmx else {}
    response = client.post(url("post_remove", p), **extra)
    assert response.status_code == (200 if htmx else 302)
    client.post(url("post_remove", p), **extra)  # repeating changes nothing
    action = ModerationAction.objects.get()
    assert (action.kind, action.actor, action.post) == ("delete", facilitator, p)
    client.force_login(member)
    html = client.get(url("post", p)).content.decode()
    assert "removed by a moderator" in html
    assert "deleted by its author" not in html


def test_author_deletion_is_not_a_moderation_action(setup, client):
    group, document, author, member, facilitator, p = setup
    client.force_login(author)
    client.post(url("post_delete", p))
    assert not ModerationAction.objects.exists()
    assert "deleted by its author" in client.get(url("post", p)).content.decode()


@pytest.mark.parametrize("htmx", [False, True])
def test_member_cannot_report_their_own_post(setup, client, htmx):
    group, document, author, member, facilitator, p = setup
    client.force_login(author)
    extra = HX if htmx else {}
    assert client.get(url("post_report", p), **extra).status_code == 403
    response = client.post(url("post_report", p), {"reason": "mine"}, **extra)
    assert response.status_code == 403 and b"your own post" in response.content
    assert not Report.objects.exists()


@pytest.mark.parametrize("removal", ["hidden_at", "deleted_at"])
def test_hidden_or_deleted_post_cannot_be_reported(setup, client, removal):
    group, document, author, member, facilitator, p = setup
    Post.objects.filter(pk=p.pk).update(**{removal: p.created_at})
    client.force_login(member)
    response = client.post(url("post_report", p), {"reason": "rude"})
    assert response.status_code == 403
    assert not Report.objects.exists()


def test_report_button_follows_the_rule(setup, client):
    group, document, author, member, facilitator, p = setup
    report = url("post_report", p).encode()
    client.force_login(member)
    assert report in client.get(p.discussion.get_absolute_url()).content
    client.force_login(author)
    assert report not in client.get(p.discussion.get_absolute_url()).content


def test_moderator_removes_only_others_posts(setup, client):
    group, document, author, member, facilitator, p = setup
    own = post(group, document, facilitator, "my own words")
    client.force_login(facilitator)
    assert client.post(url("post_remove", own)).status_code == 403
    assert client.post(url("post_delete", own)).status_code == 302
    assert not ModerationAction.objects.exists()
