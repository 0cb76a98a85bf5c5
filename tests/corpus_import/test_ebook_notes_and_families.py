"""Plain-text e-books beyond Project Gutenberg's main layout: their footnotes (kept as
notes with their markers), the e-book's own apparatus (transcriber's notes, "THE END"),
archive families with other headers, and chapter headings in capitals. Fixtures
`ebook_*` are written for these tests, never copied from a corpus."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corpus_import.pipeline import run_file
from corpus_import.readers.book import title_case

from .conftest import fixture_bytes


def _stored(doc) -> str:
    return "\n".join([doc.title, *doc.headings, *(b.text for b in doc.blocks)])


def _run(name: str):
    result = run_file(name, fixture_bytes(name))
    assert result.errors == [] and result.ledger.balanced, result.ledger.as_dict()
    [doc] = result.documents
    return result, doc


def test_gutenberg_footnote_blocks_become_notes_and_markers_stay():
    result, doc = _run("ebook_footnote_blocks.txt")
    assert [n.marker for n in doc.notes] == ["1", "2"]
    assert doc.notes[0].text.startswith("The passage was closed by ice")
    assert doc.notes[0].text.endswith("middle of May.")
    # A note of two paragraphs is one note.
    assert "1890, when the road was given up." in doc.notes[1].text
    text = _stored(doc)
    assert "Footnote" not in text and "unlucky to borrow" not in text
    assert "passage.[1]" in text and "grievance.[2]" in text
    # A year in brackets is no note.
    assert "the year [1851] on its first page" in text
    assert any("footnotes kept as notes" in line for line in result.evidence)


def test_transcribers_note_and_closing_line_leave_the_body():
    result, doc = _run("ebook_footnote_blocks.txt")
    text = _stored(doc)
    assert "Transcriber" not in text and "recieve" not in text
    assert "THE END" not in text and not text.rstrip().endswith("End")
    assert doc.blocks[-1].text.startswith("They voted on it at last")
    assert any("Transcriber's note" in line for line in result.evidence)
    assert any("Closing line “THE END”" in line for line in result.evidence)


def test_title_page_by_line_and_illustrator():
    _, doc = _run("ebook_footnote_blocks.txt")
    assert doc.title == "The Lantern Keepers" and doc.authors == ["William J. Ross"]
    text = _stored(doc)
    assert "Illustrated by" not in text and "Hester Crane" not in text
    assert [s.heading for s in doc.sections if s.heading] == ["I.--The Meeting", "II.--The Boat"]


def test_numbered_brace_and_dagger_notes_cited_in_the_text():
    result, doc = _run("ebook_numbered_notes.txt")
    assert [(n.marker, n.text[:30]) for n in doc.notes] == [
        ("1", "The price of salt doubled betw"),
        ("2", "One of them was the surveyor D"),
        ("†", "The same winter is remembered "),
    ]
    text = _stored(doc)
    assert "poorer every year.{1}" in text and "period[2]" in text and "asked.†" in text
    # A list of citations with no note block under it stays text.
    assert "the lists [3], [4] of the" in text
    assert "surveyor Dunmore" not in text and "wolves" not in text
    assert doc.authors == ["Agnes Merrow"]
    assert [s.heading for s in doc.sections if s.heading] == [
        "Chapter XIV.--The Return",
        "Chapter XV.--The Winter of Salt",
    ]


def test_transcribers_notes_after_the_work_and_finis():
    result, doc = _run("ebook_numbered_notes.txt")
    text = _stored(doc)
    assert "Transcriber" not in text and "Febuary" not in text and "Hyphenation" not in text
    assert "F I N I S" not in " ".join(text.split()) and "FINIS" not in text
    assert doc.blocks[-1].text.startswith("By the spring the trade had changed hands")


@pytest.mark.parametrize(
    "heading,expected",
    [
        ("I.--THE MEETING", "I.--The Meeting"),
        ("II.--THE BOAT", "II.--The Boat"),
        ("CHAPTER XIV.—THE RETURN", "Chapter XIV.—The Return"),
        ("BOOK II. THE SEA", "Book II. The Sea"),
        ("PART THE FIRST", "Part the First"),
        ("CHAPTER XL. OF THE WINTER", "Chapter XL. Of the Winter"),
        ("THE CIVIL WAR", "The Civil War"),
        ("TWENTY-ONE DAYS", "Twenty-one Days"),
        ("III.—IN WHICH A SHIP IS LOST", "III.—In Which a Ship Is Lost"),
    ],
)
def test_title_case_of_chapter_headings(heading, expected):
    assert title_case(heading) == expected


_NUMERALS = ["I", "II", "III", "IV", "V", "VI", "IX", "XI", "XIV", "XIX", "XL", "LI", "XC", "CIX"]
_WORDS = st.sampled_from(["THE", "OF", "A", "SEA", "RETURN", "AND", "MEETING", "IN", "BOAT"])


@given(
    st.sampled_from(_NUMERALS),
    st.sampled_from([".--", ".—", "--", ". ", ": "]),
    st.lists(_WORDS, min_size=1, max_size=5),
)
def test_title_case_keeps_numerals_and_starts_a_phrase_after_a_break(numeral, sep, words):
    out = title_case(f"CHAPTER {numeral}{sep}{' '.join(words)}")
    head, _, rest = out.partition(numeral)
    assert head == "Chapter " and rest.startswith(sep.strip() or sep)
    first = rest[len(sep) :].split()[0]
    assert first[0].isupper() and first[1:] == first[1:].lower()


ARCHIVE_CASES = [
    # name, family, title, authors, year, chapters, forbidden strings
    (
        "ebook_gutenberg_australia.txt", "Project Gutenberg of Australia", "The Drover's Road",
        ["Nora Kellaway"], 1911, ["Chapter I.--The Crossing", "Chapter II.--The Dry Stage"],
        ["eBook No.", "Date first posted", "Most recent update", "produced by", "licence",
         "To contact", "gutenberg.net.au", "THE END", "First published", "-----"],
    ),
    (
        "ebook_fadedpage_header.txt", "Faded Page", "The Orchard at Pine Ledge",
        ["Margaret Dunfield"], 1923, ["I: The New Owner", "II: The First Crop"],
        ["made available at no cost", "Canadian public domain", "Faded Page eBook",
         "pgdpcanada", "Thomas Orr", "ILLUSTRATED", "[End of", "2018", "1881"],
    ),
]  # fmt: skip


@pytest.mark.parametrize("name,family,title,authors,year,chapters,forbid", ARCHIVE_CASES)
def test_other_archives_headers(name, family, title, authors, year, chapters, forbid):
    result, doc = _run(name)
    assert family in result.family
    assert any("Archive e-book header" in line for line in result.evidence)
    assert (doc.title, doc.authors) == (title, authors)
    assert doc.published is not None and doc.published.year == year
    assert [s.heading for s in doc.sections if s.heading] == chapters
    text = _stored(doc)
    assert not [s for s in forbid if s in text]
    assert any("file's date" in line for line in result.evidence)


def test_an_archive_name_in_the_text_is_no_header():
    """A text that mentions the archive, with no field header, stays a plain text."""
    text = (
        "Letters from the Coast\n\nI found the book through Project Gutenberg of Australia "
        "and read it in one sitting, which I had not done with a novel for years.\n\n"
        "Title: a word I use loosely here, for it had none that I could see on the cover.\n"
    )
    result = run_file("letter.txt", text.encode())
    assert result.format != "book"


@pytest.mark.parametrize(
    "author,expected",
    [
        ("Leclair, Hélène (1890-1961)", ["Hélène Leclair"]),
        ("Margaret Dunfield (1881-1954)", ["Margaret Dunfield"]),
        ("Ross, William J., 1850-1920", ["William J. Ross"]),
    ],
)
def test_catalogue_author_with_life_dates(author, expected):
    text = fixture_bytes("ebook_fadedpage_header.txt").decode()
    text = text.replace("Author: Margaret Dunfield (1881-1954)", f"Author: {author}")
    [doc] = run_file("fp.txt", text.encode()).documents
    assert doc.authors == expected


def test_a_chapter_about_a_transcriber_or_called_the_end_stays():
    text = fixture_bytes("ebook_numbered_notes.txt").decode()
    text = text.replace(
        "CHAPTER XV.--THE WINTER OF SALT",
        "CHAPTER XV.--THE END\n\n\nTranscriber's notes of the voyage were kept by the mate, who "
        "wrote them up each evening in a hand nobody aboard could read but himself, and "
        "the owners paid him extra for the trouble of it, every voyage, for twenty years.",
    )
    [doc] = run_file("n.txt", text.encode()).documents
    assert "Chapter XV.--The End" in doc.headings
    assert "Transcriber's notes of the voyage" in _stored(doc)
    assert "By the spring the trade had changed hands" in _stored(doc)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("H.G. WELLS", "H.G. Wells"),
        ("SEAN O'CASEY", "Sean O'Casey"),
        ("LUDWIG VAN BEETHOVEN (1770-1827)", "Ludwig van Beethoven"),
        ("PETER KROPOTKIN", "Peter Kropotkin"),
        ("Leo Tolstoy", "Leo Tolstoy"),
    ],
)
def test_authors_from_e_book_headers_are_in_a_names_case(header, expected):
    """E-book header authors go through the same name casing as bylines
    (`metadata.name_case`): initials, O' and particles as a reader writes them."""
    from corpus_import.readers.book import normalise_author

    assert normalise_author(header) == expected
