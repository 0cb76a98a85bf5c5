"""Writing posts: creation, idempotency, limits, edits, deletion, following."""

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

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


def test_a_double_submit_gets_the_first_post_even_where_a_second_would_be_refused(
    group, document, member, member2
):
    """A post is saved without looking its key up first: the second submit of one form
    (slow mode now refuses any new post of this member; the discussion is locked for
    the reply) still answers with the first post, not with the refusal."""
    key, reply_key = uuid.uuid4(), uuid.uuid4()
    first, _ = posting.post_create(
        author=member, group=group, document=document, body="once", idempotency_key=key
    )
    Discussion.objects.filter(pk=first.discussion_id).update(slow_mode_seconds=600)
    again, created = posting.post_create(
        author=member, group=group, document=document, body="once", idempotency_key=key
    )
    assert (again.pk, created) == (first.pk, False)
    with pytest.raises(ValidationError, match="slow mode"):  # a new post is refused
        posting.post_create(author=member, group=group, document=document, body="two")
    answer, _ = posting.post_reply(
        author=member2, parent=first, body="a reply", idempotency_key=reply_key
    )
    Discussion.objects.filter(pk=first.discussion_id).update(locked_at=timezone.now())
    first.discussion.refresh_from_db()
    again, created = posting.post_reply(
        author=member2, parent=first, body="a reply", idempotency_key=reply_key
    )
    assert (again.pk, created) == (answer.pk, False)
    assert Post.objects.count() == 2


def test_a_key_is_the_authors_own(group, document, member, member2):
    """The same key from two members makes two posts (the key is unique per author)."""
    key = uuid.uuid4()
    one, _ = posting.post_create(
        author=member, group=group, document=document, body="mine", idempotency_key=key
    )
    two, created = posting.post_create(
        author=member2, group=group, document=document, body="mine too", idempotency_key=key
    )
    assert created and one.pk != two.pk


def test_paths_are_ids_appended_to_the_parents_and_ids_never_come_back(
    group, document, member, member2
):
    """The insert draws the id and writes the path in one statement: the path is what
    it was when an UPDATE wrote it after the insert, and an id freed by deleting the
    newest post is not given again (SQLite's AUTOINCREMENT, PostgreSQL's sequence)."""
    root = post(group, document, member)
    child = reply(root, member2)
    grandchild = reply(child, member)
    for p in (root, child, grandchild):
        stored = Post.objects.get(pk=p.pk)
        assert stored.path == p.path
    assert root.path == f"{root.pk:012d}"
    assert child.path == root.path + f"{child.pk:012d}"
    assert grandchild.path == child.path + f"{grandchild.pk:012d}"
    assert [root.depth, child.depth, grandchild.depth] == [0, 1, 2]
    newest = post(group, document, member2)
    Post.objects.filter(pk=newest.pk).delete()
    after = post(group, document, member2)
    assert after.pk > newest.pk
    assert Post.objects.get(pk=after.pk).path == f"{after.pk:012d}"


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
