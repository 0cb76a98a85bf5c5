"""Families of messy texts, one small synthetic fixture each (written for these tests,
never copied from a corpus), run through the whole pipeline."""

import io
import zipfile
from datetime import date

import pytest
from django.template.loader import render_to_string
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus_import.pipeline import run_file

from .conftest import fixture_bytes
from .corpus_dev_score import CORPUS_DEV

CASES = [
    # name, family contains, title, authors, date, top-level sections, forbidden strings
    (
        "book_small_print_etext.txt", "small-print", "The Salt Road", ["Anna Miller"], None,
        ["Chapter I: The Well", "Chapter II: The Market"],
        ["SMALL PRINT", "March, 1997", "Illustration", "prepared by", "End of The Project"],
    ),
    (
        "markdown_pandoc_blockquote.md", "Pandoc", "On Cooperative Kitchens", ["Rosa Weber"],
        date(1911, 1, 1), ["Why Cook Together", "What It Needs"],
        [":::", "{.info}", "weber.jpg", "](#n1)", "Transcribed", "\\'", "layout:"],
    ),
    (
        "book_modern_roman_sections.txt", "Gutenberg", "The Glass River", ["Tomas Field"],
        date(1912, 1, 1), ["I", "II"],
        ["\ufeff", "Release date", "recently updated", "N O R T H", "MCMXII", "General Terms"],
    ),
    (
        "book_contents_one_entry_per_block.txt", "Gutenberg", "Three Bridges", ["Lena Ostrova"],
        date(1899, 1, 1),
        ["Chapter I. The Stone Bridge", "Chapter II. The Iron Bridge",
         "Chapter III. The Rope Bridge"],
        ["CONTENTS", "MDCCCXCIX", "BY LENA"],
    ),
    (
        "blog_wordpress_like.html", "WordPress", "Counting Seeds With Shell Scripts",
        ["Ines Marlow"], date(2019, 6, 2), ["The inventory file", "What we learned"],
        ["Skip to content", "Share this", "Rupert Vale", "Leave a Reply", "Recent Posts",
         "Posted in", "Proudly powered", "The Allotment Log", "thoughts on"],
    ),
]  # fmt: skip


def _stored(doc) -> str:
    return "\n".join([doc.title, *doc.headings, *(b.text for b in doc.blocks)])


@pytest.mark.parametrize("name,family,title,authors,published,sections,forbid", CASES)
def test_family_fixture(name, family, title, authors, published, sections, forbid):
    result = run_file(name, fixture_bytes(name))
    assert result.errors == [] and result.ledger.balanced, result.ledger.as_dict()
    assert family.lower() in result.family.lower() and result.evidence
    [doc] = result.documents
    assert (doc.title, doc.authors, doc.published) == (title, authors, published)
    assert [s.heading for s in doc.sections if s.heading and s.level == 2] == sections
    text = _stored(doc)
    assert not [s for s in forbid if s in text]


def test_numbered_parts_of_chapters_are_sub_sections():
    result = run_file("b.txt", fixture_bytes("book_chapter_subparts.txt"))
    [doc] = result.documents
    assert doc.authors == ["Ada North"] and doc.published is None
    assert [(s.heading, s.level) for s in doc.sections if s.heading] == [
        ("Chapter I: The First Winter", 2),
        ("1", 3),
        ("2", 3),
        ("Chapter II: The Second Winter", 2),
        ("II", 3),
    ]
    assert all(b.text not in ("1.", "2.", "II.") for b in doc.blocks)
    assert any("Release Date" in line for line in result.evidence)


def test_printed_pages_lose_running_heads_footers_and_edit_links():
    result = run_file("p.txt", fixture_bytes("encyclopedia_printed_pages.txt"))
    assert result.ledger.balanced
    [doc] = result.documents
    text = _stored(doc)
    for chrome in ("AM", "wikipedia.org", "[edit]", "From Wikipedia", "1/3"):
        assert chrome not in text
    assert doc.title == "Rain garden" and doc.headings[-2:] == ["Design", "Care"]
    assert any("Running page heads" in line for line in result.evidence)


def test_front_matter_author_naming_a_site_is_no_person():
    [doc] = run_file("m.md", fixture_bytes("markdown_site_as_author.md")).documents
    assert doc.authors == [] and doc.organization == "Strike Wikipedia"


