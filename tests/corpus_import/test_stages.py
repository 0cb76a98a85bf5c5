# ruff: noqa: E501  (sample sentences are kept whole for readability)
"""Unit tests of the pure stages: decoding, metadata, chrome, structure, dedupe."""

from datetime import date

import pytest

from corpus_import.chrome import ChromeMemory, strip_known
from corpus_import.data import DraftBlock, DraftSection, Ledger, Para, RawDocument
from corpus_import.dedupe import DedupeIndex, signature, similarity
from corpus_import.metadata import (
    detect_language,
    names_from_list,
    parse_byline,
    parse_date,
    provisional_title,
)
from corpus_import.normalize import DecodeError, clean_text, decode_bytes, undouble
from corpus_import.pipeline import draft_document, paras_of
from corpus_import.readers import choose_reader
from corpus_import.structure import classify, join_broken, reorder_by_contents


@pytest.mark.parametrize(
    "data,expected",
    [
        ("Grüße — “quoted”".encode(), "Grüße — “quoted”"),
        (b"\xef\xbb\xbfBOM text", "BOM text"),
        ("UTF-16 text ’".encode("utf-16"), "UTF-16 text ’"),
        ("caf\u00e9 \u201cq\u201d".encode("cp1252"), "café “q”"),
        (b"caf\xe9 \x81", "café \x81"),  # not cp1252: latin-1 fallback
    ],
)
def test_decode(data, expected):
    text, _ = decode_bytes(data)
    assert text == expected


@pytest.mark.parametrize(
    "data,reason",
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"\x00\x01\x02binary\x00\x00" * 50, "binary"),
        (b"%PDF-1.7 ...", "PDF"),
        (bytes(range(256)) * 40, "binary"),
    ],
)
def test_decode_refuses_with_a_plain_reason(data, reason):
    with pytest.raises(DecodeError, match=reason):
        decode_bytes(data)


def test_clean_text_line_endings_nfc_mojibake():
    assert clean_text("a\r\nb\rc") == "a\nb\nc"
    assert clean_text("e\u0301") == "\u00e9"
    assert clean_text("donâ€™t") == "don’t"
    assert clean_text("“keep” — these…") == "“keep” — these…"


