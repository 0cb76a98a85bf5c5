"""An import batch from upload to confirmation: upload limits checked before reading,
a preview whose query count does not grow with the library (signatures backfilled once),
confirmation that claims the batch once and marks failures, validated corrections."""

import pytest
from django.contrib import messages as django_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from corpus_import import views
from corpus_import.data import FileInput
from corpus_import.dedupe import signature, signature_from_bytes
from corpus_import.load import Correction, import_inputs
from corpus_import.models import SIGNATURE_VERSION, ImportBatch, ImportedDocument
from studygroups.library.models import Document
from tests.factories import make_document

from .conftest import fixture_bytes

pytestmark = pytest.mark.django_db


QUERIES = 15  # the upload request, whatever the library holds


# -- 2. confirm claims the batch once; a failure is FAILED, never a 404/500 -------------
def _preview(staff_client) -> ImportBatch:
    files = [SimpleUploadedFile("page.txt", fixture_bytes("webpage.txt"))]
    staff_client.post(reverse("corpus_import:upload"), {"files": files})
    return ImportBatch.objects.get()


def _messages(response) -> list[str]:
    return [str(m) for m in django_messages.get_messages(response.wsgi_request)]


def test_confirm_twice_imports_once(staff_client):
    batch = _preview(staff_client)
    url = reverse("corpus_import:confirm", args=[batch.pk])
    first = staff_client.post(url)
    second = staff_client.post(url)
    assert first.status_code == 302 and second.status_code == 302
    assert second["Location"] == reverse("corpus_import:batch", args=[batch.pk])
    assert "This import was already confirmed" in " ".join(_messages(second))
    assert Document.objects.count() == 1
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE and batch.files.count() == 1


def test_confirm_while_running_is_refused(staff_client, monkeypatch):
    """A second confirm arriving while the first is importing does not import again."""
    batch = _preview(staff_client)
    url = reverse("corpus_import:confirm", args=[batch.pk])
    inner = []
    real = views.import_inputs

    def racing(*args, **kwargs):
        if not inner:
            assert ImportBatch.objects.get(pk=batch.pk).status == ImportBatch.Status.RUNNING
            inner.append(staff_client.post(url))
        return real(*args, **kwargs)

    monkeypatch.setattr(views, "import_inputs", racing)
    staff_client.post(url)
    assert inner[0].status_code == 302
    assert "This import was already confirmed" in " ".join(_messages(inner[0]))
    assert Document.objects.count() == 1


def test_confirm_failure_marks_failed_keeps_files_and_can_retry(staff_client, monkeypatch):
    batch = _preview(staff_client)
    url = reverse("corpus_import:confirm", args=[batch.pk])

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(views, "import_inputs", broken)
    response = staff_client.post(url)
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED
    assert "disk full" in batch.report["error"]
    assert batch.staged.count() == 1  # the upload stays for a retry
    assert any("failed" in m for m in _messages(response))
    page = staff_client.get(response["Location"])
    assert page.status_code == 200 and "disk full" in page.content.decode()
    assert staff_client.get(reverse("corpus_import:batch", args=[batch.pk])).status_code == 200
    monkeypatch.undo()
    retry = staff_client.post(url)
    assert retry.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE and Document.objects.count() == 1
    assert batch.staged.count() == 0


# -- 3. uploads over the limits are refused before being read -------------------------
def test_upload_over_file_limit_is_refused(staff_client, settings):
    settings.IMPORT_MAX_FILE_BYTES = 1000
    files = [
        SimpleUploadedFile("big.txt", b"word " * 400),
        SimpleUploadedFile("small.txt", b"Title\n\nA short text."),
    ]
    response = staff_client.post(reverse("corpus_import:upload"), {"files": files})
    html = response.content.decode()
    assert response.status_code == 200 and "errorlist" in html
    assert "big.txt" in html and "limit" in html and "small.txt" not in html
    assert ImportBatch.objects.count() == 0


def test_upload_zip_uses_archive_limit(staff_client, settings):
    settings.IMPORT_MAX_FILE_BYTES = 1000
    settings.IMPORT_MAX_ARCHIVE_BYTES = 1500
    ok = SimpleUploadedFile("ok.zip", b"x" * 1200)  # over the file limit, under the archive one
    big = SimpleUploadedFile("big.zip", b"x" * 1600)
    from corpus_import.forms import UploadForm

    assert UploadForm(files={"files": [ok]}).is_valid()
    form = UploadForm(files={"files": [big]})
    assert not form.is_valid() and "big.zip" in str(form.errors)


# -- 4. the preview costs the same queries whatever the library's size ------------------
@pytest.mark.parametrize("library_size", [3, 30])
def test_upload_preview_queries_constant(staff_client, django_assert_max_num_queries, library_size):
    for _ in range(library_size):
        make_document()
    files = [SimpleUploadedFile("page.txt", fixture_bytes("webpage.txt"))]
    with django_assert_max_num_queries(QUERIES):
        response = staff_client.post(reverse("corpus_import:upload"), {"files": files})
    assert response.status_code == 302


