"""EPUB books as publishers make them (nested navigation, parts, notes, apparatus) and
bylines as catalogues write them ("Carroll, Lewis", "Various", "illustrated by")."""

import io
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus_import.metadata import name_case, parse_byline, read_byline
from corpus_import.pipeline import run_file

# --- an EPUB builder --------------------------------------------------------------------

OPF_NS = (
    'xmlns="http://www.idpf.org/2007/opf" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:opf="http://www.idpf.org/2007/opf"'
)


def epub_book(
    metadata: str,
    files: dict[str, str],
    *,
    spine: list[str] | None = None,
    nav: str = "",
    ncx: str = "",
    guide: str = "",
    version: str = "3.0",
    nonlinear: tuple[str, ...] = (),
    root: str = "OEBPS",
) -> bytes:
    """A zipped EPUB: `files` are XHTML bodies by name (under `root`), `nav` the inner
    markup of an EPUB 3 navigation document's body, `ncx` the navMap of an EPUB 2 NCX."""
    spine = spine or list(files)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("mimetype", "application/epub+zip")
        z.writestr(
            "META-INF/container.xml",
            '<container xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
            f'<rootfile full-path="{root}/content.opf"/></rootfiles></container>',
        )
        ids = {name: f"f{k}" for k, name in enumerate(files)}
        items = "".join(
            f'<item id="{ids[n]}" href="{n}" media-type="application/xhtml+xml"/>' for n in files
        )
        if nav:
            items += (
                '<item id="nav" href="nav.xhtml" properties="nav" '
                'media-type="application/xhtml+xml"/>'
            )
            z.writestr(
                f"{root}/nav.xhtml",
                '<html xmlns="http://www.w3.org/1999/xhtml" '
                f'xmlns:epub="http://www.idpf.org/2007/ops"><body>{nav}</body></html>',
            )
        toc = ""
        if ncx:
            items += '<item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>'
            toc = ' toc="ncx"'
            z.writestr(
                f"{root}/toc.ncx",
                '<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1">'
                f"<navMap>{ncx}</navMap></ncx>",
            )
        linear = {n: ' linear="no"' if n in nonlinear else "" for n in spine}
        refs = "".join(f'<itemref idref="{ids[n]}"{linear[n]}/>' for n in spine)
        z.writestr(
            f"{root}/content.opf",
            f'<package {OPF_NS} version="{version}"><metadata>{metadata}</metadata>'
            f"<manifest>{items}</manifest><spine{toc}>{refs}</spine>"
            f"{f'<guide>{guide}</guide>' if guide else ''}</package>",
        )
        for name, body in files.items():
            z.writestr(
                f"{root}/{name}",
                '<?xml version="1.0" encoding="utf-8"?>\n'
                '<html xmlns="http://www.w3.org/1999/xhtml" '
                f'xmlns:epub="http://www.idpf.org/2007/ops"><head><title>x</title></head>'
                f"<body>{body}</body></html>",
            )
    return buf.getvalue()


def epub_prose(topic: str, n: int = 3) -> str:
    return "".join(
        f"<p>The {topic} came back in the {k}th week, and the keepers of the ledger wrote it "
        f"down with care, noting the hour, the weather and who had been at the gate.</p>"
        for k in range(n)
    )


def epub_stored(doc) -> str:
    return "\n".join([doc.title, *doc.headings, *(b.text for b in doc.blocks)])


def epub_top(doc) -> list[str]:
    return [s.heading for s in doc.sections if s.heading and s.level == 2]


def epub_run(data: bytes):
    result = run_file("book.epub", data)
    assert result.errors == [] and result.ledger.balanced, (result.errors, result.ledger)
    [doc] = result.documents
    return result, doc


