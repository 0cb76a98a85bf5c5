"""The discussion page's composer is a cached fragment (`page_cache.composer_key`): each
page still gets its own one-time key (a post sent twice is one post, two posts from two
pages are two), its own CSRF token, and the composer of its viewer's standing."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from studygroups.core import fragments
from studygroups.discussions.models import Post
from studygroups.groups.models import Membership
from studygroups.moderation import services as moderation
from tests.factories import add_member, make_question

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    fragments.cache().clear()
    yield
    fragments.cache().clear()


def url(group, document, query=""):
    return reverse("discussions:document", args=[group.slug, document.slug]) + query


def composer(client, user, group, document, query="") -> str:
    if user is None:
        client.logout()
    else:
        client.force_login(user)
    html = client.get(url(group, document, query)).content.decode()
    start = html.index('<div id="composer"')
    return html[start : html.index("</section>", start)]


def form_key(html: str) -> str:
    return re.search(r'name="key" value="([0-9a-f-]{36})"', html)[1]


def test_each_page_its_own_key_and_two_pages_make_two_posts(client, group, document, member):
    first = composer(client, member, group, document)
    second = composer(client, member, group, document)
    assert form_key(first) != form_key(second)
    assert fragments.placeholder("post-form-key") not in second
    assert any(k.endswith(":composer") for k in fragments.cache()._cache)
    create = reverse("discussions:post_create", args=[group.slug, document.slug])
    for html, body in ((first, "One."), (second, "Two."), (second, "Two.")):
        client.post(create, {"body": body, "key": form_key(html), "action": "post"})
    assert sorted(Post.objects.values_list("body", flat=True)) == ["One.", "Two."]


def test_each_viewer_their_own_token(client, group, document, member, member2):
    first = composer(client, member, group, document)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', first)[1]
    second = composer(client, member2, group, document)
    assert token not in second
    assert fragments.CSRF_PLACEHOLDER not in second


def test_each_standing_its_own_composer(client, group, public_group, document, member):
    organizer = add_member(group, role=Membership.Role.ORGANIZER).user
    moderation.member_mute(
        actor=organizer, group=group, member=member, until=timezone.now() + dt.timedelta(days=1)
    )
    assert "muted you" in composer(client, member, group, document)
    writer = add_member(public_group).user
    assert 'name="body"' in composer(client, writer, public_group, document)
    outsider = add_member(group, state=Membership.State.LEFT).user
    assert "Only members of" in composer(client, outsider, public_group, document)
    assert "Log in" in composer(client, None, public_group, document)
    assert 'name="body"' in composer(client, writer, public_group, document)


def test_questions_and_the_one_asked_for(client, group, document, member):
    assert "<select" not in composer(client, member, group, document)
    question = make_question(group, document, text="Why read slowly?")
    html = composer(client, member, group, document)
    assert "Why read slowly?" in html
    chosen = composer(client, member, group, document, f"?question={question.pk}")
    assert f'value="{question.pk}" selected' in chosen
    question.text = "Why read closely?"
    question.save()
    assert "Why read closely?" in composer(client, member, group, document)


def test_a_value_not_found_is_never_kept():
    from django.template import Context, Template

    stand_in = fragments.placeholder("test")
    template = Template(
        '{% load fragments %}{% fragment "x" key fresh %}[{{ v }}]{% endfragment %}'
    )
    key = fragments.key("test")
    assert template.render(Context({"key": key, "fresh": {stand_in: "abc"}, "v": "zzz"})) == "[zzz]"
    assert fragments.cache().get(f"{key}:x") is None
    assert template.render(Context({"key": key, "fresh": {stand_in: "abc"}, "v": "abc"})) == "[abc]"
    assert fragments.cache().get(f"{key}:x") == f"[{stand_in}]"
    assert template.render(Context({"key": key, "fresh": {stand_in: "def"}, "v": "x"})) == "[def]"
    # No key (a view that did not set one): rendered, never kept.
    assert template.render(Context({"fresh": {stand_in: "abc"}, "v": "abc"})) == "[abc]"
    assert fragments.cache().get(":x") is None
