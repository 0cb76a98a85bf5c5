"""Printed books as e-books: contents lists with page columns (never sections), lists of
illustrations, the publisher's and printer's matter around the work, title pages with a
subtitle, notes gathered under a "Footnotes:" heading, Gutenberg's `_italic_` / `=bold=`
/ `♦sidenote♦` markup, words hyphenated at line ends, pen names, and chapter headings
over a subtitle and an epigraph. Fixtures `ebook_audit_*` are written for these tests
(invented books), never copied from a corpus."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corpus_import.pipeline import run_file
from corpus_import.readers._text import join_line_end_hyphens
from corpus_import.readers.book import strip_markup

from .conftest import fixture_bytes

SALT = "ebook_audit_paged_contents.txt"
WANDER = "ebook_audit_inhalt_epigraph.txt"
LANTERN = "ebook_audit_small_print_footnotes.txt"


def _body(doc) -> str:
    return "\n".join([*doc.headings, *(b.text for b in doc.blocks)])


def _run(name: str):
    result = run_file(name, fixture_bytes(name))
    assert result.errors == [] and result.ledger.balanced, result.ledger.as_dict()
    [doc] = result.documents
    return result, doc


@pytest.mark.parametrize(
    ("name", "headings", "entries"),
    [
        (
            SALT,
            ["Chapter I: The Wiches and Their Brine", "Chapter II: The Packhorse Men"],
            ["PAGE", "Lead pans and their owners 4", "Tolls at the river", "INDEX 141"],
        ),
        (
            WANDER,
            ["Am Rhein: Ein Vorspiel", "Die Fähre Bei Kaub"],
            ["Seite", "ERSTES BUCH", "IM GEBIRGE", "DER ALTE FÖRSTER", "Inhalt"],
        ),
    ],
)
def test_paged_contents_lists_are_dropped_and_never_reorder_chapters(name, headings, entries):
    result, doc = _run(name)
    assert doc.headings == headings
    body = _body(doc)
    for entry in entries:
        assert entry.lower() not in body.lower()
    assert any(line.startswith("Contents list of") for line in result.evidence)


def test_lists_of_illustrations_are_dropped_with_the_contents():
    _, doc = _run(SALT)
    body = _body(doc)
    for entry in ("LIST OF ILLUSTRATIONS", "A lead pan at Northwich", "Frontispiece"):
        assert entry.lower() not in body.lower()
    assert "CHESHIRE WICHES IN 1700" not in body  # a caption over several blocks


@pytest.mark.parametrize(
    ("name", "forbid"),
    [
        (
            SALT,
            ["WOOL STAPLE", "CANAL AGE", "Gresham Lane", "All rights reserved",
             "SECOND IMPRESSION", "WHITEFRIARS", "Printed in Great Britain", "EDITED BY",
             "THE SALT ROADS."],
        ),
        (WANDER, ["Druck von", "ZWEITE AUFLAGE", "BERLIN"]),
    ],
)  # fmt: skip
def test_publishers_and_printers_matter_leaves_the_body(name, forbid):
    _, doc = _run(name)
    body = _body(doc)
    for text in forbid:
        assert text not in body


@pytest.mark.parametrize(
    ("name", "line"), [(SALT, "SECOND IMPRESSION"), (WANDER, "ZWEITE AUFLAGE")]
)
def test_an_impression_or_edition_line_says_the_date_is_an_editions(name, line):
    result, doc = _run(name)
    notes = [e for e in result.evidence if e.startswith("Edition line") and line in e]
    assert notes and ("edition" in notes[0])
    if doc.published:  # the header's 1931 is the second impression's year
        assert str(doc.published.year) in notes[0]


def test_gutenberg_markup_is_removed_and_the_words_kept():
    _, doc = _run(SALT)
    body = _body(doc)
    assert not re.search(r"[=♦]|(?<!\w)_|_(?!\w)", body)
    assert "The brine pits of Cheshire." in body
    assert "were wallers, a good-tempered" in body


@pytest.mark.parametrize(
    ("name", "joined"),
    [
        (SALT, ["good-tempered", "quarrel-some company"]),
        (LANTERN, ["too good-natured to ask", "hot chest-nuts"]),
        (WANDER, ["Landungs-steg und"]),
    ],
)
def test_words_hyphenated_at_a_line_end_are_joined_without_a_space(name, joined):
    _, doc = _run(name)
    body = _body(doc)
    for words in joined:
        assert words in body
    assert not re.search(r"\w- \w", body)


@pytest.mark.parametrize("cited", [True, False])
def test_notes_under_a_footnotes_heading_become_notes(cited):
    """Cited by `{1}` in the text or not (an etext whose markers were lost, or whose
    notes are cited by page), the entries under "Footnotes:" are notes."""
    text = fixture_bytes(LANTERN).decode()
    if not cited:
        text = text.replace("money.{1}", "money.").replace("band.{2}", "band.")
    result = run_file(LANTERN, text.encode())
    assert result.ledger.balanced
    [doc] = result.documents
    assert [n.marker for n in doc.notes] == ["1", "2"]
    assert doc.notes[0].text.startswith("The fare was a penny")
    body = _body(doc)
    assert "Footnotes" not in body and "The fare was a penny" not in body
    assert ("money.{1}" in body) is cited  # the marker stays where the text cites it


def test_numbered_notes_under_a_notes_heading_in_another_language():
    _, doc = _run(WANDER)
    assert [n.marker for n in doc.notes] == ["1", "2"]
    assert doc.notes[1].text.startswith("Kaub liegt am rechten Ufer")
    assert "ANMERKUNGEN" not in _body(doc)


def test_a_title_page_gives_the_subtitle_and_leaves_the_body():
    result, doc = _run(LANTERN)
    assert doc.title == "The Lantern Fair"
    assert doc.subtitle.startswith("A Night by the Water")
    assert "River Holiday" in doc.subtitle
    assert "A RIVER HOLIDAY" not in _body(doc)
    assert doc.headings[0] == "Chapter I: The Barge"


@pytest.mark.parametrize(
    ("author", "name", "other"),
    [
        ("Ludwig Falkner (pseud. of Ernst Ludwig Hagedorn)", "Ludwig Falkner", "Hagedorn"),
        ("Gabriël (AKA  Carel van Nievelt)", "Gabriël", "Carel van Nievelt"),
        ("Multatuli [pseudonym of Eduard Douwes Dekker]", "Multatuli", "Douwes Dekker"),
        ("Fernán Caballero (seudónimo de Cecilia Böhl de Faber)", "Fernán Caballero", "Böhl"),
    ],
)
def test_an_author_lines_other_name_is_evidence_not_part_of_the_name(author, name, other):
    text = fixture_bytes(WANDER).decode("latin-1")
    text = text.replace("Ludwig Falkner (pseud. of Ernst Ludwig Hagedorn)", author)
    result = run_file("pen.txt", text.encode("utf-8"))
    [doc] = result.documents
    assert doc.authors == [name]
    assert any(other in line and "other name" in line for line in result.evidence)


def test_chapter_heading_over_subtitle_and_epigraph():
    _, doc = _run(WANDER)
    assert "Sprichwort" not in " ".join(doc.headings)
    first = doc.sections[0]
    assert first.heading == "Am Rhein: Ein Vorspiel"
    assert [b.kind for b in first.blocks[:2]] == ["quotation", "quotation"]
    assert first.blocks[1].text == "SPRICHWORT."
    assert first.blocks[2].text.startswith("Es war an einem Morgen im Mai")


_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzäöüé", min_size=1, max_size=10)


@given(st.lists(st.tuples(_WORD, _WORD, _WORD), min_size=1, max_size=8))
def test_line_end_hyphens_join_words_and_keep_the_lines(triples):
    lines = [f"{a} {b}-" for a, b, _ in triples]
    text = "\n".join(f"{line}\n{c} tail" for line, (_, _, c) in zip(lines, triples, strict=True))
    joined = join_line_end_hyphens(text)
    assert joined.count("\n") == text.count("\n")
    assert joined.split() == [w for a, b, c in triples for w in (a, f"{b}-{c}", "tail")]


@given(st.lists(st.tuples(st.sampled_from(["_", "=", "♦", ""]), _WORD), min_size=1, max_size=12))
def test_markup_stripping_keeps_every_word(pieces):
    text = " ".join(f"{m}{w}{m}" for m, w in pieces)
    assert strip_markup(text).split() == [w for _, w in pieces]


@pytest.mark.parametrize(
    ("heading", "entries"),
    [
        ("BY THE SAME AUTHOR.", ["THE WOOL ROADS. Crown 8vo, 6s.", "A HISTORY OF THE PLAIN."]),
        ("OBRAS DEL MISMO AUTOR", ["La feria de los faroles. Un tomo, 3 pesetas."]),
        ("Vom selben Verfasser erschienen:", ["Wanderbriefe. Zweite Auflage. 3 Mark."]),
    ],
)
def test_the_publishers_list_after_the_work_is_dropped(heading, entries):
    text = fixture_bytes(LANTERN).decode()
    ads = "\n\n".join([heading, *entries])
    text = text.replace("\nEnd of the Project", f"\n{ads}\n\n\n\nEnd of the Project")
    result = run_file(LANTERN, text.encode())
    assert result.ledger.balanced
    [doc] = result.documents
    body = _body(doc) + "\n".join(n.text for n in doc.notes)
    for line in [heading, *entries]:
        assert line not in body
    assert doc.notes[-1].text.endswith("in a paper twist.")


def test_a_title_page_set_one_line_to_a_block_and_the_title_again_over_chapter_one():
    """The line "HARBOUR AND HILL" is the title "Harbour & Hill"; the line between it and "BY" is
    the subtitle; the publisher's blocks go; the title set again over Chapter I is no
    title page, so the Preface before it stays a section."""
    result, doc = _run("ebook_audit_title_page_lines.txt")
    assert doc.subtitle == "A Romance of the Maine Coast"
    assert doc.headings == ["Preface", "I: The Fog Bell", "II: A Cargo of Lime"]
    body = _body(doc)
    for text in ("FENWICK", "WELLS & BRIGHT", "PORTLAND", "HARBOUR AND HILL", "CHAP.", "PAGE"):
        assert text not in body
    assert doc.sections[0].blocks[0].text.startswith("The harbour in this story")


def test_italic_markers_set_astray_go_where_the_book_marks_italics_so():
    text = "He was _Stafford_ born, worthy the_ pens _and_ practices _of my snake_case name."
    assert strip_markup(text) == (
        "He was Stafford born, worthy the pens and practices of my snake_case name."
    )
    assert strip_markup("a snake_case name and my_var _") == "a snake_case name and my_var _"


@pytest.mark.parametrize(
    ("heading", "column"), [("INHALT.", "Seite"), ("Índice", "Pág."), ("CONTENTS", "PAGE")]
)
def test_a_plain_text_books_contents_with_a_page_column(heading, column):
    """A printed book converted to plain text (no e-book header): the contents list with
    its page column leaves the body, its entries are never sections of their own."""
    prose = (
        "Der Weg führte am Fluss entlang, und wir gingen langsam, weil niemand von uns es "
        "eilig hatte, den Abend in der engen Stube des Gasthofs zu verbringen."
    )
    text = (
        f"Die Reise an den Fluss\n\n{heading}\n\n{' ' * 38}{column}\n"
        f"AM MORGEN{' ' * 30}3.\nAM ABEND{' ' * 31}17.\n\n"
        f"AM MORGEN\n\n{prose}\n\n{prose}\n\nAM ABEND\n\n{prose}\n"
    )
    result = run_file("reise.txt", text.encode())
    [doc] = result.documents
    assert result.ledger.balanced
    assert doc.headings == ["AM MORGEN", "AM ABEND"]
    body = _body(doc)
    assert column not in body and heading.rstrip(".") not in body