def test_index_backfills_signatures_once():
    docs = [make_document() for _ in range(3)]
    assert not ImportedDocument.objects.exists()
    import_inputs([FileInput("page.txt", fixture_bytes("webpage.txt"))], dry_run=True)
    records = {r.document_id: r for r in ImportedDocument.objects.all()}
    assert set(records) == {d.pk for d in docs}
    for doc in docs:
        texts = list(doc.blocks.order_by("order").values_list("text", flat=True))
        stored = signature_from_bytes(records[doc.pk].signature)
        assert (stored.hashvalues == signature(texts).hashvalues).all()
        assert records[doc.pk].structure_score == doc.blocks.count() + 2 * doc.sections.count()


def test_backfilled_library_still_finds_duplicates():
    original = import_inputs([FileInput("page.txt", fixture_bytes("webpage.txt"))])
    ImportedDocument.objects.all().delete()  # as if made before the importer existed
    again = import_inputs([FileInput("copy.txt", fixture_bytes("webpage.txt"))], dry_run=True)
    assert original.totals["created"] == 1
    assert again.report["files"][0]["documents"][0]["status"] in ("duplicate", "unchanged")


def test_signatures_of_an_earlier_definition_are_made_again():
    """A library whose signatures an earlier definition of word ids made (CRC-32,
    version 1) has them made again when the importer loads its index: a near-duplicate
    (one word changed, so not the same text) is still found, and the record keeps its
    structure score."""
    import_inputs([FileInput("page.txt", fixture_bytes("webpage.txt"))])
    record = ImportedDocument.objects.get()
    score = record.structure_score
    ImportedDocument.objects.update(signature=bytes(8 * 128), signature_version=1)
    edited = fixture_bytes("webpage.txt").replace(b"at seven in", b"at eight in")
    again = import_inputs([FileInput("edited.txt", edited)], dry_run=True)
    assert again.report["files"][0]["documents"][0]["status"] == "duplicate"
    record.refresh_from_db()
    texts = list(record.document.blocks.order_by("order").values_list("text", flat=True))
    assert record.signature_version == SIGNATURE_VERSION
    assert (signature_from_bytes(record.signature).hashvalues == signature(texts).hashvalues).all()
    assert record.structure_score == score


# -- 5. corrections are validated ------------------------------------------------------
def test_confirm_with_bad_date_shows_error_and_keeps_batch(staff_client):
    batch = _preview(staff_client)
    response = staff_client.post(
        reverse("corpus_import:confirm", args=[batch.pk]),
        {"f0-d0-title": "Kept title", "f0-d0-authors": "", "f0-d0-published": "someday"},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Write the date" in html and 'value="someday"' in html and "Kept title" in html
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEW and Document.objects.count() == 0


def test_confirm_with_too_long_author_shows_error(staff_client):
    batch = _preview(staff_client)
    response = staff_client.post(
        reverse("corpus_import:confirm", args=[batch.pk]),
        {"f0-d0-title": "T", "f0-d0-authors": "A" * 201, "f0-d0-published": ""},
    )
    assert response.status_code == 400 and "200 characters" in response.content.decode()
    assert Document.objects.count() == 0


def test_confirm_with_month_date_keeps_month(staff_client):
    batch = _preview(staff_client)
    staff_client.post(
        reverse("corpus_import:confirm", args=[batch.pk]),
        {"f0-d0-title": "Dated", "f0-d0-authors": "", "f0-d0-published": "2019-03"},
    )
    doc = Document.objects.get()
    assert doc.published.isoformat() == "2019-03-01" and doc.date_precision == "month"


def test_importer_never_clears_date_on_unparseable_correction():
    data = fixture_bytes("article_iso_dateline.txt")
    before = import_inputs([FileInput("a.txt", data)], dry_run=True)
    published = before.report["files"][0]["documents"][0]["published"]
    assert published
    after = import_inputs(
        [FileInput("a.txt", data)],
        dry_run=True,
        corrections={("a.txt", 0): Correction(published="someday")},
    )
    doc = after.report["files"][0]["documents"][0]
    assert doc["published"] == published
    assert any("someday" in w for w in doc["warnings"])


def test_review_form_refuses_too_long_author(staff_client):
    doc = make_document(title="Provisional")
    doc.needs_review = True
    doc.save()
    data = {
        f"doc{doc.pk}-title": "Fixed",
        f"doc{doc.pk}-subtitle": "",
        f"doc{doc.pk}-organization": "",
        f"doc{doc.pk}-language": "en",
        f"doc{doc.pk}-authors": "B" * 201,
        f"doc{doc.pk}-published_text": "",
        f"doc{doc.pk}-clear_review": "on",
    }
    response = staff_client.post(reverse("corpus_import:review", args=[doc.pk]), data)
    assert response.status_code == 400 and "200 characters" in response.content.decode()
    doc.refresh_from_db()
    assert doc.needs_review and doc.title == "Provisional"


def test_preview_proposes_reading_units_with_the_series_algorithm(staff_client):
    """The import preview shows how each new text would be cut into reading units: the
    same algorithm (library.units) the series editor uses."""
    from corpus_import.load import units_for
    from corpus_import.pipeline import run_file as run

    draft = run("page.txt", fixture_bytes("webpage.txt")).documents[0]
    units = units_for(draft)
    assert units and units[0]["minutes"] >= 1
    batch = _preview(staff_client)
    page = staff_client.get(reverse("corpus_import:preview", args=[batch.pk])).content.decode()
    assert f"In a reading series: {len(units)} unit" in page
    assert f"{units[0]['title']}, {units[0]['minutes']} min" in page
