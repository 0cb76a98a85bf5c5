"""Proposed reading units: the one algorithm, used by the importer and the series editor."""

import pytest
from django.test import override_settings

from corpus_import.load import import_paths
from studygroups.library.models import Document
from studygroups.library.units import UnitBlock, propose_units, proposed_units_for
from tests.factories import make_document

ARTICLE = """A Study of Tenant Organizing

By Ana Pereira

{body}
"""
PARAS = [
    f"Paragraph {i} describes how the tenants of building {i} met on the stairs, wrote "
    f"their demands on a single sheet of paper, and carried it to the office together."
    for i in range(12)
]


def article(paras=PARAS):
    return ARTICLE.format(body="\n\n".join(paras)).encode()


def test_units_cut_at_sections_and_never_inside_paragraphs():
    blocks = [UnitBlock(f"p{i}", 1000, "A" if i < 4 else "B") for i in range(10)]
    units = propose_units(blocks, document_title="Doc", minutes=25, words_per_minute=230)
    assert [u.first_anchor for u in units] == ["p0", "p4", "p9"]
    assert all(u.words <= 5750 for u in units)
    assert units[0].title == "A"
    short = propose_units([UnitBlock("x", 10, "")], document_title="Doc")
    assert short[0].title == "Doc" and short[0].first_anchor == short[0].last_anchor == "x"
    huge = propose_units([UnitBlock("big", 9000, "")], document_title="Doc")
    assert len(huge) == 1 and huge[0].words == 9000


def test_no_blocks_no_units():
    assert propose_units([], document_title="Doc") == []


@pytest.mark.django_db
def test_proposed_units_for_document(tmp_path):
    long_paras = [" ".join([p] * 20) for p in PARAS]  # ~ 12 x 640 words
    (tmp_path / "long.txt").write_bytes(article(long_paras))
    import_paths([tmp_path / "long.txt"])
    doc = Document.objects.get()
    units = proposed_units_for(doc)
    assert len(units) >= 2
    assert all(u.words <= 25 * 230 for u in units)
    anchors = list(doc.blocks.order_by("order").values_list("anchor", flat=True))
    assert units[0].first_anchor == anchors[0] and units[-1].last_anchor == anchors[-1]


@pytest.mark.django_db
@override_settings(READING_WORDS_PER_MINUTE=10)
def test_stored_document_split_at_the_configured_reading_speed():
    # 4 sections x 3 paragraphs x 40 words = 120 words per section; limit 25 min * 10 = 250.
    document = make_document(sections=4, paragraphs=3, words_per_paragraph=40)
    units = proposed_units_for(document)
    assert [u.words for u in units] == [240, 240]
    assert units[0].title == "Section 1 – Section 2" and units[1].title == "Section 3 – Section 4"
    blocks = list(document.blocks.order_by("order"))
    assert (units[0].first_anchor, units[0].last_anchor) == (blocks[0].anchor, blocks[5].anchor)
    assert (units[1].first_anchor, units[1].last_anchor) == (blocks[6].anchor, blocks[11].anchor)


@pytest.mark.django_db
@override_settings(READING_WORDS_PER_MINUTE=1)
def test_stored_document_long_section_cut_between_paragraphs():
    document = make_document(sections=1, paragraphs=3, words_per_paragraph=20)
    units = proposed_units_for(document, minutes=45)
    assert [u.words for u in units] == [40, 20]
    assert all(u.words <= 45 for u in units)
