"""Every reader on the project's own fixture files, one per messy case."""

from datetime import date

import pytest

from corpus_import.chrome import ChromeMemory
from corpus_import.pipeline import run_file

from .conftest import fixture_bytes

CASES = [
    # file, format, title, authors, date, precision, language, headings[, organization]
    ("article_dateline.txt", "plain", "Dock Workers Win Safety Committee", [], None, "", "en",
     ["Next Steps"]),
    ("book_gutenberg_crlf.txt", "book", "The Marsh Village", ["Ellen Hart"], None, "", "en",
     ["Chapter I. The Flood", "Chapter II. The Council"]),
    ("cp1252.txt", "plain", "Café Solidarité", [], None, "", "en", []),
    ("utf16_bom.txt", "plain", "A Letter to the Editor", [], None, "", "en", []),
    ("utf8_bom.txt", "plain", "A Second Letter to the Editor", [], None, "", "en", []),
    ("mojibake.txt", "plain", "Don’t Mourn, Organize", [], None, "", "en", []),
    ("markdown_front_matter.md", "markdown", "Notes on Mutual Aid",
     ["Rosa Lindqvist", "Tomás Ortega"], date(2021, 6, 5), "day", "en",
     ["The first week", "What lasted"]),
    ("markdown_plain.md", "markdown", "Reading Circles in Small Towns", [], None, "", "en",
     ["Who came", "What they read"]),
    ("page.html", "html", "The Cooperative Bakery", ["Jane Q. Baker"], date(2020, 2, 11), "day",
     "en", ["How decisions are made"]),
    ("webpage.txt", "webpage", "Volunteer With Us", [], None, "", "en",
     ["Kitchen Shifts", "Delivery Routes"]),
    ("pdf_extract.txt", "pdf_extract", "On Free Schools and the Modern School Movement",
     ["Maria Dorn"], date(1998, 1, 1), "year", "en",
     ["THE FIRST SCHOOLS", "TEACHING WITHOUT GRADES", "CONCLUSION"]),
    # A title repeated as the first heading is the title, not also a section.
    ("markdown_title_repeated.md", "markdown", "The Pamphlet Table", ["Rosa Lindqvist"],
     date(2025, 3, 1), "day", "en", ["How it started", "What it taught"]),
    ("markdown_month_date.md", "markdown", "Minutes Worth Keeping", [], date(2024, 11, 1),
     "month", "en", ["Who writes them"], "Study Circle Collective"),
    ("markdown_year_organization.md", "markdown", "Leer en voz alta", [], date(2025, 1, 1),
     "year", "es", ["Por qué funciona"], "Proyecto Círculos de Lectura"),
    ("markdown_author_list_org.md", "markdown", "A Guide for New Facilitators", [],
     date(2024, 11, 1), "month", "en", ["Before the first meeting"], "Editorial Board"),
    ("markdown_iso_datetime.md", "markdown", "Why the Library Stayed Open", [],
     date(2019, 4, 18), "day", "en", ["The night shift"], "Harbour Workers Union"),
    ("plain_title_repeated.txt", "plain", "The Night School", ["Ana Pereira"], None, "", "en",
     []),
    # "Last updated" is the file's date, not the work's: the dateline's date is used.
    ("article_last_updated.txt", "plain", "The Lending Shelf", [], date(2019, 4, 14), "day",
     "en", []),
    ("article_iso_dateline.txt", "plain", "Dockers Open a Reading Room", [], date(2019, 4, 18),
     "day", "en", []),
    ("page_title_in_h2.html", "html", "The Tool Library", [], None, "", "en", ["Who runs it"],
     "Riverside Commons Editorial Board"),
]  # fmt: skip


