"""Encyclopedia references and end matter, Central European and other code pages, the
messages for files that are not texts, and numbered section headings of PDF exports."""

import io
import zipfile

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from corpus_import.chrome import end_matter_kind
from corpus_import.data import Para
from corpus_import.normalize import decode_bytes
from corpus_import.pages import mark_numbered_headings
from corpus_import.pipeline import as_sentence, run_file

from .conftest import fixture_bytes


def _one(name: str):
    result = run_file(name, fixture_bytes(name))
    assert not result.errors and result.ledger.balanced, (result.errors, result.ledger)
    [doc] = result.documents
    return doc


def _body(doc) -> str:
    return "\n".join([s.heading for s in doc.sections] + [b.text for b in doc.blocks])


# --- 1. encyclopedia references and end matter ---------------------------------------------

MEDIAWIKI = [
    # (fixture, top-level sections, notes with markers, notes without (bibliography))
    ("web_mediawiki_es_referencias.html", ["Historia", "Organización"], 4, 1),
    ("web_mediawiki_de_einzelnachweise.html", ["Geschichte", "Betrieb"], 3, 1),
    ("web_mediawiki_es_saved_as_text.txt", ["Historia", "Funcionamiento"], 4, 0),
    ("web_mediawiki_de_saved_as_text.txt", ["Geschichte", "Aufbau"], 4, 1),
    ("web_mediawiki_en_copied_text.txt", ["History", "Operation"], 3, 1),
]


@pytest.mark.parametrize(("name", "sections", "marked", "unmarked"), MEDIAWIKI)
def test_mediawiki_references_are_notes_however_often_cited(name, sections, marked, unmarked):
    doc = _one(name)
    assert [s.heading for s in doc.sections if s.heading and s.level == 2] == sections
    assert sum(1 for n in doc.notes if n.marker) == marked
    assert sum(1 for n in doc.notes if not n.marker) == unmarked
    body = _body(doc)
    # No reference, back-link mark or end-matter heading is left in the body.
    for line in body.split("\n"):
        assert not line.lstrip().startswith(("^", "↑")), line
        assert not end_matter_kind(line), line
    for note in doc.notes:
        # Back-links ("^ a b c", "↑ a b", "Jump up to:") are not the note's text.
        assert not note.text.startswith(("^", "↑", "a b", "Jump up")), note.text
        assert note.text


def test_mediawiki_reference_cited_three_times_keeps_its_marker_in_the_body():
    doc = _one("web_mediawiki_es_referencias.html")
    notes = {n.marker: n.text for n in doc.notes}
    assert notes["1"].startswith("Moreno, Lucía (2014). Sembrar la ciudad")
    assert notes["a"].startswith("En Barcelona")
    body = _body(doc)
    assert body.count("libre.1") + body.count("parcela libre.1") >= 1  # "[1]"-style marker
    assert "Agricultura urbana" not in body  # "Véase también": navigation, dropped
    assert "Red de Huertos Urbanos" not in body  # "Enlaces externos"
    assert "Obtenido de" not in body and "Esta página se editó" not in body


def test_mediawiki_text_copy_numbers_its_references_and_drops_the_site_lines():
    doc = _one("web_mediawiki_en_copied_text.txt")
    assert doc.title == "Tool library"
    assert [n.marker for n in doc.notes if n.marker] == ["[1]", "[2]", "[3]"]
    assert doc.notes[0].text.startswith("Moreno, Carla (2015)")
    body = _body(doc)
    for gone in ("[edit]", "Library of Things", "Directory of tool libraries", "Retrieved from"):
        assert gone not in body
    doc = _one("web_mediawiki_es_saved_as_text.txt")
    assert doc.title == "Cooperativa de consumo"  # not the browser's "… - Wikipedia" line
    assert doc.notes[1].text.startswith("Holyoake")  # "↑ a b c" taken off
    assert "[editar]" not in _body(doc)


def test_end_matter_headings_in_several_languages():
    assert end_matter_kind("References") == "notes"
    assert end_matter_kind("Einzelnachweise") == "notes"
    assert end_matter_kind("Notas") == "notes"
    assert end_matter_kind("Further reading") == "notes"
    assert end_matter_kind("External links") == "links"
    assert end_matter_kind("Enlaces externos") == "links"
    assert end_matter_kind("Weblinks") == "links"
    assert end_matter_kind("Véase también[editar]") == "links"
    assert end_matter_kind("History") == ""


# --- 2. encodings --------------------------------------------------------------------------

ENCODED = [
    ("enc_polish_cp1250.txt", "Spółdzielnia w Łodzi", "cp1250"),
    ("enc_czech_iso8859_2.txt", "Družstvo v Brně", "iso-8859-2"),
    ("enc_russian_cp1251.txt", "Кооператив в Туле", "cp1251"),
    ("enc_russian_koi8r.txt", "Читальня на Заречной улице", "koi8-r"),
    ("enc_english_utf16le_nobom.txt", "The Lending Shelf", "utf-16-le"),
    ("enc_chinese_gbk.txt", "工人夜校的历史", "gbk"),
]