def test_page_without_an_article_keeps_its_blocks():
    result = run_file("d.html", b"<html><body><div>Just a div of text here.</div></body></html>")
    assert [b.text for d in result.documents for b in d.blocks] == ["Just a div of text here."]
    assert result.ledger.balanced and any("trafilatura" in e for e in result.evidence)


def test_code_blocks_keep_their_lines():
    [doc] = run_file("b.html", fixture_bytes("blog_wordpress_like.html")).documents
    [code] = [b for b in doc.blocks if b.kind == "code"]
    assert code.text.splitlines() == [
        "awk -F, '{ total += $3 } END { print total }' seeds.csv",
        "sort -t, -k2 seeds.csv | head",
    ]


def test_pandoc_notes_kept_as_notes_with_markers():
    [doc] = run_file("m", fixture_bytes("markdown_pandoc_blockquote.md")).documents
    assert [(n.marker, n.text) for n in doc.notes] == [
        ("1", "The author's own estimate, from her letters.")
    ]
    assert "[1]" in _stored(doc) and "Notes" not in doc.headings


def test_gb2312_one_line_feed_with_year_first_dates():
    result = run_file("f", fixture_bytes("feed_gb2312_one_line.rss"))
    assert result.errors == []
    titles = [d.title for d in result.documents]
    assert titles == ["建国纪念币，和平鸽", "出南京泰山五盒"]
    assert [d.published for d in result.documents] == [date(2020, 1, 10), date(2020, 1, 9)]
    assert {d.language for d in result.documents} == {"zh"}
    assert "<br" not in _stored(result.documents[0])


def test_html_footnotes_become_notes_and_file_dates_are_ignored():
    page = b"""<html><head><title>A. Writer: On Bread (1901)</title>
    <meta name="author" content="A. Writer"></head><body>
    <h1>On Bread</h1><p class="info"><b>Written:</b> 1901.<br><b>Transcribed:</b> B. Volunteer.</p>
    <h2>I</h2><p>Bread is made by many hands before it reaches one table, and each of them is
    owed something by the person who eats it.<a id="r1" href="#n1">[1]</a></p>
    <h2>II</h2><p>The baker rises early and the miller earlier, and neither is thanked for
    it, which is the ordinary condition of useful work in every town.</p>
    <h3>Notes</h3><p class="note"><a id="n1" href="#r1">1.</a> As the baker told me.</p>
    <p class="updat">Last updated on 1.2.2009</p></body></html>"""
    result = run_file("p.html", page)
    [doc] = result.documents
    assert doc.title == "On Bread" and doc.authors == ["A. Writer"]
    assert doc.published == date(1901, 1, 1)
    assert [n.marker for n in doc.notes] == ["[1]"] and "As the baker" not in _stored(doc)
    assert "Last updated" not in _stored(doc) and "Transcribed" not in _stored(doc)
    assert [s.heading for s in doc.sections if s.heading] == ["I", "II"]
    assert any("Last updated" in line for line in result.evidence)


def _epub(chapters, *, nav=True, dc_date="2011-05-05") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("mimetype", "application/epub+zip")
        z.writestr(
            "META-INF/container.xml",
            '<container xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
            '<rootfile full-path="OEBPS/content.opf"/></rootfiles></container>',
        )
        items = "".join(
            f'<item id="c{k}" href="c{k}.xhtml" media-type="application/xhtml+xml"/>'
            for k in range(len(chapters))
        )
        spine = "".join(f'<itemref idref="c{k}"/>' for k in range(len(chapters)))
        nav_item = (
            '<item id="nav" href="nav.xhtml" properties="nav" media-type="application/xhtml+xml"/>'
            if nav
            else ""
        )
        z.writestr(
            "OEBPS/content.opf",
            '<package xmlns="http://www.idpf.org/2007/opf" version="3.0"><metadata '
            'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>The Lamp</dc:title>'
            "<dc:creator>Mara Stone</dc:creator><dc:contributor>Ink Illustrator"
            f"</dc:contributor><dc:date>{dc_date}</dc:date><dc:language>en</dc:language>"
            f"</metadata><manifest>{nav_item}{items}</manifest><spine>{spine}</spine>"
            "</package>",
        )
        links = "".join(
            f'<li><a href="c{k}.xhtml">{title}</a></li>' for k, (title, _) in enumerate(chapters)
        )
        z.writestr(
            "OEBPS/nav.xhtml",
            f'<html><body><nav epub:type="toc"><ol>{links}</ol></nav></body></html>',
        )
        for k, (title, body) in enumerate(chapters):
            z.writestr(
                f"OEBPS/c{k}.xhtml",
                f"<html><body><h2>{title}</h2>{body}</body></html>",
            )
    return buf.getvalue()


