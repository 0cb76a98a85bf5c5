"""Archive pages of the marxists.org family (HTML and their pandoc Markdown conversions)
that the importer was not written for: the work's date from a heading, the <title>, a
source line or a letter's heading; date-only headings, credit blocks and closing notes;
series labels against the page's own heading; emphasis across a line break. Fixtures
are invented texts in the family's layout (archive_audit_*)."""

import re
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from corpus_import.data import Ledger
from corpus_import.metadata import credit_block, date_at_end, source_date, whole_date
from corpus_import.normalize import count_words
from corpus_import.pipeline import run_file
from corpus_import.readers.markdown import MarkdownReader
from corpus_import.readers.webextract import read_page

from .conftest import fixture_bytes


def _body(doc) -> str:
    return "\n".join(b.text for s in doc.sections for b in s.blocks)


def _headings(doc) -> list[str]:
    return [s.heading for s in doc.sections if s.heading]


def test_archive_page_dated_by_its_heading_with_credits_and_notes_out_of_the_body():
    result = run_file("ferry.html", fixture_bytes("archive_audit_dated_heading.html"))
    [doc] = result.documents
    assert (doc.title, doc.authors) == ("The Ferry Strike", ["Edith Marrow"])
    # The day, from "(14 March 1909)"; never the transcription's 2019 nor "Last updated".
    assert (doc.published, doc.date_precision) == (date(1909, 3, 14), "day")
    assert _headings(doc) == []  # "(14 March 1909)" and "Notes" are no sections
    body = _body(doc)
    for chrome in ("Copied with thanks", "Mark-up", "Harbour Voice", "Last updated", "2019"):
        assert chrome not in body
    assert [(n.marker, n.text) for n in doc.notes] == [
        ("1", "The south bank ferries carried some four thousand passengers a day in that year."),
        ("2", "A shelter was built on the north landing only, in the following spring."),
    ]
    assert body.startswith("The ferrymen stopped work")
    assert any("line under the title" in e for e in result.evidence)


def test_credit_block_is_counted_as_chrome():
    text = fixture_bytes("archive_audit_dated_heading.html").decode()
    ledger = Ledger()
    [raw] = read_page(text, ledger)
    credit = (
        "From The Harbour Voice, 14 March 1909. Copied with thanks from the Riverside "
        "History Project. Transcription & HTML Mark-up: Petra Kahn for the Marxists’ "
        "Internet Archive, 2019."
    )
    assert credit_block(credit)
    assert all("Harbour Voice" not in p.text for p in raw.paras)
    assert ledger.chrome >= count_words(credit)
    assert any(e.startswith("Credit block dropped as chrome") for e in raw.evidence)


def test_letter_page_titled_by_its_heading_not_the_series_label():
    [doc] = run_file("holt.htm", fixture_bytes("archive_audit_letter_series.htm")).documents
    assert doc.title == "Anna Holt to Peter Grane, 12 April 1902"
    assert (doc.published, doc.date_precision) == (date(1902, 4, 12), "day")
    body = _body(doc)
    assert "Correspondence" not in body and _headings(doc) == []
    assert body.startswith("Dear Grane")
    assert body.endswith("Yours AH")  # a <br> between words is a space
    assert [n.marker for n in doc.notes] == ["1", "2"]
    assert doc.notes[1].text.startswith("Johann Müller (1870-1931)")


def test_pandoc_archive_page_day_emphasis_and_page_furniture():
    result = run_file("bakeries.md", fixture_bytes("archive_audit_pandoc.md"))
    [doc] = result.documents
    assert (doc.title, doc.authors) == ("The Cooperative Bakeries", ["Ilse Dorn"])
    # "First Published: The Herald, June 5, 1911" is a day; "(1911)" under the title and
    # the transcription's 2004 do not override it.
    assert (doc.published, doc.date_precision) == (date(1911, 6, 5), "day")
    body = _body(doc)
    assert "*" not in body
    assert "Bakeries of the Producers' Guilds. -- These" in body
    for chrome in ("Home", "Writers", "Top of the page", "Last updated", "Tom Reyes", "{#"):
        assert chrome not in body
    assert _headings(doc) == []


def test_date_headings_inside_the_text_stay_sections():
    page = b"""<html><head><title>A Strike Diary</title></head><body>
    <h1>A Strike Diary</h1>
    <p>These are the entries I kept during the strike, as I wrote them each night at the
    kitchen table, with nothing changed but the spelling of two names.</p>
    <h2>3 May 1913</h2>
    <p>The men came out at six and stood at the gate until the manager sent for the police,
    who came and stood with them, since there was nothing else to do.</p>
    <h2>4 May 1913</h2>
    <p>A collection at the chapel door raised eleven pounds, more than anyone expected, and
    the minister said nothing against it from the pulpit.</p></body></html>"""
    [doc] = run_file("diary.html", page).documents
    assert _headings(doc) == ["3 May 1913", "4 May 1913"]


def test_notes_heading_in_the_page_language_and_prose_notes_section_kept():
    page = """<html lang="es"><head><title>Ana Ruiz: El molino</title>
    <meta name="author" content="Ana Ruiz"></head><body><h1>El molino</h1>
    <p>El molino se paró un martes y el jueves todo el valle sabía por qué, porque los
    dueños escribieron al periódico antes que a los obreros. <a href="#n1">[1]</a></p>
    <p>Nos reunimos en la escuela aquella tarde y decidimos escribir también nosotros al
    periódico, cosa que ninguno había hecho nunca en su vida.</p>
    <h3>Notas</h3>
    <p><a name="n1">1.</a> El periódico era La Voz del Valle, semanal.</p>
    </body></html>""".encode()
    [doc] = run_file("molino.html", page).documents
    assert [(n.marker, n.text) for n in doc.notes] == [
        ("1", "El periódico era La Voz del Valle, semanal.")
    ]
    assert _headings(doc) == []
    prose = page.replace(
        '<p><a name="n1">1.</a> El periódico era La Voz del Valle, semanal.</p>'.encode(),
        "<p>Escribo estas notas para quien venga después, porque nadie las escribió "
        "para nosotros.</p>".encode(),
    )
    [doc] = run_file("molino.html", prose).documents
    assert doc.notes == [] and _headings(doc) == ["Notas"]


