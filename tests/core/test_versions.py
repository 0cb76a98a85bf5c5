"""Data versions (core/versions.py): every write to a tracked table, by any path, gives
the version a new number; paragraph inserts are the one documented exception."""

import pytest
from django.db import connection, transaction

from studygroups.core import versions
from studygroups.library.models import (
    Author,
    Block,
    BlockAlias,
    Document,
    DocumentAuthor,
    DocumentSource,
    Note,
    Section,
    Topic,
)
from tests.factories import make_document

pytestmark = pytest.mark.django_db

LIBRARY = "library"


def changes(write) -> bool:
    before = versions.current(LIBRARY)
    write()
    return versions.current(LIBRARY) != before


@pytest.fixture
def doc():
    return make_document(sections=2, paragraphs=3, authors=["Ada Example"])


WRITES = {
    "document insert": lambda d: make_document(sections=1, paragraphs=1),
    "document update through the queryset": lambda d: Document.objects.filter(pk=d.pk).update(
        title="Renamed"
    ),
    "document save": lambda d: (setattr(d, "subtitle", "Sub"), d.save()),
    "document delete (cascades to its paragraphs)": lambda d: d.delete(),
    "author rename": lambda d: Author.objects.filter(documents=d).update(name="Other Name"),
    "author link removed": lambda d: DocumentAuthor.objects.filter(document=d).delete(),
    "topic added": lambda d: d.topics.add(Topic.objects.create(name="Labour", slug="labour")),
    "topic renamed": lambda d: (
        d.topics.add(Topic.objects.create(name="T", slug="t")),
        Topic.objects.filter(slug="t").update(name="U"),
    ),
    "section heading": lambda d: Section.objects.filter(document=d).update(heading="New"),
    "note added": lambda d: Note.objects.create(document=d, order=1, marker="1", text="A note"),
    "alias added": lambda d: BlockAlias.objects.create(
        document=d, anchor="old-anchor", target_anchor=d.blocks.first().anchor, revision=2
    ),
    "source added": lambda d: DocumentSource.objects.create(document=d, file_name="x.txt"),
    "paragraph text edited": lambda d: Block.objects.filter(document=d).update(text="Edited."),
    "paragraph deleted": lambda d: Block.objects.filter(pk=d.blocks.last().pk).delete(),
}


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_every_write_to_the_library_gives_a_new_number(doc, write):
    assert versions.current(LIBRARY) is not None
    assert changes(lambda: write(doc))


def test_a_paragraph_insert_alone_is_left_to_the_readers_stamp(doc):
    """Documented exception (settings.DATA_VERSIONS): the importer inserts paragraphs by
    the thousand; the reader's stamp carries the newest paragraph id and the count."""
    from studygroups.library.selectors import document_stamp

    stamp = document_stamp(doc.slug)
    last = doc.blocks.order_by("order").last()
    Block.objects.create(
        document=doc, section=last.section, order=last.order + 1, anchor="p-new", text="New."
    )
    after = document_stamp(doc.slug)
    assert after != stamp
    assert after.block_count == stamp.block_count + 1


def test_reads_do_not_change_the_number(doc):
    assert not changes(lambda: (list(Document.objects.all()), list(Block.objects.all())))


def test_a_rolled_back_write_leaves_the_number_as_it_was(doc):
    before = versions.current(LIBRARY)
    with pytest.raises(RuntimeError), transaction.atomic():
        Document.objects.filter(pk=doc.pk).update(title="Never")
        inside = versions.current(LIBRARY)
        raise RuntimeError
    assert versions.current(LIBRARY) == before != inside
    # The next write does not bring back the number of the one rolled back.
    Document.objects.filter(pk=doc.pk).update(title="Later")
    assert versions.current(LIBRARY) not in {before, inside}


def test_install_is_idempotent_and_puts_back_what_was_removed(doc):
    versions.install(connection)
    versions.install(connection)
    versions.uninstall(connection)
    assert not changes(lambda: Document.objects.filter(pk=doc.pk).update(title="Unseen"))
    versions.install(connection)
    assert changes(lambda: Document.objects.filter(pk=doc.pk).update(title="Seen"))


def test_install_itself_gives_new_numbers(doc):
    """A migration's own writes happen while the triggers are down; installing after
    `migrate` changes every version, so nothing cached before it is read again."""
    assert changes(lambda: versions.install(connection))


def test_no_number_before_the_first_write():
    from studygroups.core.models import DataVersion

    DataVersion.objects.all().delete()
    assert versions.current(LIBRARY) is None
    make_document(sections=1, paragraphs=1)
    assert versions.current(LIBRARY) is not None


def test_settings_must_name_plain_identifiers():
    with pytest.raises(ValueError):
        versions._trigger_sql("sqlite", "library", "x; DROP TABLE y", ["insert"])
    with pytest.raises(ValueError):
        versions._trigger_sql("sqlite", "library", "library_document", ["truncate"])
