"""The acceptance test: importing ../shared/corpus gives what its README states."""

import json
from datetime import date

import pytest
from django.core.management import call_command

from corpus_import.models import ImportBatch
from studygroups.library.models import Block, Document, DocumentSource

from .conftest import SEED_CORPUS

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not SEED_CORPUS.is_dir(), reason="shared/corpus is not beside the checkout"),
]

CHROME = [
    "[*] [+] [-] [x] [A+] [a-]",
    "[l] at",
    "Reflections on our crisis",
    "A message from Socialist Worker",
    "Front page of this issue",
    "Print Friendly, PDF & Email",
    "Writings in this archive (blog)",
    "Categories |",
    "As of 10/20/19 11:10pm",
    "Last new 4/19/19",
    "Next feed in category",
    "A vigil after the mosque massacre in New Zealand A vigil after",
]


def by_file(prefix):
    return Document.objects.filter(
        sources__file_name__startswith=prefix, sources__is_primary=True
    ).distinct()


@pytest.fixture
def imported(tmp_path):
    report_file = tmp_path / "report.json"
    call_command("import_corpus", str(SEED_CORPUS), "--report-json", str(report_file))
    return json.loads(report_file.read_text())


def test_counts_and_duplicate(imported):
    totals = imported["totals"]
    assert totals["files"] == 5 and totals["files_failed"] == 0
    assert totals["documents"] == 25
    assert totals["created"] == 24
    assert totals["duplicate"] == 1
    assert Document.objects.count() == 24
    # The kept version is 004's (with paragraphs); 001 is its second source.
    letter = DocumentSource.objects.get(file_name__startswith="001").document
    primary = letter.sources.get(is_primary=True)
    assert primary.file_name.startswith("004")
    assert [a.name for a in letter.ordered_authors] == [
        "David Camfield", "Todd Gordon", "Brian McDougall", "Sandra Sarner",
    ]  # fmt: skip
    assert letter.blocks.count() >= 20
    [dup] = [d for f in imported["files"] for d in f["documents"] if d["status"] == "duplicate"]
    assert dup["duplicate_of"] == letter.title


def test_titles_authors_dates_languages(imported):
    [d000] = by_file("000")
    assert d000.title == "Another Lesson of the Paris Commune"
    assert d000.published is None
    [d002] = by_file("002")
    assert d002.title == "How Do I Join?"
    [d003] = by_file("003")
    assert d003.title == (
        "Peter Kropotkin And Peoples' Uprisings From the Paris Commune to the Kwangju Uprising"
    )
    assert [a.name for a in d003.ordered_authors] == ["George Katsiaficas"]
    assert (d003.published, d003.date_precision) == (date(2003, 1, 1), "year")
    for doc in (d000, d002, d003):
        assert not doc.needs_review and doc.language == "en"
    dump = list(by_file("004"))
    assert len(dump) == 21
    assert all(d.needs_review and d.title for d in dump)
    dates = {d.published for d in dump}
    assert date(2019, 4, 18) in dates and date(2019, 3, 14) in dates
    assert all(d.date_precision == "day" for d in dump)
    spanish = [d for d in dump if d.language == "es"]
    assert len(spanish) == 2
    assert all(d.organization == "Obrero Socialista" and not d.authors.exists() for d in spanish)
    assert sum(1 for d in dump if d.language == "en") == 19
    two = [d for d in dump if [a.name for a in d.ordered_authors] == ["Maryam A", "Nikki W"]]
    assert len(two) == 1
    orgs = {d.organization for d in dump if not d.authors.exists()}
    assert {"ISO", "SW", "New Zealand socialists"} <= orgs


def test_structure(imported):
    [d003] = by_file("003")
    headings = list(d003.sections.values_list("heading", flat=True))
    main = ["KROPOTKIN'S NOTION OF REVOLUTION", "KWANGJU UPRISING", "KROPOTKIN AND KWANGJU",
            "CONCLUDING COMMENT"]  # fmt: skip
    assert [h for h in headings if h in main] == main  # back in the contents' order
    texts = list(d003.blocks.values_list("text", flat=True))
    assert "Contents" not in texts and not any(t.strip().isdigit() for t in texts)
    assert not any("Anti-Copyright" in t or t == "theanarchistlibrary.org" for t in texts)
    [d002] = by_file("002")
    assert list(d002.sections.values_list("heading", flat=True)) == [
        "Mass Organization", "Politics of the Everyday", "Build Power, Not Access Power",
        "Inquiry", "Examples",
    ]  # fmt: skip
    items = d002.blocks.filter(kind=Block.Kind.LIST_ITEM).order_by("order")
    assert [i.list_number for i in items] == [1, 2]


def test_no_chrome_survives(imported):
    texts = list(Block.objects.values_list("text", flat=True))
    texts += list(Document.objects.values_list("title", flat=True))
    for chrome in CHROME:
        assert not [t for t in texts if chrome in t], chrome


def test_one_line_letter_alone_is_resegmented(tmp_path):
    call_command("import_corpus", str(next(SEED_CORPUS.glob("001_*.txt"))))
    doc = Document.objects.get()
    assert doc.needs_review
    assert doc.blocks.count() >= 8
    assert max(doc.blocks.values_list("word_count", flat=True)) < 300


def test_words_balance_per_file(imported):
    for entry in imported["files"]:
        w = entry["words"]
        assert w["balanced"] and w["read"] == w["kept"] + w["chrome"] + w["metadata"]


def test_second_run_is_idempotent(imported, tmp_path, capsys):
    before = (
        Document.objects.count(),
        Block.objects.count(),
        DocumentSource.objects.count(),
        list(Block.objects.order_by("pk").values_list("anchor", flat=True)),
    )
    report_file = tmp_path / "again.json"
    call_command("import_corpus", str(SEED_CORPUS), "--report-json", str(report_file))
    again = json.loads(report_file.read_text())
    assert again["totals"]["unchanged"] == 25 and again["totals"]["created"] == 0
    after = (
        Document.objects.count(),
        Block.objects.count(),
        DocumentSource.objects.count(),
        list(Block.objects.order_by("pk").values_list("anchor", flat=True)),
    )
    assert before == after
    assert "25 unchanged" in capsys.readouterr().out
    assert ImportBatch.objects.count() == 2