def test_series_title_does_not_give_way_to_a_generic_section_heading():
    page = b"""<html><head><title>Collected Letters</title></head><body>
    <h2>Introduction</h2>
    <p>The letters in this collection were written over forty years to friends, editors and
    comrades, and are printed here in the order in which they were sent.</p>
    <p>Each is given as it stands in the manuscript, with the spelling of the time.</p>
    </body></html>"""
    [doc] = run_file("c.html", page).documents
    assert doc.title == "Collected Letters"


_FORMATS = ("{d:%d} {d:%B} {d:%Y}", "{d:%B} {d.day}, {d:%Y}", "{d.day} {d:%B}, {d:%Y}")
_dates = st.dates(min_value=date(1600, 1, 1), max_value=date(2030, 12, 31))
_words = st.lists(
    st.sampled_from(["Anna", "Holt", "to", "Peter", "Grane", "The", "Ferry", "Strike", "on"]),
    min_size=1,
    max_size=6,
).map(" ".join)


@settings(max_examples=200, deadline=None)
@given(title=_words, d=_dates, fmt=st.sampled_from(_FORMATS), wrap=st.booleans())
def test_a_day_closing_a_title_or_standing_alone_is_that_day(title, d, fmt, wrap):
    written = fmt.format(d=d)
    closing = f"{title} ({written})" if wrap else f"{title}, {written}"
    assert date_at_end(closing) == (d, "day")
    assert whole_date(f"({written})") == (d, "day")
    assert whole_date(f"{title} {written} {title}") == (None, "")


@settings(max_examples=200, deadline=None)
@given(d=_dates, credit_year=st.integers(1990, 2030), fmt=st.sampled_from(_FORMATS))
def test_a_credit_block_dates_the_work_by_its_source_never_its_transcription(d, credit_year, fmt):
    block = (
        f"From The Harbour Voice, {fmt.format(d=d)}. Copied with thanks from the Valley "
        f"Project. Transcription & HTML Mark-up: Petra Kahn for the Marxists' Internet "
        f"Archive, {credit_year}."
    )
    assert credit_block(block)
    found, precision, _line = source_date(block)
    assert (found, precision) == (d, "day")


@settings(max_examples=100, deadline=None)
@given(
    words=st.lists(st.from_regex(r"[A-Z][a-z]{2,8}", fullmatch=True), min_size=2, max_size=6),
    cut=st.integers(1, 5),
)
def test_emphasis_opening_a_paragraph_is_stripped_whole_across_a_line_break(words, cut):
    cut = min(cut, len(words) - 1)
    lead = " ".join(words[:cut]) + "\n" + " ".join(words[cut:])
    text = f"# A Title\n\n*{lead}.* -- These embrace the\nwhole of the trade.\n"
    [raw] = MarkdownReader().read(text, Ledger())
    [para] = [p for p in raw.paras if p.kind != "heading"]
    assert "*" not in para.text
    assert (
        re.sub(r"\s+", " ", para.text)
        == " ".join(words) + ". -- These embrace the whole of the trade."
    )


def test_month_in_the_title_made_a_day_by_the_heading_and_divider_heading_dropped():
    page = b"""<html><head><title>Rob Kell: Dock Notes (November 1908)</title>
    <meta name="author" content="Rob Kell"></head><body>
    <h2>Rob Kell</h2><h1>Dock Notes</h1><h3>(21 November 1908)</h3>
    <p class="info">First published in <strong>The Quay</strong>, Vol.&#160;2 No.&#160;9,
    21 November 1908.<br/>Marked up by Lou Park for the Marxists' Internet Archive.</p>
    <h4>*</h4>
    <p>The dockers of the east basin held their first open meeting on Sunday, and more came
    than the hall could hold, so the speeches were made twice, once inside and once out.</p>
    <p>The company has said nothing yet, which is the loudest thing it has ever said.</p>
    </body></html>"""
    result = run_file("dock.html", page)
    [doc] = result.documents
    assert (doc.published, doc.date_precision) == (date(1908, 11, 21), "day")
    assert _headings(doc) == [] and "Marked up" not in _body(doc)
    assert result.family.startswith("Archive page")


def test_bordered_page_in_a_layout_blockquote_keeps_its_sections():
    page = b"""<html><head><title>Theses on the Harbour</title>
    <meta name="author" content="Vera Lund"></head><body>
    <p class="title">Lund Internet Archive</p>
    <blockquote><div class="border">
    <h1>Theses On The Harbour</h1>
    <p class="information"><span class="info">Written:</span> by Lund in the spring of
    1921;<br/><span class="info">Transcription/Markup:</span> Ola Berg, 2003.</p>
    <h4>I</h4>
    <p>The harbour belongs to those who load and unload the ships, and not to those who
    only count the cargo from an office window above the quay.</p>
    <h4>II</h4>
    <p>Every crane on the quay was built by hands that own nothing on it, and every one of
    them will one day be worked by a committee of those hands.</p>
    </div></blockquote></body></html>"""
    [doc] = run_file("h.html", page).documents
    assert _headings(doc) == ["I", "II"]
    assert (doc.published, doc.date_precision) == (date(1921, 1, 1), "year")
    assert "Archive" not in _body(doc) and "Written" not in _body(doc)