PROSE = "<p>" + " ".join(["The lamp burned all night in the window of the house."] * 8) + "</p>"


def test_epub_spine_nav_sections_and_dublin_core_with_care():
    data = _epub(
        [
            ("Title Page", "<p>Copyright, 1921, by Some Press</p>"),
            ("The Window", PROSE),
            ("The Road", PROSE + PROSE),
        ]
    )
    result = run_file("book.epub", data)
    assert result.errors == [] and result.format == "epub" and result.ledger.balanced
    [doc] = result.documents
    assert doc.title == "The Lamp" and doc.authors == ["Mara Stone"]
    assert doc.headings == ["The Window", "The Road"]
    assert doc.published == date(1921, 1, 1)  # the edition's year, never the dc:date
    assert any("dc:date 2011-05-05 ignored" in line for line in result.evidence)
    assert "Title Page" not in _stored(doc)


@pytest.mark.parametrize(
    "data",
    [b"PK\x03\x04broken", _epub([("A", PROSE)])[:200], _epub([])],
    ids=["not-a-zip", "truncated", "empty-spine"],
)
def test_bad_epub_is_one_clear_error(data):
    result = run_file("bad.epub", data)
    assert len(result.errors) == 1 and not result.documents
    assert result.errors[0][0].isupper() and result.errors[0].endswith(".")


def test_report_template_shows_family_and_evidence():
    report = {
        "files": [
            {
                "file": "x.txt",
                "format": "book",
                "family": "Project Gutenberg e-book",
                "evidence": ["Body starts after “*** START OF THE PROJECT GUTENBERG”."],
                "status": "created",
                "documents": [{}],
                "words": {"read": 1, "kept": 1, "chrome": 0, "metadata": 0},
            }
        ]
    }
    html = render_to_string("corpus_import/_report_files.html", {"report": report})
    assert "Project Gutenberg e-book" in html and "Body starts after" in html


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=3000), st.sampled_from([b"", b"PK\x03\x04", b"<html><body>"]))
def test_never_raises_on_any_bytes(data, prefix):
    result = run_file("any", prefix + data)
    assert result.errors or result.documents


@pytest.mark.django_db
def test_notes_are_stored_with_the_document(tmp_path):
    from corpus_import.load import import_paths
    from studygroups.library.models import Document

    (tmp_path / "kitchens.md").write_bytes(fixture_bytes("markdown_pandoc_blockquote.md"))
    report = import_paths([tmp_path])
    assert report.ok
    [doc] = Document.objects.all()
    assert [(n.marker, n.text) for n in doc.notes.all()] == [
        ("1", "The author's own estimate, from her letters.")
    ]
    [entry] = report.report["files"]
    assert entry["family"] == "Pandoc Markdown conversion" and entry["evidence"]
    assert entry["documents"][0]["notes"] == 1


def test_archive_page_titled_author_colon_title_year():
    page = b"""<html><head><title>Mara Lind: Letters from the Mill (1907)</title>
    <meta name="author" content="Mara Lind"></head><body>
    <p class="toplink">Archive &gt; Lind</p>
    <h3>Letters from the Mill</h3>
    <p>The mill stopped on a Tuesday, and by Thursday the whole valley knew why, because the
    owners had written to the newspaper before they wrote to the workers.</p>
    <p>We met in the schoolroom that evening and decided to write to the newspaper too,
    which was the first time any of us had done such a thing in our lives.</p>
    </body></html>"""
    [doc] = run_file("a.html", page).documents
    assert (doc.title, doc.authors, doc.published) == (
        "Letters from the Mill",
        ["Mara Lind"],
        date(1907, 1, 1),
    )


def test_blog_date_from_schema_org_and_encyclopedia_pages_undated():
    blog = b"""<html><head><title>Winter Pruning</title>
    <script type="application/ld+json">{"@type":"BlogPosting",
    "datePublished":"2021-02-03T08:00:00+01:00", "dateModified":"2024-01-01"}</script>
    </head><body><article><h1>Winter Pruning</h1>
    <p>Prune apple trees in winter, when the sap is down and you can see the shape of the tree,
    and never take more than a quarter of the wood in one year.</p></article></body></html>"""
    [doc] = run_file("b.html", blog).documents
    assert doc.published == date(2021, 2, 3)
    wiki = blog.replace(b"<head>", b'<head><meta name="generator" content="MediaWiki 1.40">')
    result = run_file("w.html", wiki)
    assert result.documents[0].published is None
    assert result.family.startswith("Encyclopedia")