@pytest.mark.parametrize(("name", "title", "encoding"), ENCODED)
def test_code_pages_are_read_right(name, title, encoding):
    data = fixture_bytes(name)
    text, _used = decode_bytes(data)
    # The whole text, not only the title, reads as it was written.
    expected = data.decode(encoding).replace("\r\n", "\n")
    assert text.replace("\r\n", "\n") == expected
    assert _one(name).title == title


@pytest.mark.parametrize(
    "text",
    [
        "Zebranie odbyło się w sobotę. Członkowie spółdzielni omówili sprawę źródeł "
        "finansowania i żądań płacowych; Łukasz przyniósł ciasto.",
        "Ľudová knižnica v Žiline požičiava knihy aj deťom; v piatok večer sa konala beseda "
        "o ťažkej práci baníkov a o tom, čo znamená solidarita.",
        "A szövetkezet új iskolát nyitott a munkások gyermekeinek. A tagok gyűlése szerdán "
        "este volt; többen jöttek el, mint várták.",
    ],
)
@pytest.mark.parametrize("encoding", ["cp1250", "iso-8859-2"])
def test_central_european_texts_in_either_code_page(text, encoding):
    assert decode_bytes(text.encode(encoding))[0] == text


@pytest.mark.parametrize(
    "text",
    [
        "The co-operative opened a school “for the children” of workers — it’s the first "
        "in the town; the meeting on Wednesday drew more people than anyone expected.",
        "La coopérative a ouvert une école à Lyon. « C’est très bien », dit la maîtresse — "
        "et les enfants sont arrivés dès huit heures, près de la fenêtre.",
        "Die Genossenschaft in Köln eröffnete eine Schule für die Kinder der Arbeiter; man "
        "mußte Stühle aus dem Nachbarsaal holen, sagte der Vorsitzende.",
        "La cooperativa de Córdoba abrió una escuela. ¿Quién lo diría? ¡Vinieron más "
        "personas de las esperadas y hubo que traer sillas del salón de al lado!",
        "Kooperativet i Århus åbnede en skole for arbejdernes børn; mødet samlede flere end "
        "ventet, og man måtte hente stole fra naboens sal.",
    ],
)
def test_western_texts_stay_windows_1252(text):
    assert decode_bytes(text.encode("cp1252")) == (text, "cp1252")


WESTERN_WORDS = [
    "the", "school", "café", "élève", "très", "à", "garçon", "hôtel", "Köln", "müssen",
    "Straße", "niño", "acción", "você", "più", "così", "œuvre", "Århus", "børn", "naïve",
    "“quoted”", "it’s", "—", "señor", "über", "déjà", "fête", "ça", "où", "año",
]  # fmt: skip


@settings(max_examples=80, deadline=None)
@given(st.lists(st.sampled_from(WESTERN_WORDS), min_size=12, max_size=80))
# Found by hypothesis: each word one language's, the three letters Czech in windows-1250.
@example(["the"] * 7 + ["school"] * 3 + ["così", "børn", "café"])
def test_western_words_in_windows_1252_come_back_as_written(words):
    """Any mixture of Western words (several languages in one text, as quotations and
    names make them) is read as windows-1252, never as a Central European code page."""
    text = " ".join(words) + "."
    assert decode_bytes(text.encode("cp1252"))[0] == text


# --- 3. messages for files that are not texts ---------------------------------------------


def _zip(entries) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            kind = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=kind)
    return buffer.getvalue()


PAGE = b"<html><body>" + b"<p>The text of a chapter, long enough.</p>" * 80 + b"</body></html>"
CONTAINER = b"""<?xml version="1.0"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
<rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>
</rootfiles></container>"""
OPF = b"""<?xml version="1.0"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0"><metadata
xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>A Book</dc:title></metadata>
<manifest><item id="c1" href="chapter1.xhtml" media-type="application/xhtml+xml"/></manifest>
<spine><itemref idref="c1"/></spine></package>"""
EPUB = _zip([
    ("mimetype", b"application/epub+zip"),
    ("META-INF/container.xml", CONTAINER),
    ("OEBPS/content.opf", OPF),
    ("OEBPS/chapter1.xhtml", PAGE),
])  # fmt: skip
DOCX = _zip([("[Content_Types].xml", b"<Types/>"), ("word/document.xml", PAGE)])


ODT = _zip([("mimetype", b"application/vnd.oasis.opendocument.text"), ("content.xml", PAGE)])


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("book.epub", EPUB[: len(EPUB) // 2],
         "This file is a damaged EPUB (its zip archive is cut short)."),
        ("report.txt", DOCX,
         "This is a Word document (.docx); save it as plain text or HTML first."),
        ("slides.txt", _zip([("ppt/presentation.xml", PAGE)]),
         "This is a PowerPoint presentation"),
        ("notes.odt", ODT, "This is an OpenDocument text (.odt)"),
        ("inner.txt", _zip([("a.txt", PAGE)]), "This is a zip archive, not a text"),
        ("paper.pdf", b"%PDF-1.7\n" + PAGE,
         "This is a PDF file: export its text first (the importer reads text, not PDF)."),
    ],
)  # fmt: skip
def test_a_file_that_is_not_a_text_gets_one_plain_message(name, data, message):
    result = run_file(name, data)
    assert len(result.errors) == 1 and result.errors[0].startswith(message)
    assert "inside an archive" not in result.errors[0]
    assert result.documents == []


