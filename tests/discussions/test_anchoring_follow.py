"""Posts follow their passage through text corrections; none ever disappears (issue 12)."""

import pytest
from django.urls import reverse

from studygroups.discussions import anchoring
from studygroups.discussions.models import Post
from studygroups.groups.models import Membership
from studygroups.library.models import TextRevision
from studygroups.library.services import (
    BlockInput,
    SectionInput,
    document_create,
    document_replace_text,
)
from tests.factories import add_member, post, reply

pytestmark = pytest.mark.django_db

A = "The first paragraph talks about the weather in the valley for a while."
B = "The second paragraph is about the river that runs through the old town."
C = "The third paragraph describes the market square and its Saturday crowds."
D = "The fourth paragraph ends the walk at the church on the hill above it all."


def _doc(*texts):
    return document_create(
        title="A walk", sections=[SectionInput("", [BlockInput(t) for t in texts])]
    )


def _anchor(document, text):
    return document.blocks.get(text=text).anchor


def _replace(document, *texts):
    change = document_replace_text(
        document=document, sections=[SectionInput("", [BlockInput(t) for t in texts])]
    )
    return change, anchoring.posts_follow_text(document=document, change=change)


# ----------------------------------------------------------------- finding a quote


def test_find_quote_exact_prefers_context_and_typographic_quotes_match():
    paragraphs = [("p-1", "the river runs. the river runs."), ("p-2", "It said \u201cno\u201d.")]
    found = anchoring.find_quote(paragraphs, "the river", prefix="runs. ")
    assert (found.anchor, found.start, found.exact) == ("p-1", 16, True)
    assert anchoring.find_quote(paragraphs, 'said "no"').anchor == "p-2"


def test_find_quote_fuzzy_allows_a_typo_but_not_a_stranger():
    paragraphs = [("p-1", A), ("p-2", B)]
    found = anchoring.find_quote(paragraphs, "the river that runs thruogh the old town")
    assert found.anchor == "p-2" and not found.exact
    assert anchoring.find_quote(paragraphs, "an entirely different sentence here") is None
    assert anchoring.find_quote(paragraphs, "xyz") is None


# ------------------------------------------------------------------ following the text


def test_posts_follow_moved_merged_and_split_paragraphs(group, member):
    document = _doc(A, B, C, D)
    on_c = post(group, document, member, anchor=_anchor(document, C), quote="market square")
    on_d = post(group, document, member, anchor=_anchor(document, D), quote="church on the hill")
    reply_d = reply(on_d, member)
    on_b_tail = post(group, document, member, anchor=_anchor(document, B), quote="the old town")
    old_b = _anchor(document, B)
    half = B.index("runs")
    change, report = _replace(document, D, A, B[:half].strip() + " " + C, B[half:])
    on_c.refresh_from_db()
    on_d.refresh_from_db()
    reply_d.refresh_from_db()
    on_b_tail.refresh_from_db()
    assert on_d.anchor == reply_d.anchor == _anchor(document, D)  # moved, same anchor
    merged = document.blocks.get(text__contains="market square").anchor
    assert on_c.anchor == merged  # the merge's second paragraph followed its text
    tail = document.blocks.get(text=B[half:]).anchor
    assert on_b_tail.anchor == tail and tail != old_b  # the split's second half
    assert on_b_tail.quote_start == B[half:].index("the old town")
    revision = TextRevision.objects.get(document=document)
    assert revision.report["discussions"]["threads_without_passage"] == 0
    assert report.kept + report.moved + report.reattached == 3


def test_removed_passage_detaches_the_thread_and_the_page_still_shows_it(client, group, member):
    document = _doc(A, B, C)
    gone = post(group, document, member, anchor=_anchor(document, C), quote="Saturday crowds")
    answer = reply(gone, member)
    _, report = _replace(document, A, B)
    gone.refresh_from_db()
    answer.refresh_from_db()
    assert gone.is_detached and answer.is_detached
    assert gone.anchor == "" and gone.detached_anchor
    assert gone.quote == "Saturday crowds" and gone.text_revision == 1
    assert (report.detached, report.posts_detached) == (1, 2)
    client.force_login(member)
    url = reverse("discussions:document", args=[group.slug, document.slug])
    page = client.get(url).content.decode()
    assert "On passages no longer in the text" in page
    assert f'id="post-{gone.pk}"' in page and f'id="post-{answer.pk}"' in page
    assert "Re-attach" not in page  # members do not moderate
    general = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert f'id="post-{gone.pk}"' in general


def test_detached_thread_comes_back_when_its_quote_returns(group, member):
    document = _doc(A, B, C)
    gone = post(group, document, member, anchor=_anchor(document, C), quote="Saturday crowds")
    _replace(document, A, B)
    _, report = _replace(document, A, B, C)
    gone.refresh_from_db()
    assert not gone.is_detached and gone.anchor == _anchor(document, C)
    assert report.reattached == 1


def test_moderator_reattaches_a_detached_thread(client, group, member):
    facilitator = add_member(group, role=Membership.Role.ORGANIZER).user
    document = _doc(A, B, C)
    gone = post(group, document, member, anchor=_anchor(document, C), quote="Saturday crowds")
    _replace(document, A, B)
    url = reverse("discussions:post_reattach", args=[group.slug, document.slug, gone.pk])
    client.force_login(member)
    assert client.get(url).status_code == 403
    client.force_login(facilitator)
    page = client.get(url)
    assert page.status_code == 200 and "Saturday crowds" in page.content.decode()
    assert client.post(url, {"anchor": "p-nothing"}).status_code == 400
    response = client.post(url, {"anchor": _anchor(document, B)})
    assert response.status_code == 302
    gone.refresh_from_db()
    assert gone.anchor == _anchor(document, B) and not gone.is_detached


def test_old_anchor_of_a_merged_paragraph_redirects_to_its_new_paragraph(client, group, member):
    document = _doc(A, B, C)
    old_c = _anchor(document, C)
    _replace(document, A, B + " " + C)
    client.force_login(member)
    url = reverse("discussions:paragraph", args=[group.slug, document.slug, old_c])
    response = client.get(url)
    target = reverse(
        "discussions:paragraph", args=[group.slug, document.slug, _anchor(document, B + " " + C)]
    )
    assert response.status_code == 302 and response["Location"] == target
    # A post written on the old anchor lands on the paragraph that holds it.
    new = post(group, document, member, anchor=old_c, quote="market square")
    assert new.anchor == _anchor(document, B + " " + C)
    assert new.quote_start is not None and new.text_revision == 2
    assert Post.objects.filter(anchor=old_c).count() == 0


def test_detached_posts_count_and_their_links_reach_the_page(client, group, member, member2):
    from studygroups.discussions.selectors import group_discussions, post_url

    document = _doc(A, B, C)
    gone = post(group, document, member, anchor=_anchor(document, C), quote="Saturday crowds")
    answer = reply(gone, member2)  # notifies the author
    _replace(document, A, B)
    answer.refresh_from_db()
    [row] = group_discussions(group)
    assert row.post_count == 2
    client.force_login(member)
    url = post_url(answer)
    page = client.get(url.split("#")[0]).content.decode()
    assert f'id="post-{answer.pk}"' in page
    assert member.notifications.filter(post=answer).exists()