# --- bylines ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line,people",
    [
        ("Carroll, Lewis", ["Lewis Carroll"]),
        ("Carroll, Lewis, 1832-1898", ["Lewis Carroll"]),
        ("HARTLEY, JOHN", ["JOHN HARTLEY"]),
        ("Le Guin, Ursula K.", ["Ursula K. Le Guin"]),
        ("Tolkien, J. R. R.", ["J. R. R. Tolkien"]),
        ("Beethoven, Ludwig van", ["Ludwig van Beethoven"]),
        ("Dostoyevsky, Fyodor (1821-1881)", ["Fyodor Dostoyevsky"]),
        ("Kropotkin, Petr Alekseevich, kniaz, 1842-1921", ["Petr Alekseevich Kropotkin"]),
        ("King, Martin Luther, Jr.", ["Martin Luther King Jr."]),
        ("Marx, Karl and Engels, Friedrich", ["Karl Marx", "Friedrich Engels"]),
        ("Karl Marx, Friedrich Engels", ["Karl Marx", "Friedrich Engels"]),
        ("Smith, John, and Jane Doe", ["John Smith", "Jane Doe"]),
        ("Marx, Engels and Lenin", ["Marx", "Engels", "Lenin"]),
        ("A and B", ["A", "B"]),
        ("Charles Dickens, Illustrated by Phiz", ["Charles Dickens"]),
        ("Jane Austen; with an introduction by Ana Pereira", ["Jane Austen"]),
        ("Leo Tolstoy, translated by Aylmer Maude", ["Leo Tolstoy"]),
        ("Homer; Samuel Butler (translator)", ["Homer"]),
        ("Jane Doe, PhD", ["Jane Doe"]),
        ("Various", []),
        ("Anonymous", []),
        ("Unknown", []),
    ],
)
def test_epub_bylines_catalogue_order_roles_and_no_author(line, people):
    assert parse_byline(line) == (people, "")


def test_epub_byline_keeps_contributors_and_says_unnamed():
    byline = read_byline("Charles Dickens, Illustrated by Phiz")
    assert byline.contributors == [("Phiz", "illustrator")]
    assert read_byline("Edited by Mary Shelley").contributors == [("Mary Shelley", "editor")]
    assert read_byline("Anonymous").unnamed == "Anonymous"


NAME_WORD = st.sampled_from(
    ["Ada", "Lewis", "Maria", "Tomás", "Ilse", "Kenji", "Olu", "Brandt", "Carroll", "Okafor",
     "Lindqvist", "Moreau", "Ferreira", "Nakamura", "Weller", "Stone"]
)  # fmt: skip
PERSON = st.tuples(NAME_WORD, NAME_WORD)


@settings(max_examples=60, deadline=None)
@given(st.lists(PERSON, min_size=1, max_size=4))
def test_epub_byline_catalogue_and_natural_order_give_the_same_people(people):
    natural = [f"{first} {last}" for first, last in people]
    catalogue = " and ".join(f"{last}, {first}" for first, last in people)
    assert parse_byline(catalogue)[0] == natural
    assert (
        parse_byline(
            ", ".join(natural[:-1]) + " and " + natural[-1] if len(natural) > 1 else natural[0]
        )[0]
        == natural
    )


@settings(max_examples=60, deadline=None)
@given(
    st.lists(NAME_WORD, min_size=1, max_size=2),
    st.sampled_from(["", "van", "de", "von der", "du"]),
    NAME_WORD,
)
def test_epub_name_case_restores_names_set_in_capitals(given_names, particle, surname):
    name = " ".join([*given_names, *particle.split(), surname])
    assert name_case(name.upper()) == name
    assert name_case(name) == name


# --- EPUB metadata ------------------------------------------------------------------------


def _one_chapter_book(metadata: str) -> bytes:
    return epub_book(
        metadata,
        {"c1.xhtml": "<h1>The Gate</h1>" + epub_prose("gate", 4)},
        nav='<nav epub:type="toc"><ol><li><a href="c1.xhtml">The Gate</a></li></ol></nav>',
    )


