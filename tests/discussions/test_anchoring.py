"""Posts on a paragraph and quotations found in it."""

import pytest
from django.core.exceptions import ValidationError

from studygroups.discussions import anchoring
from studygroups.discussions.models import Post
from tests.factories import first_anchor, post

pytestmark = pytest.mark.django_db


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
