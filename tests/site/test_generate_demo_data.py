"""`manage.py generate_demo_data` at a tiny size: counts, relations, search, permissions."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count

from studygroups.core.markdown import render_markdown
from studygroups.discussions.models import PATH_SEGMENT, Discussion, Follow, Post
from studygroups.groups.models import Group, Membership
from studygroups.library.models import Block, Document
from studygroups.search.selectors import search
from studygroups.site.management.commands.generate_demo_data import (
    CIRCLE_MEMBERS,
    PASSWORD,
    body_html,
)
from tests.factories import verified_user

pytestmark = pytest.mark.django_db

TINY = ["--size", "tiny", "--groups", "5", "--documents", "6", "--blocks", "5"]
TINY += ["--discussions", "9", "--posts", "120", "--members", "20"]


def generate(*extra, seed=3, tmp_path=None):
    args = [*TINY, "--seed", str(seed), *extra]
    if tmp_path is not None:
        args += ["--manifest", str(tmp_path / "manifest.json")]
    call_command("generate_demo_data", *args, stdout=open("/dev/null", "w"))  # noqa: SIM115
    if tmp_path is not None:
        return json.loads((tmp_path / "manifest.json").read_text())
    return None


def test_counts_match_the_options(tmp_path):
    manifest = generate("--discussion-posts", "40", "--discussion-posts", "7", tmp_path=tmp_path)
    assert get_user_model().objects.count() == 20 + CIRCLE_MEMBERS + 1
    assert Group.objects.count() == 5 + 1
    assert Document.objects.count() == 6 + 2
    assert Block.objects.count() == 8 * 5
    assert Discussion.objects.count() == 9 + 2
    assert Post.objects.count() == 120 + 40 + 7
    assert manifest["posts"] == 167
    circle = Discussion.objects.filter(group__slug=manifest["circle"]["group"])
    assert sorted(circle.annotate(n=Count("posts")).values_list("n", flat=True)) == [7, 40]
    assert set(manifest["circle"]["discussions"]) == {"40", "7"}
    # Every group has an organizer; every member is active.
    for group in Group.objects.all():
        assert group.memberships.filter(role=Membership.Role.ORGANIZER).count() == 1
    assert not Membership.objects.exclude(state=Membership.State.ACTIVE).exists()
    assert Group.objects.filter(visibility=Group.Visibility.PRIVATE).exists()
    assert Group.objects.exclude(visibility=Group.Visibility.PRIVATE).exists()


def test_threads_are_well_formed():
    generate("--discussion-posts", "60")
    posts = {p.pk: p for p in Post.objects.select_related("discussion")}
    blocks = {(b.document_id, b.anchor): b.text for b in Block.objects.all()}
    members = set(Membership.objects.values_list("group_id", "user_id"))
    replies = anchored = 0
    for post in posts.values():
        assert post.path.endswith(f"{post.pk:0{PATH_SEGMENT}d}")
        assert post.depth == len(post.path) // PATH_SEGMENT - 1
        assert (post.discussion.group_id, post.author_id) in members
        if post.parent_id:
            replies += 1
            parent = posts[post.parent_id]
            assert post.path == parent.path + f"{post.pk:0{PATH_SEGMENT}d}"
            assert parent.discussion_id == post.discussion_id
            assert post.anchor == parent.anchor
            assert post.created_at > parent.created_at
        elif post.anchor:
            anchored += 1
            text = blocks[(post.discussion.document_id, post.anchor)]
            assert text[post.quote_start : post.quote_end] == post.quote
            assert text[: post.quote_start].endswith(post.quote_prefix)
            assert text[post.quote_end :].startswith(post.quote_suffix)
    assert replies and anchored
    assert Post.objects.filter(depth__gte=2).exists()  # nested replies, not only one level
    # Authors follow the discussions they wrote in.
    for post in posts.values():
        assert Follow.objects.filter(user_id=post.author_id, discussion=post.discussion).exists()


def test_stored_html_is_what_the_renderer_makes():
    generate()
    for post in Post.objects.order_by("pk")[:40]:
        assert post.body_html == render_markdown(post.body)
    assert body_html("A & <b>.\n\nTwo.") == render_markdown("A & <b>.\n\nTwo.")


def test_search_finds_generated_posts_and_keeps_private_groups_private():
    generate()
    private = Post.objects.filter(discussion__group__visibility=Group.Visibility.PRIVATE).first()
    public = Post.objects.exclude(discussion__group__visibility=Group.Visibility.PRIVATE).first()
    # A long word of each post's text: rarer than the common English ones.
    private_word = max(private.body.replace(".", "").split(), key=len)
    public_word = max(public.body.replace(".", "").split(), key=len)
    member = Membership.objects.filter(group=private.discussion.group).first().user
    outsider = verified_user()

    def found(user, word):
        ids = set()
        for page in range(1, 6):
            results = search(user=user, text=word, kind="post", page=page)
            ids |= {item.post.pk for item in results.page.items}
        return ids

    assert private.pk in found(member, private_word)
    assert private.pk not in found(outsider, private_word)
    assert public.pk in found(outsider, public_word)
    document = Document.objects.first()
    word = max(document.blocks.first().text.replace(".", "").split(), key=len)
    results = search(user=outsider, text=word, kind="document")
    assert document.pk in {item.document.pk for item in results.page.items}


def test_members_can_log_in_and_read_their_discussion(client, tmp_path):
    manifest = generate("--discussion-posts", "30", tmp_path=tmp_path)
    assert client.login(email=manifest["circle"]["member"], password=PASSWORD)
    response = client.get(manifest["circle"]["discussions"]["30"])
    assert response.status_code == 200
    client.logout()
    outsider = verified_user()
    client.force_login(outsider)
    assert client.get(manifest["circle"]["discussions"]["30"]).status_code == 404


def _snapshot():
    return (
        list(Post.objects.order_by("pk").values_list("body", "anchor", "depth")),
        list(Document.objects.order_by("pk").values_list("title", "language")),
        list(get_user_model().objects.order_by("pk").values_list("display_name", flat=True)),
    )


def test_the_same_seed_gives_the_same_data():
    snapshots = []
    for _ in range(2):
        with transaction.atomic():
            generate(seed=11)
            snapshots.append(_snapshot())
            transaction.set_rollback(True)
    assert snapshots[0] == snapshots[1]
    with transaction.atomic():
        generate(seed=12)
        assert _snapshot() != snapshots[0]
        transaction.set_rollback(True)


def test_the_same_seed_twice_is_refused_and_another_seed_adds():
    generate(seed=4)
    with pytest.raises(CommandError, match="seed 4"):
        generate(seed=4)
    assert Post.objects.count() == 120
    generate(seed=5)
    assert Post.objects.count() == 240


def test_bad_sizes_are_refused():
    with pytest.raises(CommandError):
        call_command("generate_demo_data", "--size", "tiny", "--posts", "-1")
    with pytest.raises(CommandError):
        call_command("generate_demo_data", "--size", "tiny", "--members", "0")
