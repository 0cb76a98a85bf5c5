"""Web pages and Markdown posts (review findings 2, 3, 4, 9): a date label is furniture
only when a date (or an address) is all that follows it; a credit block credits a
name; a closing numbered list is notes only when the text cites it (or on an archive
page); pandoc's breadcrumb and link-line patterns stay linear on long lines. Texts are
invented (review_web_*)."""

import time
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from corpus_import.metadata import credit_block, file_date_line
from corpus_import.pipeline import run_file


def _body(doc) -> str:
    return "\n".join(b.text for s in doc.sections for b in s.blocks)


def _headings(doc) -> list[str]:
    return [s.heading for s in doc.sections if s.heading]


_POST = """# What the Chapel Kept

I spent the spring going through my great-uncle's papers in the vestry cupboard.

Last updated in 1962, his will left the organ to the choir.

Retrieved from the attic in 1988, the trunk smelled of camphor.

Last revised by the parish clerk, the register misspells his name.

The sermons were the real surprise: short, dry and very funny.

Last updated on 3 May 2020
"""


def test_a_post_keeps_paragraphs_opening_with_a_date_label_and_drops_the_date_line():
    result = run_file("chapel.md", _POST.encode())
    [doc] = result.documents
    body = _body(doc)
    for kept in (
        "Last updated in 1962, his will left",
        "Retrieved from the attic in 1988",
        "Last revised by the parish clerk",
    ):
        assert kept in body
    assert "3 May 2020" not in body  # the page's own date line is furniture


def test_an_html_post_keeps_a_paragraph_opening_with_a_date_label():
    page = b"""<html><head><title>The Mill Ledger</title></head><body><article>
    <h1>The Mill Ledger</h1>
    <p>The mill's ledger came to us in a biscuit tin, with the key still tied to it.</p>
    <p>Last modified in 1931, when the new owner crossed out every name, it records forty
    years of wages in three different hands.</p>
    <p>Retrieved on a wet Tuesday from the solicitor's cellar, the tin smelled of coal.</p>
    <p>We read it aloud over two evenings and nobody wanted to stop.</p>
    <p>Last updated: 12/03/2021</p>
    </article></body></html>"""
    [doc] = run_file("mill.html", page).documents
    body = _body(doc)
    assert "Last modified in 1931" in body
    assert "Retrieved on a wet Tuesday" in body
    assert "12/03/2021" not in body


_LABELS = ("Last updated", "Last updated on", "Last modified:", "Retrieved on", "Last revised")
_dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31))
_FORMATS = (
    "{d:%d} {d:%B} {d:%Y}",
    "{d:%B} {d.day}, {d:%Y}",
    "{d:%Y-%m-%d}",
    "{d.day}.{d.month}.{d:%Y}",
)
_prose = st.lists(
    st.sampled_from(["the", "trunk", "her", "will", "left", "chapel", "attic", "we", "sat"]),
    min_size=2,
    max_size=8,
).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(label=st.sampled_from(_LABELS), d=_dates, fmt=st.sampled_from(_FORMATS), prose=_prose)
def test_a_date_label_is_a_file_date_line_only_with_nothing_but_a_date(label, d, fmt, prose):
    written = fmt.format(d=d)
    assert file_date_line(f"{label} {written}")
    assert file_date_line(label)  # its date lost (written by a script)
    assert not file_date_line(f"{label} in {d.year}, {prose}.")
    assert not file_date_line(f"{label} {written}, {prose}.")


_ARTICLE = b"""<!DOCTYPE html>
<html><head><title>Rebuilding the Harbour Archive | The Quay Gazette</title></head>
<body><header><nav><a href="/">Home</a></nav></header><article>
<h1>Rebuilding the Harbour Archive</h1>
<p>From the first box to the last, every page was transcribed by hand, then checked twice
by a second reader before it went online.</p>
<p>The project began when the harbour office closed and its loft was emptied. Nobody knew
what was up there until the caretaker opened the crates.</p>
<p>Volunteers met every Thursday evening for three years, and by the end they could read a
harbour master's scrawl faster than he could.</p>
<h2>Remarques</h2>
<p>1. The reading room is open on Thursdays.</p>
<p>2. Bring a pencil, not a pen.</p>
<p>3. Ask for the crates a day ahead.</p>
</article><footer>The Quay Gazette</footer></body></html>"""


def test_an_article_keeps_a_prose_paragraph_about_transcribing_and_its_closing_list():
    [doc] = run_file("harbour.html", _ARTICLE).documents
    body = _body(doc)
    assert "From the first box to the last, every page was transcribed by hand" in body
    # A closing numbered list nobody cites is text, under its heading.
    assert doc.notes == []
    assert _headings(doc) == ["Remarques"]
    assert "The reading room is open on Thursdays." in body


def test_credit_wording_is_a_credit_only_with_a_name_or_a_source():
    assert not credit_block(
        "From the first box to the last, every page was transcribed by hand before it went online."
    )
    assert not credit_block("On March 3, 2021, the letters were transcribed by volunteers.")
    assert not credit_block("From the loft we took forty letters, all digitized by my nephew.")
    assert credit_block("From Collected Works, Volume 3. Transcribed by Ola Berg.")
    assert credit_block("Source: The Quay, 1909. Proofread by Lou Park.")
    assert credit_block("The Quay, 14 May 1909. HTML Mark-up by Tom Reyes.")


_MD_NOTE = """# Visiting the Record Office

The record office moved last year, and the new reading room is much brighter.

From the first page to the last, every letter was transcribed by hand before we scanned
anything.

The staff are patient with beginners and will show you how to read the catalogue.

## Note

1. Bring a pencil: pens are not allowed in the reading room.
2. Order boxes the day before.
3. The café closes at two.
"""


def test_a_post_keeps_its_closing_note_list_and_its_transcription_paragraph():
    [doc] = run_file("visit.md", _MD_NOTE.encode()).documents
    body = _body(doc)
    assert "every letter was transcribed by hand" in body
    assert doc.notes == []
    assert _headings(doc) == ["Note"]
    assert "Order boxes the day before." in body


def test_cited_closing_notes_stay_notes_and_notes_mid_text_stay_text():
    cited = _MD_NOTE.replace("much brighter.", "much brighter.[1]").replace("## Note", "## Notes")
    [doc] = run_file("visit.md", cited.encode()).documents
    assert [n.marker for n in doc.notes] == ["1", "2", "3"]
    assert _headings(doc) == []
    # Numbered entries under "Notes" followed by more text are not the closing notes.
    middle = cited + "\n## Afterwards\n\nWe went back in the autumn with the children.\n"
    [doc] = run_file("visit.md", middle.encode()).documents
    assert doc.notes == []
    assert _headings(doc) == ["Notes", "Afterwards"]


def test_a_long_line_after_pandoc_link_attributes_is_read_quickly():
    # A pandoc page ("){" attributes) with a 50 KB line of spaces between two links or
    # after one: the breadcrumb and link-line patterns must not backtrack over it.
    for line in (
        "[a](b)" + " " * 50_000 + "x",
        "[Home](/) > [Writers](/w/)" + " " * 50_000 + "x",
        "[Home](/) | [Writers](/w/)" + " " * 50_000 + "x",
    ):
        text = f"# Dock Notes\n\n[Home](../index.htm){{#top}}\n\n{line}\n\nThe dockers met.\n"
        start = time.perf_counter()
        [doc] = run_file("dock.md", text.encode()).documents
        assert time.perf_counter() - start < 2.0
        assert "The dockers met." in _body(doc)