def test_epub2_with_ncx_and_creator_roles():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("mimetype", "application/epub+zip")
        z.writestr(
            "META-INF/container.xml",
            '<container xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
            '<rootfile full-path="content.opf"/></rootfiles></container>',
        )
        z.writestr(
            "content.opf",
            '<package xmlns="http://www.idpf.org/2007/opf" version="2.0" '
            'xmlns:opf="http://www.idpf.org/2007/opf"><metadata '
            'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Field Notes</dc:title>'
            '<dc:creator opf:role="aut">Ilse Brandt</dc:creator>'
            '<dc:creator opf:role="trl">Tom Weller</dc:creator>'
            '<dc:date opf:event="original-publication">1931</dc:date>'
            '<dc:date opf:event="modification">2019-04-02</dc:date></metadata><manifest>'
            '<item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>'
            '<item id="a" href="text/a.html" media-type="application/xhtml+xml"/>'
            '<item id="b" href="text/b.html" media-type="application/xhtml+xml"/></manifest>'
            '<spine toc="ncx"><itemref idref="a"/><itemref idref="b"/></spine></package>',
        )
        z.writestr(
            "toc.ncx",
            '<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/"><navMap>'
            '<navPoint id="p1"><navLabel><text>Spring</text></navLabel>'
            '<content src="text/a.html"/></navPoint>'
            '<navPoint id="p2"><navLabel><text>Summer</text></navLabel>'
            '<content src="text/b.html#s"/></navPoint></navMap></ncx>',
        )
        z.writestr("text/a.html", f"<html><body><h1>Spring</h1>{PROSE}</body></html>")
        z.writestr(
            "text/b.html",
            f'<html><body><p>A line before.</p><h1 id="s">Summer</h1>{PROSE}</body></html>',
        )
    result = run_file("notes.epub", buf.getvalue())
    [doc] = result.documents
    assert doc.authors == ["Ilse Brandt"] and doc.published == date(1931, 1, 1)
    assert doc.headings == ["Spring", "Summer"]
    assert any("Tom Weller" in line and "not an author" in line for line in result.evidence)


def _book(body: str) -> bytes:
    header = (
        "The Project Gutenberg EBook of The Long Road, by Ada Vance\n\n"
        "Title: The Long Road\n\nAuthor: Ada Vance\n\n"
        "Release Date: May 3, 2006 [EBook #99999]\n\n"
        "*** START OF THIS PROJECT GUTENBERG EBOOK THE LONG ROAD ***\n\n\n\n"
    )
    footer = "\n\n\n\n*** END OF THIS PROJECT GUTENBERG EBOOK THE LONG ROAD ***\n"
    return (header + body + footer).encode()


ROAD_PROSE = (
    "The road ran on through the valley, and the travellers walked it for many days, "
    "talking of the towns they had left and of the people they hoped to find ahead."
)


@pytest.mark.parametrize(
    "part_one,part_two,chapter",
    [
        ("PART I", "PART II", "CHAPTER {n}"),
        ("BOOK THE FIRST", "BOOK THE SECOND", "Chapter {n}"),
        ("VOLUME ONE", "VOLUME TWO", "CHAPTER {n}. THE ROAD"),
        ("Primera parte", "Segunda parte", "Capítulo {n}"),
        ("Erster Teil", "Zweiter Teil", "Kapitel {n}"),
    ],
)
def test_book_parts_above_chapters_keep_their_level(part_one, part_two, chapter):
    """A Gutenberg book's parts (BOOK, PART, VOLUME…, in its languages) sit above its
    chapters: sections of level 1, chapters of level 2 under them, never flattened."""
    body = []
    n = 0
    for part in (part_one, part_two):
        body.append(part)
        for _ in range(2):
            n += 1
            body.append(chapter.format(n=["I", "II", "III", "IV"][n - 1]))
            body.extend([ROAD_PROSE] * 3)
    result = run_file("road.txt", _book("\n\n\n".join(body)))
    [doc] = result.documents
    outline = [(s.level, s.heading.lower()) for s in doc.sections if s.heading]
    levels = [level for level, _ in outline]
    assert levels == [1, 2, 2, 1, 2, 2], outline
    assert outline[0][1] == part_one.lower() and outline[3][1] == part_two.lower()
    assert all(s.blocks for s in doc.sections if s.level == 2)