def test_an_epub_with_a_corrupt_part_gets_one_plain_message():
    data = bytearray(EPUB)
    start = data.index(b"OEBPS/chapter1.xhtml") + len("OEBPS/chapter1.xhtml") + 10
    data[start : start + 40] = b"\x55" * 40
    result = run_file("book.epub", bytes(data))
    assert len(result.errors) == 1 and "damaged EPUB" in result.errors[0], result.errors


@pytest.mark.django_db
def test_bad_files_are_reported_one_message_each_and_nothing_is_saved(tmp_path):
    from corpus_import.load import import_paths
    from studygroups.library.models import Document

    (tmp_path / "book.epub").write_bytes(EPUB[: len(EPUB) // 2])
    (tmp_path / "report.txt").write_bytes(DOCX)
    (tmp_path / "feed.xml").write_bytes(b'<?xml version="1.0"?><rss><channel><item></rss>')
    result = import_paths(sorted(tmp_path.iterdir()))
    files = {f["file"]: f for f in result.report["files"]}
    assert {f["status"] for f in files.values()} == {"failed"}
    for entry in files.values():
        assert len(entry["errors"]) == 1
        message = entry["errors"][0]
        assert message[0].isupper() and message.endswith(".")
    assert "XML" in files["feed.xml"]["errors"][0]  # acronyms keep their case
    assert Document.objects.count() == 0


@given(st.text(alphabet=st.characters(codec="ascii"), min_size=1, max_size=60))
def test_as_sentence_only_touches_the_first_letter(message):
    sentence = as_sentence(message)
    stripped = message.strip()
    if stripped:
        assert sentence.startswith(stripped[0].upper() + stripped[1:])
        assert sentence.endswith((".", "!", "?"))


# --- 4. numbered section headings of PDF exports -------------------------------------------


def test_numbered_section_headings_become_sections():
    doc = _one("web_pdf_export_numbered_sections.txt")
    assert [s.heading for s in doc.sections if s.heading] == [
        "1. Origins",
        "2. Growth",
        "3. Decline",
    ]
    assert not any(b.kind == "list_item" for b in doc.blocks)


def test_a_real_numbered_list_stays_a_list():
    doc = _one("web_pdf_export_numbered_list.txt")
    assert [s.heading for s in doc.sections if s.heading] == []
    assert [b.list_number for b in doc.blocks if b.kind == "list_item"] == [1, 2, 3, 4, 1, 2, 3]


BODY = (
    "The committee met every week in the back room and argued about money, books and the "
    "rules of the house until late in the evening."
)


def test_sub_numbered_headings_are_sub_sections():
    paras = [Para(t) for t in ["1. Origins", BODY, "1.1 The First Room", BODY, "2. Decline", BODY]]
    assert mark_numbered_headings(paras) == 3
    levels = [(p.kind, p.level) for p in paras[::2]]
    assert levels == [("heading", 2), ("heading", 3), ("heading", 2)]


def test_a_heading_may_stand_right_above_its_first_sub_heading():
    texts = ["1 Introduction", BODY, "2 Governance", "2.1 The Board", BODY, "2.2 Members", BODY]
    paras = [Para(t) for t in texts + ["3 Finance", BODY]]
    assert mark_numbered_headings(paras) == 5
    assert [p.level for p in paras if p.kind == "heading"] == [2, 2, 3, 3, 2]


@given(
    items=st.lists(
        st.sampled_from(["Bring water", "Pay the rent.", "Elect a committee", "Open the door"]),
        min_size=2,
        max_size=8,
    ),
    before=st.booleans(),
    after=st.booleans(),
)
def test_items_one_after_another_never_become_headings(items, before, after):
    """However short and title-like its items, a list whose items follow one another with
    no body between them is never read as headings."""
    paras = [Para(BODY)] if before else []
    paras += [Para(f"{k}. {item}") for k, item in enumerate(items, start=1)]
    paras += [Para(BODY)] if after else []
    assert mark_numbered_headings(paras) == 0
    assert all(p.kind == "" for p in paras)


@pytest.mark.parametrize(
    ("name", "family", "evidence"),
    [
        ("web_mediawiki_es_saved_as_text.txt", "Encyclopedia page saved as text", "references"),
        ("web_pdf_export_numbered_sections.txt", "", "Numbered lines in sequence"),
    ],
)
def test_what_the_chrome_stages_found_reaches_the_report(name, family, evidence):
    """The report names the family and the evidence as they are after the chrome stages
    (an encyclopedia page recognised by its references, numbered headings), not only as
    the reader left them."""
    result = run_file(name, fixture_bytes(name))
    assert any(evidence in line for line in result.evidence), result.evidence
    if family:
        assert result.family == family
