"""Moderators hide, remove and read the history of posts; members cannot."""

import pytest

from studygroups.moderation.models import ModerationAction
from tests.factories import post, reply

from .helpers import HX, url

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("htmx", [False, True])
def test_hidden_post_shows_placeholder_to_members_and_body_to_moderators(setup, client, htmx):
    group, document, author, member, facilitator, p = setup
    child = reply(p, member, "a civil reply")
    client.force_login(facilitator)
    extra = HX if htmx else {}
    refused = client.post(url("post_hide", p), **extra)
    assert refused.status_code == 400  # every action says why
    response = client.post(
        url("post_hide", p), {"category": "harassment", "reason": "insults"}, **extra
    )
    assert response.status_code == (200 if htmx else 302)
    client.force_login(member)
    page = client.get(p.discussion.get_absolute_url()).content.decode()
    assert "RUDE" not in page and "a civil reply" in page
    assert "Removed by a moderator: Harassment or abuse" in page
    client.force_login(facilitator)
    page = client.get(p.discussion.get_absolute_url()).content.decode()
    assert "RUDE" in page and "Hidden from members" in page
    assert child.pk


def test_members_cannot_moderate(setup, client):
    group, document, author, member, facilitator, p = setup
    client.force_login(member)
    assert client.post(url("post_hide", p)).status_code == 403
    assert not ModerationAction.objects.exists()


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


def test_moderator_removes_only_others_posts(setup, client):
    group, document, author, member, facilitator, p = setup
    own = post(group, document, facilitator, "my own words")
    client.force_login(facilitator)
    assert client.post(url("post_remove", own)).status_code == 403
    assert client.post(url("post_delete", own)).status_code == 302
    assert not ModerationAction.objects.exists()