def test_a_part_word_without_chapters_under_it_stays_a_chapter():
    body = "\n\n\n".join(["PART I", ROAD_PROSE, ROAD_PROSE, "PART II", ROAD_PROSE, ROAD_PROSE])
    [doc] = run_file("road.txt", _book(body)).documents
    assert [(s.level, s.heading) for s in doc.sections if s.heading] == [
        (2, "Part I"),
        (2, "Part II"),
    ]


def test_a_contents_list_of_parts_and_chapters_makes_no_part_sections():
    contents = "\n\n".join(["PART I", "CHAPTER I", "CHAPTER II", "PART II", "CHAPTER III"])
    body = "\n\n\n".join(
        ["PART I", "CHAPTER I", ROAD_PROSE, ROAD_PROSE, "CHAPTER II", ROAD_PROSE, ROAD_PROSE]
    )
    [doc] = run_file("road.txt", _book(contents + "\n\n\n\n" + body)).documents
    parts = [s.heading for s in doc.sections if s.level == 1]
    assert parts == ["Part I"]


@pytest.mark.skipif(
    not CORPUS_DEV.is_dir(), reason="../shared/corpus-dev is not beside the checkout"
)
def test_don_quijote_part_sits_above_its_chapters():
    name = "gutenberg-es_don-quijote_iso-8859-1_crlf_trimmed.txt"
    [doc] = run_file(name, (CORPUS_DEV / name).read_bytes()).documents
    outline = [(s.level, s.heading) for s in doc.sections if s.heading]
    index = next(i for i, (_, h) in enumerate(outline) if h.startswith("Primera parte"))
    assert outline[index][0] == 1
    chapters = outline[index + 1 :]
    assert [h.split(".")[0] for _, h in chapters] == [
        "Capítulo primero",
        "Capítulo II",
        "Capítulo III",
    ]
    assert {level for level, _ in chapters} == {2}


@pytest.mark.parametrize(
    "text,years",
    [
        ("a veinte días del mes de deciembre de mil y\nseiscientos y cuatro años.", [1604]),
        ("mil seiscientos cinco", [1605]),
        ("Mil quinientos noventa y ocho", [1598]),
        ("in eighteen hundred and seventy-two", [1872]),
        ("one thousand eight hundred and twelve", [1812]),
        ("mil hombres y tres hundred men; the twenty-two", []),
        ("veinte treinta", []),
    ],
)
def test_years_written_in_words(text, years):
    from corpus_import.metadata import years_in_words

    assert years_in_words(text) == years


def test_early_spanish_edition_is_dated_by_its_printing_licences():
    """Books printed in Spain open with dated licences (tasa, fe de erratas, privilegio),
    often with the year in words: the latest is the edition's date; dates in the text of
    the chapters are not."""
    body = "\n\n\n".join(
        [
            "TASA",
            "Yo, Juan Gallo de Andrada, escribano de Cámara del Rey nuestro señor, doy fe "
            "que este libro fue tasado en Valladolid, a veinte días del mes de diciembre "
            "de mil y seiscientos y cuatro años.",
            "EL REY",
            "Por cuanto por parte de vos nos fue fecha relación que habíades compuesto un "
            "libro, dada en Valladolid, a veinte y seis días del mes de setiembre de mil y "
            "seiscientos y tres años.",
            "Capítulo primero. Que trata de un hidalgo",
            "En el año de 1580 vivía un hidalgo de los de lanza en astillero, adarga "
            "antigua, rocín flaco y galgo corredor, como cuentan los que de él escribieron.",
        ]
    )
    [doc] = run_file("libro.txt", _book(body)).documents
    assert (doc.published, doc.date_precision) == (date(1604, 1, 1), "year")
    unlicensed = body.split("Capítulo primero")[0].replace("TASA", "PRÓLOGO")
    unlicensed = unlicensed.replace("EL REY", "AL LECTOR")
    [doc] = run_file("libro.txt", _book(unlicensed)).documents
    assert doc.published is None


@pytest.mark.skipif(
    not CORPUS_DEV.is_dir(), reason="../shared/corpus-dev is not beside the checkout"
)
def test_don_quijote_dated_by_its_licences():
    name = "gutenberg-es_don-quijote_iso-8859-1_crlf_trimmed.txt"
    [doc] = run_file(name, (CORPUS_DEV / name).read_bytes()).documents
    assert doc.published.year == 1604 and doc.date_precision == "year"
