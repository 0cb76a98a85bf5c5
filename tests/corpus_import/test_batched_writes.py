"""A file's new documents are written together: the same results as one by one, in a
number of queries that does not grow with the number of documents in the file."""

from html import escape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from corpus_import.load import import_paths
from studygroups.library.models import Author, Document, DocumentSource
from studygroups.library.services import document_recount

pytestmark = pytest.mark.django_db

WORDS = [
    "tenants",
    "organize",
    "meetings",
    "readers",
    "discuss",
    "chapters",
    "members",
    "write",
    "notes",
]


def body(n: int, paragraphs: int = 3) -> str:
    """Text of entry `n`, different enough from every other entry's not to be a
    near-duplicate of it."""
    return "".join(
        f"<p>Entry {n} paragraph {p}: "
        + " ".join(f"{WORDS[(n * 7 + p * 3 + k) % len(WORDS)]}{n}x{k}" for k in range(30))
        + ".</p>"
        for p in range(paragraphs)
    )


def feed(entries: list[tuple[str, str, str]]) -> str:
    items = "".join(
        f"<item><title>{escape(title)}</title><author>x@example.org ({escape(author)})</author>"
        f"<pubDate>Tue, 02 Apr 2019 10:00:00 GMT</pubDate>"
        f"<description>{escape(text)}</description></item>"
        for title, author, text in entries
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Harbour news</title>{items}</channel></rss>"
    )


def statuses(result) -> list[str]:
    return [d["status"] for f in result.report["files"] for d in f["documents"]]


def test_a_feed_repeating_an_entry_gives_one_document_for_it(tmp_path):
    entries = [(f"Entry {n}", f"Writer {n % 2}", body(n)) for n in range(4)]
    entries.append(("Entry 1 again", "Writer 1", body(1)))  # the second entry, repeated
    entries.append(("Entry 9", "writer 0", body(9)))  # an author named in another case
    path = tmp_path / "news.xml"
    path.write_text(feed(entries))

    dry = import_paths([path], dry_run=True)
    result = import_paths([path])

    assert statuses(result) == statuses(dry)
    assert statuses(result).count("created") == Document.objects.count() == 5
    docs = result.report["files"][0]["documents"]
    for entry in docs:
        if entry["status"] == "created":
            document = Document.objects.get(pk=entry["document_id"])
            assert document.title == entry["title"]
            assert document.sources.get().file_name == "news.xml"
            # The stored hash (passed on from the importer) is the hash of the stored text.
            stored = document.text_hash
            assert document_recount(document=document).text_hash == stored
    # One author per name, whatever the case it is written in.
    assert sorted(Author.objects.values_list("name", flat=True)) == ["Writer 0", "Writer 1"]
    # The repeat is the second entry's document (created when the repeat was read), not
    # a document of its own nor a second source of it.
    assert docs[4]["status"] == "unchanged"
    assert docs[4]["document_id"] == docs[1]["document_id"] is not None
    assert DocumentSource.objects.filter(file_name="news.xml").count() == 5

    again = import_paths([path])
    assert set(statuses(again)) == {"unchanged"}
    assert Document.objects.count() == 5


def test_a_better_version_later_in_the_same_file_replaces_the_earlier_one(tmp_path):
    """The second entry is the first one's text with headings: the earlier document,
    not yet written when the later one is read, must exist to be replaced."""
    plain = body(3, paragraphs=6)
    headed = plain.replace("<p>Entry 3 paragraph 3", "<h2>Second part</h2><p>Entry 3 paragraph 3")
    path = tmp_path / "twice.xml"
    path.write_text(feed([("Plain", "Writer", plain), ("Headed", "Writer", headed)]))
    dry = import_paths([path], dry_run=True)
    result = import_paths([path])
    assert statuses(result) == statuses(dry)
    assert Document.objects.count() == 1
    assert result.report["files"][0]["documents"][0]["document_id"] == Document.objects.get().pk


def test_queries_do_not_grow_with_the_entries_of_a_file(tmp_path):
    def queries_for(n: int) -> int:
        path = tmp_path / f"feed{n}.xml"
        offset = n * 1000  # new entries for each run
        path.write_text(
            feed(
                [
                    (f"Entry {offset + k}", f"Writer {offset + k}", body(offset + k))
                    for k in range(n)
                ]
            )
        )
        with CaptureQueriesContext(connection) as queries:
            result = import_paths([path])
        assert statuses(result) == ["created"] * n
        return len(queries)

    assert queries_for(40) == queries_for(5)


@pytest.mark.parametrize(
    "paragraphs",
    [
        ["Plain words.", "More plain words."],
        ["\u0301Accent first, then ﬁligree.", "   ", "STRASSE und Straße", "e\u0301te\u0301"],
        ["A ½ fraction", "", "Ｆｕｌｌｗｉｄｔｈ text"],
    ],
)
def test_read_ahead_worker_hashes_and_anchors_as_the_writer_would(paragraphs):
    """The worker derives the text hash and the anchors from each paragraph's normalized
    text; they must equal what the library computes from the whole."""
    from corpus_import.load import _worker_run
    from studygroups.library.services import (
        BlockInput,
        SectionInput,
        _unique_anchor,
        text_hash_for,
    )

    data = ("A Title Line\n\n" + "\n\n".join(p for p in paragraphs if p.strip())).encode()
    result, _extras = _worker_run("x.txt", data)
    [draft] = result.documents
    sections = [SectionInput("", [BlockInput(b.text) for b in draft.blocks])]
    assert draft.text_hash == text_hash_for(sections)
    for block in draft.blocks:
        assert block.anchor_base == _unique_anchor(block.text, "p", set())


def test_batch_slugs_skip_numbered_slugs_taken_when_the_base_is_free():
    """A bulk import looks up its titles' bare slugs first and numbered candidates only
    when needed: a title repeated in the batch must still skip a taken "-2"."""
    from studygroups.library.services import unique_slugs

    Author.objects.create(name="Cy", slug="cy-2")
    Author.objects.create(name="Dee", slug="dee")
    assert unique_slugs(Author, ["Cy", "Cy", "Dee", "Eve"]) == ["cy", "cy-3", "dee-2", "eve"]
