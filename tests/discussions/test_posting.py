"""Writing posts: creation, idempotency, limits, edits, deletion, following."""

import uuid

import pytest
from django.core.exceptions import ValidationError

from studygroups.discussions import posting, threads
from studygroups.discussions.models import BODY_MAX, Discussion, Follow, Post, PostRevision
from tests.factories import add_member, make_question, post, reply

pytestmark = pytest.mark.django_db


def test_discussion_created_on_first_post_and_unique(group, document, member, member2):
    assert not Discussion.objects.exists()
    post(group, document, member)
    post(group, document, member2)
    assert Discussion.objects.count() == 1


def test_same_idempotency_key_never_creates_two_posts(group, document, member):
    key = uuid.uuid4()
    first, created1 = posting.post_create(
        author=member, group=group, document=document, body="once", idempotency_key=key
    )
    second, created2 = posting.post_create(
        author=member, group=group, document=document, body="once", idempotency_key=key
    )
    assert created1 and not created2 and first.pk == second.pk
    assert Post.objects.count() == 1


def test_length_limits(group, document, member):
    with pytest.raises(ValidationError, match="at most"):
        post(group, document, member, body="x" * (BODY_MAX + 1))
    with pytest.raises(ValidationError, match="Write something"):
        post(group, document, member, body="   ")


def test_edit_keeps_revision_and_rerenders(group, document, member):
    p = post(group, document, member, "first *version*")
    posting.post_edit(editor=member, post=p, body="second **version**")
    p.refresh_from_db()
    assert "<strong>version</strong>" in p.body_html
    assert p.edited_at is not None
    revision = PostRevision.objects.get(post=p)
    assert revision.body == "first *version*"
    assert "<em>version</em>" in revision.body_html


def test_soft_delete_keeps_replies(group, document, member, member2):
    p = post(group, document, member)
    r = reply(p, member2)
    posting.post_delete(actor=member, post=p)
    posting.post_delete(actor=member, post=p)  # idempotent
    nodes = threads.build_threads(Post.objects.filter(discussion=p.discussion).for_display())
    assert nodes[0].post.is_deleted
    assert nodes[0].children[0].post.pk == r.pk


def test_posting_follows_the_discussion(group, document, member):
    p = post(group, document, member)
    assert Follow.objects.get(user=member, discussion=p.discussion).following


def test_question_must_belong_to_the_group_reading(group, public_group, document, member):
    foreign = make_question(public_group, document)
    with pytest.raises(ValidationError, match="not part of this group"):
        post(group, document, member, question=foreign)
    own = make_question(group, document)
    assert post(group, document, member, question=own).question == own


def test_demo_discussion_is_threaded_anchored_and_idempotent(group, document, member, member2):
    from studygroups.discussions.demo import create_demo_discussion

    third = add_member(group).user
    discussion = create_demo_discussion(
        group=group, document=document, members=[member, member2, third]
    )
    count = discussion.posts.count()
    assert count >= 5
    assert discussion.posts.exclude(anchor="").exclude(quote="").exists()
    assert discussion.posts.filter(depth=2).exists()
    create_demo_discussion(group=group, document=document, members=[member, member2, third])
    assert discussion.posts.count() == count
