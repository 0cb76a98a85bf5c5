import uuid

import pytest
from django.core.exceptions import ValidationError

from studygroups.discussions import anchoring, posting, questions, rules, threads
from studygroups.discussions.models import BODY_MAX, Discussion, Follow, Post, PostRevision

from .factories import first_anchor, make_question, post, reply

pytestmark = pytest.mark.django_db


def test_discussion_created_on_first_post_and_unique(group, document, member, member2):
    assert not Discussion.objects.exists()
    post(group, document, member)
    post(group, document, member2)
    assert Discussion.objects.count() == 1


def test_anchor_must_belong_to_the_document(group, document, other_document, member):
    with pytest.raises(ValidationError) as exc:
        post(group, document, member, anchor=first_anchor(other_document))
    assert "not part of this document" in str(exc.value)
    assert not Post.objects.exists()


def test_headings_cannot_be_anchored(group, member):
    from studygroups.library.services import BlockInput, SectionInput, document_create

    document = document_create(
        title="With a minor heading",
        sections=[
            SectionInput(
                heading="Part",
                blocks=[BlockInput(text="Minor heading", kind="heading"), BlockInput(text="Text.")],
            )
        ],
    )
    heading = document.blocks.get(kind="heading")
    with pytest.raises(ValidationError, match="not part of this document"):
        post(group, document, member, anchor=heading.anchor)


def test_quote_is_stored_with_context(group, document, member):
    block = document.blocks.exclude(kind="heading").order_by("order")[1]
    words = block.text.split()
    quote = " ".join(words[3:7])
    p = post(group, document, member, anchor=block.anchor, quote=quote)
    assert p.quote == quote
    assert block.text.startswith(p.quote_prefix.lstrip()[:10]) or p.quote_prefix
    assert (p.quote_prefix + p.quote + p.quote_suffix).replace("  ", " ") in " ".join(words)


def test_quote_not_in_paragraph_is_refused(group, document, member):
    with pytest.raises(ValidationError) as exc:
        post(group, document, member, anchor=first_anchor(document), quote="not in the text at all")
    assert "not in that paragraph" in str(exc.value)


def test_quote_without_anchor_is_refused(group, document, member):
    with pytest.raises(ValidationError):
        post(group, document, member, quote="Paragraph 1")


def test_repeated_phrase_uses_prefix_to_choose_occurrence():
    text = "the cat sat. then the cat ran."
    quote, prefix, suffix = anchoring.locate_quote(text, "the cat", prefix_hint="sat. then")
    assert prefix.endswith("sat. then ")
    assert suffix.startswith(" ran")


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


def test_mentions_link_group_members_only(group, document, member, member2, outsider):
    name = member2.public_name.replace(" ", "")
    outsider_name = outsider.public_name.replace(" ", "")
    p = post(group, document, member, f"Hi @{name}, and @{outsider_name}, mail a@b.org `@{name}`")
    assert f'href="/discussions/{group.slug}/members/{member2.pk}/"' in p.body_html
    assert f"@{member2.public_name}</a>" in p.body_html
    assert f"/members/{outsider.pk}/" not in p.body_html
    assert p.body_html.count("/members/") == 1  # not inside code, not the e-mail address


def test_question_must_belong_to_the_group_reading(group, public_group, document, member):
    foreign = make_question(public_group, document)
    with pytest.raises(ValidationError, match="not part of this group"):
        post(group, document, member, question=foreign)
    own = make_question(group, document)
    assert post(group, document, member, question=own).question == own


def test_answer_before_seeing(group, document, member, member2, organizer):
    question = make_question(group, document, gated=True)
    answer = post(group, document, member, "my answer", question=question)
    r = reply(answer, organizer, "follow-up")
    discussion = answer.discussion

    def visible(user):
        gate = questions.answer_gate(user, discussion, group)
        qs = Post.objects.filter(discussion=discussion).for_display()
        return [n.post.pk for n in threads.build_threads(qs, gate=gate)]

    assert visible(member2) == []
    assert not rules.can_see_post(member2, answer)
    assert not rules.can_see_post(member2, r)
    assert visible(member) == [answer.pk]
    assert visible(organizer) == [answer.pk]  # moderators see every answer
    own = post(group, document, member2, "mine", question=question)
    assert visible(member2) == [answer.pk, own.pk]
    assert rules.can_see_post(member2, r)


def test_demo_discussion_is_threaded_anchored_and_idempotent(group, document, member, member2):
    from studygroups.discussions.demo import create_demo_discussion

    third = __import__("tests.discussions.factories", fromlist=["add_member"]).add_member(group)
    discussion = create_demo_discussion(
        group=group, document=document, members=[member, member2, third]
    )
    count = discussion.posts.count()
    assert count >= 5
    assert discussion.posts.exclude(anchor="").exclude(quote="").exists()
    assert discussion.posts.filter(depth=2).exists()
    create_demo_discussion(group=group, document=document, members=[member, member2, third])
    assert discussion.posts.count() == count


def test_mention_by_unique_first_name(group, document, member):
    from tests.factories import verified_user

    from .factories import add_member

    ada = add_member(group, verified_user(display_name="Ada Lovelace"))
    add_member(group, verified_user(display_name="Sam One"))
    add_member(group, verified_user(display_name="Sam Two"))
    p = post(group, document, member, "@Ada and @AdaLovelace, but not @Sam")
    assert p.body_html.count(f"/members/{ada.pk}/") == 2
    assert "@Sam" in p.body_html and p.body_html.count("/members/") == 2