def test_epub_creator_in_catalogue_form_is_one_person_in_natural_order():
    result, doc = epub_run(
        _one_chapter_book(
            "<dc:title>THE SALT ROADS OF THE NORTH</dc:title>"
            '<dc:creator id="a1">HARTLEY, JOHN</dc:creator>'
            '<meta refines="#a1" property="file-as">Hartley, John</meta>'
            '<meta refines="#a1" property="role" scheme="marc:relators">aut</meta>'
        )
    )
    assert doc.authors == ["John Hartley"]
    assert doc.title == "The Salt Roads of the North"


def test_epub2_file_as_and_creator_lists():
    _, doc = epub_run(
        _one_chapter_book(
            "<dc:title>Letters</dc:title>"
            '<dc:creator opf:role="aut" opf:file-as="Carroll, Lewis">Carroll, Lewis</dc:creator>'
        )
    )
    assert doc.authors == ["Lewis Carroll"]
    _, doc = epub_run(
        _one_chapter_book(
            "<dc:title>Letters</dc:title><dc:creator>Marx, Karl and Engels, Friedrich</dc:creator>"
        )
    )
    assert doc.authors == ["Karl Marx", "Friedrich Engels"]
    _, doc = epub_run(
        _one_chapter_book(
            "<dc:title>Letters</dc:title><dc:creator>PETER VAN DER BERG</dc:creator>"
            "<dc:creator>Ilse Brandt</dc:creator>"
        )
    )
    assert doc.authors == ["Peter van der Berg", "Ilse Brandt"]


def test_epub_various_and_illustrators_are_no_authors():
    result, doc = epub_run(
        _one_chapter_book("<dc:title>Winter Tales</dc:title><dc:creator>Various</dc:creator>")
    )
    assert doc.authors == []
    assert any("names no author" in line for line in result.evidence)
    result, doc = epub_run(
        _one_chapter_book(
            "<dc:title>Winter Tales</dc:title>"
            "<dc:creator>Charles Dickens, Illustrated by Phiz</dc:creator>"
        )
    )
    assert doc.authors == ["Charles Dickens"]
    assert any("Phiz (illustrator)" in line for line in result.evidence)


# --- navigation trees -----------------------------------------------------------------------


def test_epub_nested_nav_keeps_a_chapter_with_sub_sections():
    """A chapter whose nav entry holds sub-entries is a chapter even when its own text
    before the first sub-section is short; the sub-sections are level 3."""
    files = {
        "title.xhtml": "<p>The Weather Book</p><p>Copyright 1931 by Hill Press</p>",
        "c1.xhtml": '<h2>I: The Rain</h2><p>It rained.</p><h3 id="s1">The first drop</h3>'
        + epub_prose("rain")
        + '<h3 id="s2">Puddles</h3>'
        + epub_prose("puddle"),
        "c2.xhtml": "<h2>II: The Wind</h2>" + epub_prose("wind", 4),
    }
    nav = (
        '<nav epub:type="toc"><ol><li><a href="title.xhtml">Title Page</a></li>'
        '<li><a href="c1.xhtml">I: The Rain</a><ol>'
        '<li><a href="c1.xhtml#s1">The first drop</a></li>'
        '<li><a href="c1.xhtml#s2">Puddles</a></li></ol></li>'
        '<li><a href="c2.xhtml">II: The Wind</a></li></ol></nav>'
    )
    _, doc = epub_run(epub_book("<dc:title>The Weather Book</dc:title>", files, nav=nav))
    assert epub_top(doc) == ["I: The Rain", "II: The Wind"]
    assert [s.heading for s in doc.sections if s.level == 3] == ["The first drop", "Puddles"]
    assert "It rained." in epub_stored(doc) and "Hill Press" not in epub_stored(doc)


