"""The group reader page runs the same number of queries at 10 and at 500 posts."""

import random

import pytest
from django.urls import reverse

from studygroups.discussions import posting
from studygroups.discussions.models import Post
from tests.factories import add_member, first_anchor, make_question, post

pytestmark = pytest.mark.django_db
# A visit also saves its session (the baseline for "new", see views._seen_at), and the
# reader reads the notes and the old anchors of merged paragraphs, and the page lists the
# session minutes that cite the text. The discussion reads a page of threads with its
# total, the answers and detached threads beside it, and their first replies. A first
# view (nothing cached) also reads the document's stamp (the text's cache key) and the
# viewer's read state before recording the visit (fragments.seen_at); a cached view
# runs 9 (test_page_cache.py).
BOUND = 25


def fill(group, document, authors, count):
    rng = random.Random(count)
    anchors = [first_anchor(document, i) for i in range(3)]
    question = make_question(group, document, gated=True)
    made = []
    for i in range(count):
        author = authors[i % len(authors)]
        if made and rng.random() < 0.6:
            parent = rng.choice(made)
            made.append(posting.post_reply(author=author, parent=parent, body=f"reply {i}")[0])
        else:
            kwargs = {}
            if i % 3 == 1:
                kwargs["anchor"] = anchors[i % 3]
            elif i % 7 == 0:
                kwargs["question"] = question
            made.append(
                post(group, document, author, f"post {i} @{authors[0].public_name}", **kwargs)
            )
    assert Post.objects.count() == count


@pytest.mark.parametrize("count", [10, 500])
def test_reader_page_query_count_is_constant(
    client, group, document, member, count, django_assert_max_num_queries
):
    authors = [member] + [add_member(group).user for _ in range(4)]
    fill(group, document, authors, count)
    client.force_login(member)
    url = reverse(
        "discussions:document",
        kwargs={"group_slug": group.slug, "document_slug": document.slug},
    )
    with django_assert_max_num_queries(BOUND):
        response = client.get(url)
    assert response.status_code == 200
    with django_assert_max_num_queries(BOUND):
        assert client.get(url, HTTP_HX_REQUEST="true").status_code == 200
    anchor = first_anchor(document, 1)
    with django_assert_max_num_queries(BOUND):
        client.get(url + f"p/{anchor}/", HTTP_HX_REQUEST="true")


@pytest.mark.parametrize("count", [10, 100])
def test_notifications_page_query_count(
    client, group, document, member, member2, count, django_assert_max_num_queries
):
    root = post(group, document, member, "root")
    for i in range(count):
        posting.post_reply(author=member2, parent=root, body=f"r{i}")
    client.force_login(member)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("discussions:notifications")).status_code == 200


@pytest.mark.parametrize("count", [3, 30])
def test_group_index_query_count(client, group, member, count, django_assert_max_num_queries):
    from tests.factories import make_document

    for _ in range(count):
        post(group, make_document(sections=1, paragraphs=1), member, "hello")
    client.force_login(member)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("discussions:group", args=[group.slug]))
    assert response.status_code == 200
    assert response.content.count(b"discussion-list__item") == count
