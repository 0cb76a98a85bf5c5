"""Reporting a post: who may, about which posts, and the queue."""

import pytest
from django.urls import reverse

from studygroups.discussions.models import Post
from studygroups.moderation.models import Report

from .helpers import HX, url

pytestmark = pytest.mark.django_db


def test_report_flow(setup, client):
    group, document, author, member, facilitator, p = setup
    client.force_login(member)
    assert client.get(url("post_report", p)).status_code == 200
    empty = client.post(url("post_report", p), {"reason": ""})
    assert empty.status_code == 400 and b"Choose the kind of problem" in empty.content
    client.post(url("post_report", p), {"category": "harassment", "reason": "insulting"})
    client.post(url("post_report", p), {"category": "spam", "reason": "again"})
    assert Report.objects.count() == 1
    client.force_login(facilitator)
    queue = client.get(reverse("moderation:queue", args=[group.slug])).content.decode()
    assert "insulting" in queue
    client.post(url("post_hide", p), {"category": "harassment", "reason": "insults"})
    assert Report.objects.get().resolved_at is not None
    queue = client.get(reverse("moderation:queue", args=[group.slug])).content.decode()
    assert "hid a post" in queue


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