def test_epub2_ncx_nested_navpoints():
    ncx = (
        '<navPoint id="n1"><navLabel><text>Chapter 1. The Harbour</text></navLabel>'
        '<content src="c1.xhtml"/>'
        '<navPoint id="n1a"><navLabel><text>At dawn</text></navLabel>'
        '<content src="c1.xhtml#a"/></navPoint>'
        '<navPoint id="n1b"><navLabel><text>At dusk</text></navLabel>'
        '<content src="c1.xhtml#b"/></navPoint></navPoint>'
        '<navPoint id="n2"><navLabel><text>Chapter 2. The Boats</text></navLabel>'
        '<content src="c2.xhtml"/></navPoint>'
    )
    files = {
        "c1.xhtml": '<h1>Chapter 1. The Harbour</h1><h2 id="a">At dawn</h2>'
        + epub_prose("tide")
        + '<h2 id="b">At dusk</h2>'
        + epub_prose("fog"),
        "c2.xhtml": "<h1>Chapter 2. The Boats</h1>" + epub_prose("boat", 4),
    }
    _, doc = epub_run(epub_book("<dc:title>Harbour</dc:title>", files, ncx=ncx, version="2.0"))
    assert epub_top(doc) == ["Chapter 1. The Harbour", "Chapter 2. The Boats"]
    assert [s.heading for s in doc.sections if s.level == 3] == ["At dawn", "At dusk"]


def test_epub_parts_above_chapters_are_level_one():
    """Top-level "Part" entries holding chapters: the parts are level-1 headings (as the
    plain-text e-book reader makes them), the chapters the sections."""
    files = {
        "p1.xhtml": "<h1>Part I</h1><p>The Valley</p>",
        "c1.xhtml": "<h2>Chapter 1</h2>" + epub_prose("mill"),
        "c2.xhtml": "<h2>Chapter 2</h2>" + epub_prose("barn"),
        "p2.xhtml": "<h1>Part II</h1>",
        "c3.xhtml": "<h2>Chapter 3</h2>" + epub_prose("road"),
    }
    nav = (
        '<nav epub:type="toc"><ol>'
        '<li><a href="p1.xhtml">Part I: The Valley</a><ol>'
        '<li><a href="c1.xhtml">Chapter 1</a></li><li><a href="c2.xhtml">Chapter 2</a></li>'
        "</ol></li>"
        '<li><a href="p2.xhtml">Part II</a><ol><li><a href="c3.xhtml">Chapter 3</a></li>'
        "</ol></li></ol></nav>"
    )
    result, doc = epub_run(epub_book("<dc:title>Valley</dc:title>", files, nav=nav))
    assert epub_top(doc) == ["Chapter 1", "Chapter 2", "Chapter 3"]
    assert [s.heading for s in doc.sections if s.level == 1] == ["Part I: The Valley", "Part II"]
    assert any("parts above chapters" in line for line in result.evidence)


# --- notes and apparatus ----------------------------------------------------------------------


