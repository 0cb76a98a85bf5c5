"""Moderation actions are safe to repeat and logged once."""

import pytest

from studygroups.discussions.models import Post
from studygroups.moderation import services
from studygroups.moderation.models import ModerationAction

from .helpers import url

pytestmark = pytest.mark.django_db


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
