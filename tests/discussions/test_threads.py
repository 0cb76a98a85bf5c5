from datetime import timedelta

import pytest
from django.utils import timezone

from studygroups.discussions import threads
from studygroups.discussions.models import Post
from tests.factories import post, reply

pytestmark = pytest.mark.django_db


def titles(nodes):
    out = []
    for node in nodes:
        out.append(node.post.body)
        out.extend(titles(node.children))
    return out


def test_display_order_is_depth_first_with_siblings_oldest_first(group, document, member, member2):
    a = post(group, document, member, "A")
    b = post(group, document, member2, "B")
    a1 = reply(a, member2, "A1")
    b1 = reply(b, member, "B1")
    a2 = reply(a, member, "A2")
    reply(a1, member, "A1a")
    reply(a2, member2, "A2a")
    reply(b1, member2, "B1a")
    ordered = list(Post.objects.filter(discussion=a.discussion).in_display_order())
    assert [p.body for p in ordered] == ["A", "A1", "A1a", "A2", "A2a", "B", "B1", "B1a"]
    assert [p.depth for p in ordered] == [0, 1, 2, 1, 2, 0, 1, 2]


def test_all_posts_of_a_discussion_in_one_query(group, document, member, django_assert_num_queries):
    root = post(group, document, member, "root")
    parent = root
    for i in range(12):
        parent = reply(parent, member, f"r{i}")
    with django_assert_num_queries(1):
        nodes = threads.build_threads(Post.objects.filter(discussion=root.discussion).for_display())
        assert nodes[0].reply_count == 12


def test_deep_threads_are_cut_with_continue_this_thread(group, document, member):
    parent = root = post(group, document, member, "root")
    for i in range(8):
        parent = reply(parent, member, f"r{i}")
    nodes = threads.build_threads(Post.objects.filter(discussion=root.discussion).for_display())
    node, level = nodes[0], 0
    while not node.continue_here:
        node = node.children[0]
        level += 1
    assert level == threads.DISPLAY_DEPTH - 1
    assert node.reply_count == 8 - level


def test_sorting_and_unread(group, document, member, member2):
    old = post(group, document, member, "old")
    busy = post(group, document, member, "busy")
    reply(busy, member2, "1")
    reply(busy, member2, "2")
    new = post(group, document, member2, "new")
    Post.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=3))
    Post.objects.filter(pk=busy.pk).update(created_at=timezone.now() - timedelta(days=2))
    Post.objects.filter(parent=busy).update(created_at=timezone.now() - timedelta(days=2))

    def roots(**kw):
        posts = Post.objects.filter(discussion=old.discussion).for_display()
        return [n.post.body for n in threads.build_threads(posts, **kw)]

    assert roots(sort="oldest") == ["old", "busy", "new"]
    assert roots(sort="newest")[0] == "new"
    assert roots(sort="replies")[0] == "busy"
    seen = timezone.now() - timedelta(days=1)
    assert roots(seen_at=seen, user_id=member.pk, unread_only=True) == ["new"]
    assert new.pk


def test_replies_inherit_anchor_and_stay_in_discussion(group, document, member, member2):
    from tests.factories import first_anchor

    anchor = first_anchor(document)
    root = post(group, document, member, "on a paragraph", anchor=anchor)
    child = reply(root, member2)
    assert child.anchor == anchor
    assert child.discussion_id == root.discussion_id
    assert child.path.startswith(root.path)