def test_epub3_endnotes_become_notes_and_apparatus_goes():
    """Standard Ebooks' layout: titlepage, imprint, chapters with noteref links, an
    endnotes file with back-links, colophon and uncopyright."""
    files = {
        "titlepage.xhtml": '<section epub:type="frontmatter titlepage"><h1>The Ledger</h1>'
        "<p>By Ada Okafor</p></section>",
        "imprint.xhtml": '<section epub:type="frontmatter imprint"><p>This ebook is the '
        "product of many hours of hard work by volunteers for Quill Ebooks.</p></section>",
        "chapter-1.xhtml": '<section epub:type="chapter"><h2>I</h2><p>She kept the whole '
        'list in memory.<a href="endnotes.xhtml#note-1" id="noteref-1" epub:type="noteref">1'
        "</a> Nobody else could.</p>" + epub_prose("clerk") + "</section>",
        "chapter-2.xhtml": '<section epub:type="chapter"><h2>II</h2><p>The second book'
        '<a href="endnotes.xhtml#note-2" id="noteref-2" epub:type="noteref">2</a> was lost.'
        "</p>" + epub_prose("book") + "</section>",
        "endnotes.xhtml": '<section epub:type="backmatter endnotes"><h2>Endnotes</h2><ol>'
        '<li id="note-1" epub:type="endnote"><p>A habit of the trade. '
        '<a href="chapter-1.xhtml#noteref-1" epub:type="backlink">↩</a></p></li>'
        '<li id="note-2" epub:type="endnote"><p>Found again in 1902. '
        '<a href="chapter-2.xhtml#noteref-2" epub:type="backlink">↩</a></p></li>'
        "</ol></section>",
        "colophon.xhtml": '<section epub:type="backmatter colophon"><h2>Colophon</h2>'
        "<p>The Ledger was produced by Quill Ebooks and typeset in a fine face.</p></section>",
        "uncopyright.xhtml": '<section epub:type="backmatter z3998:uncopyright"><h2>'
        "Uncopyright</h2><p>May you do good and not evil.</p></section>",
    }
    nav = (
        '<nav epub:type="toc"><ol>'
        + "".join(
            f'<li><a href="{href}">{label}</a></li>'
            for href, label in [
                ("titlepage.xhtml", "Titlepage"),
                ("imprint.xhtml", "Imprint"),
                ("chapter-1.xhtml", "I"),
                ("chapter-2.xhtml", "II"),
                ("endnotes.xhtml", "Endnotes"),
                ("colophon.xhtml", "Colophon"),
                ("uncopyright.xhtml", "Uncopyright"),
            ]
        )
        + "</ol></nav>"
    )
    result, doc = epub_run(
        epub_book(
            "<dc:title>The Ledger</dc:title><dc:creator>Ada Okafor</dc:creator>", files, nav=nav
        )
    )
    assert epub_top(doc) == ["I", "II"]
    assert [(n.marker, n.text) for n in doc.notes] == [
        ("1", "A habit of the trade."),
        ("2", "Found again in 1902."),
    ]
    text = epub_stored(doc)
    assert "memory.[1] Nobody" in text and "book[2] was" in text
    for gone in ("Quill Ebooks", "do good and not evil", "Endnotes", "A habit"):
        assert gone not in text
    assert any("colophon" in line and "imprint" in line for line in result.evidence)


GUTENBERG_HEADER = (
    '<section class="pg-boilerplate pgheader" id="pg-header"><h2>The Project Gutenberg '
    "eBook of The Orchard</h2><p>This ebook is for the use of anyone anywhere in the "
    "United States and most other parts of the world at no cost.</p></section>"
)
GUTENBERG_FOOTER = (
    '<section class="pg-boilerplate pgheader" id="pg-footer"><h2>THE FULL PROJECT '
    "GUTENBERG LICENSE</h2><p>To protect the Project Gutenberg mission of promoting the "
    "free distribution of electronic works, you agree to the terms.</p></section>"
)


def test_epub2_gutenberg_footnotes_and_boilerplate():
    """Gutenberg's EPUB: boilerplate sections, footnotes written `[1]` linking to a note
    that links back to an anchor beside the reference."""
    files = {
        "wrap0000.xhtml": GUTENBERG_HEADER,
        "ch1.xhtml": '<div class="chapter"><h2><a id="CHAPTER_I"></a>CHAPTER I.</h2>'
        '<p>The orchard was older than the village.<a id="FNanchor_1_1"></a>'
        '<a href="#Footnote_1_1" class="fnanchor">[1]</a> Everyone said so.</p>'
        + epub_prose("pear")
        + '<div class="footnote"><p><a id="Footnote_1_1"></a><a href="#FNanchor_1_1">'
        '<span class="label">[1]</span></a> The parish book gives 1640.</p></div></div>',
        "ch2.xhtml": '<div class="chapter"><h2><a id="CHAPTER_II"></a>CHAPTER II.</h2>'
        + epub_prose("apple", 4)
        + "</div>",
        "wrap0001.xhtml": GUTENBERG_FOOTER,
    }
    ncx = "".join(
        f'<navPoint id="n{k}"><navLabel><text>{label}</text></navLabel>'
        f'<content src="{src}"/></navPoint>'
        for k, (label, src) in enumerate(
            [
                ("The Project Gutenberg eBook of The Orchard", "wrap0000.xhtml"),
                ("CHAPTER I.", "ch1.xhtml#CHAPTER_I"),
                ("CHAPTER II.", "ch2.xhtml#CHAPTER_II"),
                ("THE FULL PROJECT GUTENBERG LICENSE", "wrap0001.xhtml"),
            ]
        )
    )
    result, doc = epub_run(
        epub_book(
            '<dc:title>The Orchard</dc:title><dc:creator opf:file-as="Lind, Mara">Mara Lind'
            "</dc:creator>",
            files,
            ncx=ncx,
            version="2.0",
        )
    )
    assert doc.authors == ["Mara Lind"]
    assert epub_top(doc) == ["CHAPTER I.", "CHAPTER II."]
    assert [(n.marker, n.text) for n in doc.notes] == [("1", "The parish book gives 1640.")]
    text = epub_stored(doc)
    assert "village.[1] Everyone" in text
    for gone in ("Project Gutenberg", "parish book", "no cost"):
        assert gone not in text