@pytest.mark.parametrize(
    "name,fmt,title,authors,published,precision,language,headings,organization",
    [c if len(c) == 9 else (*c, "") for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_single_document_fixtures(
    name, fmt, title, authors, published, precision, language, headings, organization
):
    result = run_file(name, fixture_bytes(name))
    assert result.errors == []
    assert result.format == fmt
    assert result.ledger.balanced, result.ledger.as_dict()
    [doc] = result.documents
    assert doc.title == title
    assert doc.authors == authors
    assert doc.published == published
    assert doc.date_precision == precision
    assert doc.language == language
    assert doc.headings == headings
    assert doc.organization == organization
    assert not doc.needs_review
    assert doc.subtitle != doc.title and title not in doc.headings
    text = " ".join(b.text for b in doc.blocks)
    assert "\r" not in text and "â€" not in text and "\ufeff" not in text


def test_typographic_punctuation_kept():
    [doc] = run_file("cp", fixture_bytes("cp1252.txt")).documents
    assert "—" in doc.blocks[0].text and "“cheap coffee, no bosses”" in doc.blocks[0].text


def test_plain_article_subtitle_dateline_and_chrome():
    result = run_file("a", fixture_bytes("article_dateline.txt"))
    [doc] = result.documents
    assert doc.subtitle == "Port Agreement Follows Two-Day Walkout"
    assert any("without a year" in w for w in doc.warnings)
    texts = [b.text for b in doc.blocks]
    assert not any("Print Friendly" in t or "Share this" in t for t in texts)


def test_book_licence_and_credits_are_chrome_and_release_date_ignored():
    result = run_file("b", fixture_bytes("book_gutenberg_crlf.txt"))
    [doc] = result.documents
    text = " ".join(b.text for b in doc.blocks)
    assert "Gutenberg" not in text and "Produced by" not in text and "CONTENTS" not in text
    assert doc.published is None  # the release date is the file's, not the work's
    # hard-wrapped lines joined into one paragraph
    assert doc.sections[0].blocks[0].text.startswith("The village stood")
    assert doc.sections[0].blocks[0].text.endswith("higher ground.")


def test_markdown_structure():
    [doc] = run_file("m", fixture_bytes("markdown_front_matter.md")).documents
    kinds = [(b.kind, b.list_number) for b in doc.blocks]
    assert ("quotation", None) in kinds
    assert kinds.count(("list_item", None)) == 3
    assert ("list_item", 1) in kinds and ("list_item", 2) in kinds
    text = " ".join(b.text for b in doc.blocks)
    assert "https://" not in text and "**" not in text and "the minutes" in text


def test_html_structure_and_chrome():
    [doc] = run_file("h", fixture_bytes("page.html")).documents
    kinds = [b.kind for b in doc.blocks]
    assert kinds.count("list_item") == 3 and "quotation" in kinds and "caption" in kinds
    text = " ".join(b.text for b in doc.blocks)
    assert "Donate" not in text and "tracking" not in text and "All rights reserved" not in text
    assert "before & anyone" in text


def test_rss_feed_each_item_a_document_untitled_item_needs_review():
    result = run_file("f", fixture_bytes("feed_rss.xml"))
    assert result.format == "feed" and result.ledger.balanced
    first, second = result.documents
    assert first.title == "Rent strike enters its third week"
    assert first.authors == ["Amina Yusuf"]
    assert first.published == date(2020, 3, 3)
    assert first.organization == "Riverside Tenants Union"
    assert second.needs_review and "Provisional title" in second.review_note
    assert second.title.startswith("The landlord has agreed")


def test_atom_feed_uses_published_never_updated():
    result = run_file("f", fixture_bytes("feed_atom.xml"))
    first, second = result.documents
    assert first.published == date(2022, 10, 4)
    assert second.published is None
    assert second.authors == ["Leo Brandt"]


def test_reader_dump_split_bylines_dates_chrome_captions_language():
    result = run_file("dump", fixture_bytes("reader_dump.txt"), memory=ChromeMemory())
    assert result.format == "reader_dump" and result.ledger.balanced
    docs = result.documents
    assert len(docs) == 3
    assert [d.published for d in docs] == [date(2021, 5, 2), date(2021, 4, 28), date(2021, 4, 20)]
    assert docs[0].authors == [] and docs[0].organization == "Editors"
    assert docs[1].authors == ["Ana Pereira", "Joe Mills"]
    assert docs[2].authors == ["Lucía Gómez"] and docs[2].language == "es"
    assert all(d.needs_review for d in docs)
    texts = [b.text for d in docs for b in d.blocks]
    assert not any("Support our reporting" in t for t in texts)  # learned: recurs
    assert not any(t.startswith(("[*]", "[l] at", "As of", "Next feed")) for t in texts)
    captions = [b for b in docs[1].blocks if b.kind == "caption"]
    assert [c.text for c in captions] == ["A volunteer loads bundles into a van"]
    assert docs[1].headings == ["What we learned"]


def test_pdf_extract_contents_page_numbers_reorder_and_broken_paragraph():
    [doc] = run_file("p", fixture_bytes("pdf_extract.txt")).documents
    texts = [b.text for b in doc.blocks]
    assert not any(t in ("Contents", "7", "example.org") for t in texts)
    joined = [t for t in texts if t.startswith("The first modern school")]
    assert joined and joined[0].endswith("at every hour.")  # mended across the page break
    assert doc.venue == "Workers Review #12, Spring 1998"
    assert any("order of the contents" in w for w in doc.warnings)


def test_one_line_text_is_resegmented():
    [doc] = run_file("o", fixture_bytes("one_line.txt")).documents
    assert doc.resegmented and doc.paragraph_count >= 4
    assert all(len(b.text.split()) <= 200 for b in doc.blocks)
    assert doc.needs_review  # no title in a one-line text


def test_one_line_feed_entries_and_repeated_title_heading():
    result = run_file("f", fixture_bytes("feed_one_line.xml"))
    assert result.format == "feed" and result.ledger.balanced
    assert [d.title for d in result.documents] == [
        "A reading room opens",
        "The first reading group",
        "Retired members staff the desk",
    ]
    assert all(d.headings == [] for d in result.documents)