@pytest.mark.parametrize(
    "text,expected",
    [
        ("[l] at 4/18/19 11:00pm", (date(2019, 4, 18), "day")),
        ("March 21, 2019", (date(2019, 3, 21), "day")),
        ("15 de marzo de 2019", (date(2019, 3, 15), "day")),
        ("August 2003", (date(2003, 8, 1), "month")),
        ("2003", (date(2003, 1, 1), "year")),
        ("April 14", (None, "")),
        ("2020-02-11T09:00:00Z", (date(2020, 2, 11), "day")),
        ("13/45/19", (None, "")),
        ("2024-11", (date(2024, 11, 1), "month")),
        ("2025", (date(2025, 1, 1), "year")),
        ("2025-03-01", (date(2025, 3, 1), "day")),
        ("November 2024", (date(2024, 11, 1), "month")),
        ("14 April 2019", (date(2019, 4, 14), "day")),
        ("April 14, 2019", (date(2019, 4, 14), "day")),
        ("2019-04-18T10:00:00Z", (date(2019, 4, 18), "day")),
        ("the 2010-12 season", (None, "")),  # a range of years in prose, not a month
        ("2024-13", (None, "")),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "line,people,org",
    [
        ("David Camfield, Todd Gordon, Brian McDougall and Sandra Sarner",
         ["David Camfield", "Todd Gordon", "Brian McDougall", "Sandra Sarner"], ""),
        ("Maryam A and Nikki W", ["Maryam A", "Nikki W"], ""),
        ("From the ISO", [], "ISO"),
        ("From New Zealand socialists", [], "New Zealand socialists"),
        ("ISO Steering Committee", [], "ISO Steering Committee"),
        ("By Ana Pereira", ["Ana Pereira"], ""),
        ("brian bean", ["brian bean"], ""),
        ("Study Groups Project", [], "Study Groups Project"),
        ("Proyecto Grupos de Estudio", [], "Proyecto Grupos de Estudio"),
        ("Editorial Board", [], "Editorial Board"),
        ("Comité de Redacción", [], "Comité de Redacción"),
        ("Colectivo Libertario", [], "Colectivo Libertario"),
        ("Partido Obrero", [], "Partido Obrero"),
        ("The Editors", [], "The Editors"),
        ("Rosa Lindqvist and Tomás Ortega", ["Rosa Lindqvist", "Tomás Ortega"], ""),
    ],
)  # fmt: skip
def test_parse_byline(line, people, org):
    assert parse_byline(line) == (people, org)


@pytest.mark.parametrize(
    "values,people,org",
    [
        (["Editorial Board"], [], "Editorial Board"),
        (["Ana Pereira", "Joe Mills"], ["Ana Pereira", "Joe Mills"], ""),
        (["Ana Pereira", "Tenants Union"], ["Ana Pereira"], "Tenants Union"),
        (["From the ISO"], [], "ISO"),
    ],
)
def test_names_from_list_use_the_byline_rule(values, people, org):
    assert names_from_list(values) == (people, org)


PARAGRAPHS = [
    f"Paragraph {i} tells how the neighbours met on the stairs and wrote down what they "
    "wanted from the landlord, then carried it to the office together."
    for i in range(3)
]


@pytest.mark.parametrize(
    "line",
    [
        "Release Date: June 1, 2004 [EBook #1234]",
        "Last updated: March 3, 2024",
        "Updated April 14, 2019",
        "Converted to text on 2019-04-18",
        "Actualizado: 14 de abril de 2019",
    ],
)
def test_file_dates_are_never_the_works_date(line):
    raw = RawDocument(paras=paras_of(["A Title For the Work", line, *PARAGRAPHS]))
    draft = draft_document(raw, Ledger(read=10_000))
    assert draft.published is None
    assert draft.subtitle == ""
    assert all(line not in b.text for b in draft.blocks)


def test_language_detection():
    assert (
        detect_language(
            "La asamblea de los trabajadores se reunió para discutir las propuestas del comité y la huelga."
        )
        == "es"
    )
    assert (
        detect_language(
            "The assembly of the workers met to discuss the proposals of the committee and the strike."
        )
        == "en"
    )
    assert detect_language("Hi") == "en"


def test_provisional_title_is_short_and_readable():
    title = provisional_title(
        "members of the leadership team responsible for carrying out the decisions made by members. More."
    )
    assert title.startswith("Members of the leadership") and title.endswith("…")
    assert len(title.split()) <= 13


def test_undouble():
    assert undouble("A vigil in the park A vigil in the park") == "A vigil in the park"
    assert undouble("one two one three") is None


def test_known_chrome_and_footer_are_dropped_and_counted():
    ledger = Ledger()
    doc = RawDocument(paras=[Para(t) for t in [
        "Real text of the article, long enough to be a paragraph of prose.",
        "Print Friendly, PDF & Email",
        "Front page of this issue",
        "Writings in this archive (blog) are also found on pages under Writings.",
        "July 2024",
        "Categories |",
    ]])  # fmt: skip
    strip_known(doc, ledger)
    assert [p.text for p in doc.paras] == [
        "Real text of the article, long enough to be a paragraph of prose."
    ]
    assert ledger.chrome == 5 + 4 + 12 + 2 + 1


def test_learned_chrome_needs_two_documents_and_spares_structural_headings():
    ledger = Ledger()
    docs = [
        RawDocument(paras=[Para("Widget line here"), Para("Notes"), Para(f"Body {i} text.")])
        for i in range(2)
    ]
    ChromeMemory().strip_learned(docs, ledger, "f")
    assert [p.text for p in docs[0].paras] == ["Notes", "Body 0 text."]
    single = [RawDocument(paras=[Para("Widget line here"), Para("Body.")])]
    ChromeMemory().strip_learned(single, Ledger(), "g")
    assert len(single[0].paras) == 2


def test_headings_lists_quotes():
    paras = [Para(t) for t in [
        "Mass Organization",
        "Our projects will never begin as mass organizations, but they must aim at growing by organizing.",
        "KWANGJU UPRISING",
        "In the past two centuries, two events stand out as unique beacons of the spontaneous ability.",
        "(3) Spontaneous organization",
        "The capacity for self-organization that emerged spontaneously, first in the heat of battle.",
        "1. Be sure to read the statement.",
        "“The consensus of their feeling is summed up in the phrase: this cannot be. It was unheard of that the citizens of a city should rise up,” [Peterson, p. 49]",
        "Todd Gordon, Toronto",
        "Sandra Sarner, Toronto",
    ]]  # fmt: skip
    classify(paras)
    kinds = [(p.kind, p.level) for p in paras]
    assert kinds[0] == ("heading", 2) and kinds[2] == ("heading", 2) and kinds[4] == ("heading", 3)
    assert paras[6].kind == "list_item" and paras[6].list_number == 1
    assert paras[7].kind == "quotation"
    assert paras[8].kind == "paragraph" and paras[9].kind == "paragraph"


def test_join_broken_paragraphs():
    paras = [
        Para("The people quickly responded and the army, which had"),
        Para("retreated, came back."),
    ]
    assert [p.text for p in join_broken(paras)] == [
        "The people quickly responded and the army, which had retreated, came back."
    ]


def test_reorder_by_contents():
    sections = [
        DraftSection("", [DraftBlock("intro")]),
        DraftSection("CONCLUSION", [DraftBlock("c")]),
        DraftSection("FIRST", [DraftBlock("f")]),
        DraftSection("(1) Sub", [DraftBlock("s")]),
        DraftSection("SECOND", [DraftBlock("s2")]),
    ]
    result, changed = reorder_by_contents(sections, ["FIRST", "SECOND", "CONCLUSION"])
    assert changed
    assert [s.heading for s in result] == ["", "FIRST", "(1) Sub", "SECOND", "CONCLUSION"]


def test_format_registry_detects_from_text_only():
    assert choose_reader("<rss version='2.0'><channel></channel></rss>").name == "feed"
    assert choose_reader("<!DOCTYPE html><html><body><p>x</p></body></html>").name == "html"
    assert choose_reader("---\ntitle: X\n---\n\nBody").name == "markdown"
    assert (
        choose_reader("[*] [+] [-] [x] [A+] [a-]\n[l] at 1/2/20 1:00pm\nA\n\nB").name
        == "reader_dump"
    )
    assert choose_reader("Title\n\nPara one.\n\nPara two.\n").name == "plain"
    assert choose_reader("Title\nPara one.\nPara two.\n").name == "webpage"
    assert choose_reader("x").name == "generic"


def test_near_duplicates_found_and_different_texts_not():
    base = " ".join(
        f"Sentence number {i} talks about the assembly and the strike." for i in range(80)
    )
    edited = base.replace("number 7 ", "number seven ").replace("number 9 ", "number nine ")
    other = " ".join(f"Another text {i} about gardens, seeds and the weather." for i in range(80))
    a, b, c = signature([base]), signature([edited]), signature([other])
    assert similarity(a, b) >= 0.7 and similarity(a, c) < 0.2
    index = DedupeIndex()
    index.add("a", a)
    assert index.best_match(b)[0] == "a"
    assert index.best_match(c) is None