# --- other layouts of the same families (written after the rules, as trials) ---------------


def test_epub3_aria_roles_inline_asides_unlinked_parts_and_landmarks():
    files = {
        "copy.xhtml": "<p>Copyright © 1958 by Rhea Solvik. All rights reserved.</p>",
        "one.xhtml": "<h1>One: Ice</h1><p>The lake froze early<sup><a role='doc-noteref' "
        "href='#fn1'>*</a></sup>, and the children skated.</p>"
        + epub_prose("ice")
        + "<aside role='doc-footnote' epub:type='footnote' id='fn1'><p>* In the second "
        "week of November.</p></aside>",
        "two.xhtml": "<h1>Two: Thaw</h1>" + epub_prose("thaw", 4),
        "three.xhtml": "<h1>Three: Flood</h1>"
        + epub_prose("flood", 4)
        + "<p>See the note<a epub:type='noteref' href='#n2'>a</a>.</p>"
        "<aside epub:type='footnote' id='n2'>The records are lost.</aside>",
    }
    nav = (
        "<nav epub:type='toc'><h2>Contents</h2><ol>"
        "<li><a href='copy.xhtml'>Copyright</a></li>"
        "<li><span>Part One: Winter</span><ol><li><a href='one.xhtml'>One: Ice</a></li>"
        "<li><a href='two.xhtml'>Two: Thaw</a></li></ol></li>"
        "<li><span>Part Two: Spring</span><ol><li><a href='three.xhtml'>Three: Flood</a>"
        "</li></ol></li></ol></nav><nav epub:type='landmarks'><ol><li><a "
        "epub:type='copyright-page' href='copy.xhtml'>Copyright</a></li></ol></nav>"
    )
    meta = (
        "<dc:title>THE LAKE YEAR</dc:title><dc:creator id='c1'>Solvik, Rhea</dc:creator>"
        "<meta refines='#c1' property='file-as'>Solvik, Rhea</meta>"
        "<dc:creator id='c2'>Tor Evensen</dc:creator>"
        "<meta refines='#c2' property='role' scheme='marc:relators'>trl</meta>"
    )
    result, doc = epub_run(epub_book(meta, files, nav=nav))
    assert (doc.title, doc.authors, doc.published.year) == ("The Lake Year", ["Rhea Solvik"], 1958)
    assert [(s.level, s.heading) for s in doc.sections if s.heading] == [
        (1, "Part One: Winter"),
        (2, "One: Ice"),
        (2, "Two: Thaw"),
        (1, "Part Two: Spring"),
        (2, "Three: Flood"),
    ]
    assert [(n.marker, n.text) for n in doc.notes] == [
        ("*", "In the second week of November."),
        ("a", "The records are lost."),
    ]
    assert "early[*], and" in epub_stored(doc) and "All rights" not in epub_stored(doc)


