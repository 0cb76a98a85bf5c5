import pytest

from studygroups.library.models import BlockAlias, TextRevision
from studygroups.library.services import (
    BlockInput,
    SectionInput,
    document_create,
    document_replace_text,
)

A = "The first paragraph talks about the weather in the valley for a while."
B = "The second paragraph is about the river that runs through the old town."
C = "The third paragraph describes the market square and its Saturday crowds."


def _doc(*texts):
    return document_create(
        title="Walk", sections=[SectionInput("", [BlockInput(t) for t in texts])]
    )


def _anchors(doc):
    return dict(doc.blocks.values_list("text", "anchor"))


@pytest.mark.django_db
def test_merge_records_an_alias_and_a_revision():
    doc = _doc(A, B, C)
    before = _anchors(doc)
    change = document_replace_text(
        document=doc, sections=[SectionInput("", [BlockInput(A), BlockInput(B + " " + C)])]
    )
    after = _anchors(doc)
    assert after[B + " " + C] == before[B]
    alias = BlockAlias.objects.get(document=doc)
    assert (alias.anchor, alias.target_anchor) == (before[C], before[B])
    doc.refresh_from_db()
    assert doc.text_revision == 2
    revision = TextRevision.objects.get(document=doc)
    assert revision.number == 2 and revision.report["paragraphs"]["merged"] == 1
    assert change.revision == revision and change.merged == 1


@pytest.mark.django_db
def test_alias_follows_a_second_merge():
    doc = _doc(A, B, C)
    before = _anchors(doc)
    document_replace_text(
        document=doc, sections=[SectionInput("", [BlockInput(A), BlockInput(B + " " + C)])]
    )
    document_replace_text(
        document=doc, sections=[SectionInput("", [BlockInput(A + " " + B + " " + C)])]
    )
    aliases = dict(BlockAlias.objects.filter(document=doc).values_list("anchor", "target_anchor"))
    assert aliases == {before[B]: before[A], before[C]: before[A]}


@pytest.mark.django_db
def test_typographic_quotes_rewrite_text_and_keep_anchor():
    doc = _doc('She said "no" to the plan, and that was the end of the whole thing.')
    before = list(_anchors(doc).values())
    change = document_replace_text(
        document=doc,
        sections=[
            SectionInput(
                "",
                [
                    BlockInput(
                        "She said \u201cno\u201d to the plan, and that was the end of the whole "
                        "thing."
                    )
                ],
            )
        ],
    )
    assert list(_anchors(doc).values()) == before
    assert "\u201c" in doc.blocks.get().text
    assert change.revision is not None


@pytest.mark.django_db
def test_reader_keeps_old_anchor_of_a_merged_paragraph_as_an_id(client):
    doc = _doc(A, B, C)
    before = _anchors(doc)
    document_replace_text(
        document=doc, sections=[SectionInput("", [BlockInput(A), BlockInput(B + " " + C)])]
    )
    page = client.get(doc.get_absolute_url()).content.decode()
    assert f'id="{before[C]}"' in page
    # A range written with the old anchor still marks the merged paragraph.
    page = client.get(doc.get_absolute_url(), {"from": before[A], "to": before[C]}).content.decode()
    assert "does not match this text" not in page
