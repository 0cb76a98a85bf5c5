"""Review fixes for books and plain texts: a "Maps" or "Plates" section of prose is no
list of illustrations; a novel's last paragraphs that name a company or a press are no
publisher's block; prose after a notes list under a "Notes" heading is the body again.
Every text here is written for these tests (invented), never copied from a corpus."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corpus_import.pipeline import run_file
from corpus_import.readers.book import _printed_matter


def _gutenberg(title: str, author: str, body: str) -> bytes:
    head = (
        f"The Project Gutenberg eBook of {title}, by {author}\n\n"
        "This eBook is for the use of anyone anywhere at no cost and with almost no\n"
        "restrictions whatsoever.\n\n"
        f"Title: {title}\n\nAuthor: {author}\n\nRelease Date: March 3, 2011 [EBook #35512]\n\n"
        "Language: English\n\n\n"
        f"*** START OF THIS PROJECT GUTENBERG EBOOK {title.upper()} ***\n\n\n\n\n"
    )
    tail = f"\n\n\n\n*** END OF THIS PROJECT GUTENBERG EBOOK {title.upper()} ***\n"
    return (head + body + tail).encode()


def _run(name: str, data: bytes):
    result = run_file(name, data)
    assert result.errors == [] and result.ledger.balanced, result.ledger.as_dict()
    [doc] = result.documents
    return result, doc


def _body(doc) -> str:
    return "\n".join([*doc.headings, *(b.text for b in doc.blocks)])


# 1. A section of prose under a one-word "Maps" / "Plates" / "Karten" heading.

SENTENCES = [
    "Two of them came from the county record office.",
    "One was a sketch on the back of an envelope.",
    "The last was bought for a shilling in Ludlow market.",
]


@pytest.mark.parametrize(
    ("name", "heading"),
    [
        ("hill_forts.txt", "Maps"),
        ("hill_forts.txt", "PLATES."),
        ("hill_forts.md", "## Illustrations"),
        ("wanderung.txt", "Karten"),
    ],
)
def test_a_prose_section_under_a_picture_list_heading_is_kept(name, heading):
    text = (
        "The Hill Forts of the March\n\n"
        "A short essay on the earthworks above the Teme, after three wet weekends spent "
        "looking for them with a compass that had opinions of its own.\n\n"
        f"{heading}\n\n" + "\n\n".join(SENTENCES) + "\n\n"
        "Not one of them showed the rampart on Caer Caradoc where it actually runs, and "
        "we found it in the end by walking the contour with the wind at our backs until "
        "the ground fell away under the bracken and the ditch opened in front of us.\n"
    )
    _, doc = _run(name, text.encode())
    body = _body(doc)
    for sentence in SENTENCES:
        assert sentence in body


@pytest.mark.parametrize(
    "entries",
    [
        # Page numbers after the captions.
        ["The ford below the mill      12", "Caer Caradoc from the east      40",
         "A drover's halfpenny      77"],
        # No page numbers, but captions, never sentences.
        ["The ford below the mill", "Caer Caradoc from the east", "A drover's halfpenny"],
    ],
)  # fmt: skip
def test_a_list_of_illustrations_in_a_plain_text_is_still_taken_out(entries):
    text = (
        "The Hill Forts of the March\n\n"
        "LIST OF ILLUSTRATIONS\n\n" + "\n\n".join(entries) + "\n\n"
        "The earthworks above the Teme were first drawn by a curate with a surveyor's "
        "chain and a great deal of patience, in the years when nobody else thought them "
        "worth a second look, and his plans are still the best we have of most of them.\n"
    )
    _, doc = _run("hill_forts.txt", text.encode())
    assert "Caer Caradoc from the east" not in _body(doc)
    assert "The earthworks above the Teme" in _body(doc)


# 2. A novel's last paragraphs naming a company or a press are the novel's.

NOVEL_END = {
    "company": "So the whole company went down to the quay, and waved until the\n"
    "boat was out of sight",
    "press": "The press of people at the gate was such that nobody\nsaw her leave",
    "publishers": "Her publishers wrote twice more that winter, and she\nanswered neither letter",
}


@pytest.mark.parametrize("word", sorted(NOVEL_END))
@pytest.mark.parametrize(
    "ending", ["", "THE END\n", "FINIS.\n\n\n\nTHE GREYFRIARS PRESS, LIMITED\nBRISTOL\n"]
)
def test_a_novels_last_paragraphs_naming_a_company_are_kept(word, ending):
    body = (
        "CHAPTER I\n\nTHE QUAY\n\n\n"
        "The herring boats came in late that year, and the town waited on the harbour\n"
        "wall for three nights running before the first of them was sighted.\n\n"
        "Nobody said much. There was nothing that could usefully be said, and the\n"
        "women had long since given up saying it.\n\n"
        f"{NOVEL_END[word]}\n\n{ending}"
    )
    _, doc = _run("herring.txt", _gutenberg("The Herring Year", "Ann Colley", body))
    text = _body(doc)
    assert " ".join(NOVEL_END[word].split()) in text
    assert "GREYFRIARS" not in text  # the printer's block after the work still goes


@given(
    st.lists(
        st.sampled_from(["went", "down", "to", "quay", "waved", "until", "boat", "was", "gone"]),
        min_size=3,
        max_size=8,
    ),
    st.sampled_from(["company", "press", "publishers", "Ltd"]),
    st.integers(0, 8),
)
def test_a_line_of_prose_naming_a_firm_is_never_printed_matter(words, firm, at):
    words = [*words]
    words.insert(min(at, len(words)), firm)
    line = "And " + " ".join(words)
    assert not _printed_matter(line)


@pytest.mark.parametrize(
    "block",
    [
        "THE GREYFRIARS PRESS, LIMITED\nBRISTOL",
        "Harwood and Daintree, Ltd., 12 Gresham Lane\nLondon",
        "Verlag von Otto Hennig\nLeipzig 1888",
        "John Ashdown & Sons, publishers\nEdinburgh",
    ],
)
def test_publishers_blocks_are_still_printed_matter(block):
    assert _printed_matter(block)


# 3. Prose after a notes list under a "Notes" heading is the body again.


def _notes_novel(after: str) -> bytes:
    body = (
        "CHAPTER I\n\nTHE LOCK\n\n\n"
        "The lock-keeper had been at Marsh Gibbon for thirty years and had never once\n"
        "opened the gates for a boat he did not know by name.\n\n"
        "NOTES\n\n"
        "1. The lock was rebuilt in stone in 1796, after the flood.\n\n"
        "2. Marsh Gibbon boats were painted green to the waterline.\n\n" + after + "\n\n"
        "CHAPTER II\n\nTHE FLOOD\n\n\n"
        "The water rose for two days, and on the third the lock-keeper sent his wife\n"
        "and children up to the church with the hens in a basket.\n"
    )
    return _gutenberg("The Lock at Marsh Gibbon", "Henry Pell", body)


def test_prose_after_the_last_note_is_the_body_again():
    after = (
        "That winter the canal froze for the first time in living memory, and the\n"
        "boats lay where they were until the thaw.\n\n"
        "The lock-keeper walked the towpath every morning all the same."
    )
    _, doc = _run("lock.txt", _notes_novel(after))
    body = _body(doc)
    assert "That winter the canal froze" in body
    assert "walked the towpath every morning" in body
    assert [n.marker for n in doc.notes] == ["1", "2"]
    assert "froze" not in doc.notes[-1].text


def test_a_notes_next_paragraph_before_another_note_stays_in_the_note():
    body = (
        "CHAPTER I\n\nTHE LOCK\n\n\n"
        "The lock-keeper had been at Marsh Gibbon for thirty years and had never once\n"
        "opened the gates for a boat he did not know by name.\n\n"
        "NOTES\n\n"
        "1. The lock was rebuilt in stone in 1796, after the flood.\n\n"
        "The old timber gates were sold to a farmer at Bletchingdon.\n\n"
        "2. Marsh Gibbon boats were painted green to the waterline.\n\n"
        "CHAPTER II\n\nTHE FLOOD\n\n\n"
        "The water rose for two days, and on the third the lock-keeper sent his wife\n"
        "and children up to the church with the hens in a basket.\n"
    )
    data = _gutenberg("The Lock at Marsh Gibbon", "Henry Pell", body)
    _, doc = _run("lock.txt", data)
    assert [n.marker for n in doc.notes] == ["1", "2"]
    assert "sold to a farmer" in doc.notes[0].text
    assert "sold to a farmer" not in _body(doc)