def test_epub2_calibre_split_files_with_a_notes_file_outside_the_spine():
    files = {
        "index_split_000.html": "<p>WAR NOTES</p><p>LEO TOLSTOY</p>"
        "<p>Copyright, 1899, by the Free Age Press</p>",
        "index_split_001.html": "<h2 id='ch1'>I. THE CAMP</h2><p>The camp was quiet<a "
        "id='ref1' href='index_split_003.html#n1'><sup>1</sup></a> and the fires low.</p>"
        + epub_prose("soldier")
        + "<h2 id='ch2'>II. THE MARCH</h2>"
        + epub_prose("march", 4),
        "index_split_002.html": "<pre>*** END OF THE PROJECT GUTENBERG EBOOK WAR NOTES ***"
        "</pre><p>Updated editions will replace the previous one.</p>",
        "index_split_003.html": "<h3>NOTES</h3><p id='n1'><a href='index_split_001.html#ref1'>"
        "1.</a> Near Sevastopol.</p>",
    }
    ncx = "".join(
        f"<navPoint id='p{k}'><navLabel><text>{label}</text></navLabel>"
        f"<content src='{src}'/></navPoint>"
        for k, (label, src) in enumerate(
            [
                ("Start", "index_split_000.html"),
                ("I. THE CAMP", "index_split_001.html#ch1"),
                ("II. THE MARCH", "index_split_001.html#ch2"),
            ]
        )
    )
    meta = (
        "<dc:title>WAR NOTES</dc:title><dc:creator opf:file-as='Tolstoy, Leo' opf:role='aut'>"
        "TOLSTOY, LEO</dc:creator><dc:date>0101-01-01T00:00:00+00:00</dc:date>"
    )
    guide = "<reference type='copyright-page' href='index_split_000.html' title='Copyright'/>"
    result, doc = epub_run(
        epub_book(
            meta, files, ncx=ncx, guide=guide, version="2.0", nonlinear=("index_split_003.html",)
        )
    )
    assert (doc.title, doc.authors, doc.published.year) == ("War Notes", ["Leo Tolstoy"], 1899)
    assert epub_top(doc) == ["I. THE CAMP", "II. THE MARCH"]
    assert [(n.marker, n.text) for n in doc.notes] == [("1", "Near Sevastopol.")]
    text = epub_stored(doc)
    assert "quiet[1] and" in text
    assert not [s for s in ("Free Age", "Updated editions", "NOTES\n", "Sevastopol") if s in text]


def test_epub_wrapper_entry_notes_heading_in_the_chapter_and_anonymous():
    files = {
        "c1.xhtml": "<h2>1. Seeds</h2><p>Seeds keep for years.<a href='#fn1' id='r1'>1</a></p>"
        + epub_prose("seed")
        + "<h3>Notes</h3><ol><li id='fn1'>Ten years for beans. <a href='#r1'>↩︎</a></li></ol>",
        "c2.xhtml": "<h2>2. Soil</h2>"
        + epub_prose("soil", 4)
        + "<h3 id='s'>Compost</h3>"
        + epub_prose("compost"),
    }
    nav = (
        "<nav epub:type='toc'><ol><li><a href='c1.xhtml'>A Garden Year</a><ol>"
        "<li><a href='c1.xhtml'>1. Seeds</a></li><li><a href='c2.xhtml'>2. Soil</a><ol>"
        "<li><a href='c2.xhtml#s'>Compost</a></li></ol></li></ol></li></ol></nav>"
    )
    result, doc = epub_run(
        epub_book(
            "<dc:title>A Garden Year</dc:title><dc:creator>Anonymous</dc:creator>"
            "<dc:creator>with an introduction by Sam Reyes</dc:creator>",
            files,
            nav=nav,
        )
    )
    assert doc.authors == []
    assert any("Sam Reyes (introduction)" in line for line in result.evidence)
    assert [(s.level, s.heading) for s in doc.sections if s.heading] == [
        (2, "1. Seeds"),
        (2, "2. Soil"),
        (3, "Compost"),
    ]
    assert [(n.marker, n.text) for n in doc.notes] == [("1", "Ten years for beans.")]
