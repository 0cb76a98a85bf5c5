"""Staff web import: permissions, CSRF, upload -> preview -> confirm, history, review."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from corpus_import.models import ImportBatch
from studygroups.library.models import Document
from tests.factories import make_document

from .conftest import fixture_bytes

pytestmark = pytest.mark.django_db

URLS = [
    ("get", "corpus_import:upload", False),
    ("get", "corpus_import:history", False),
    ("get", "corpus_import:review_queue", False),
]


@pytest.mark.parametrize("method,name,_", URLS)
def test_anonymous_redirected_to_login(client, method, name, _):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("method,name,_", URLS)
def test_non_staff_forbidden(user_client, method, name, _):
    assert user_client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("method,name,_", URLS)
def test_staff_can_open(staff_client, method, name, _):
    assert staff_client.get(reverse(name)).status_code == 200


def test_non_staff_cannot_post(user_client):
    upload = SimpleUploadedFile("a.txt", fixture_bytes("webpage.txt"))
    response = user_client.post(reverse("corpus_import:upload"), {"files": [upload]})
    assert response.status_code == 403 and ImportBatch.objects.count() == 0


def test_csrf_required(staff_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user)
    upload = SimpleUploadedFile("a.txt", fixture_bytes("webpage.txt"))
    response = client.post(reverse("corpus_import:upload"), {"files": [upload]})
    assert response.status_code == 403


def _zip():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("feed.xml", fixture_bytes("feed_rss.xml"))
        archive.writestr("../evil.txt", b"Escape\n\nText.")
    return buffer.getvalue()


def test_upload_preview_correct_confirm(staff_client):
    files = [
        SimpleUploadedFile("page.txt", fixture_bytes("webpage.txt")),
        SimpleUploadedFile("batch.zip", _zip()),
    ]
    response = staff_client.post(reverse("corpus_import:upload"), {"files": files})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("corpus_import:preview", args=[batch.pk])
    assert Document.objects.count() == 0  # preview writes nothing to the library
    page = staff_client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "Volunteer With Us" in html and "Rent strike enters its third week" in html
    assert "leaves the archive" in html and "Needs review" in html
    assert 'name="f0-d0-title"' in html and "<label" in html
    files_in_report = [f["file"] for f in batch.report["files"]]
    f_feed = files_in_report.index("batch.zip/feed.xml")
    response = staff_client.post(
        reverse("corpus_import:confirm", args=[batch.pk]),
        {
            "f0-d0-title": "Volunteer at the Kitchen",
            "f0-d0-authors": "Kim Lee, Sam Roe",
            "f0-d0-published": "2020",
            f"f{f_feed}-d1-title": "Landlord agrees to meet",
            f"f{f_feed}-d1-authors": "",
            f"f{f_feed}-d1-published": "2020-03-11",
        },
    )
    batch.refresh_from_db()
    assert response["Location"] == reverse("corpus_import:batch", args=[batch.pk])
    assert batch.status == ImportBatch.Status.PARTIAL  # the '..' entry failed
    doc = Document.objects.get(title="Volunteer at the Kitchen")
    assert [a.name for a in doc.ordered_authors] == ["Kim Lee", "Sam Roe"]
    assert doc.published.year == 2020 and doc.date_precision == "year"
    assert doc.sources.get().method == "upload"
    fixed = Document.objects.get(title="Landlord agrees to meet")
    assert not fixed.needs_review
    assert batch.staged.count() == 0
    detail = staff_client.get(response["Location"])
    assert detail.status_code == 200 and "Volunteer at the Kitchen" in detail.content.decode()
    history = staff_client.get(reverse("corpus_import:history"))
    assert f"#{batch.pk}" in history.content.decode()


def test_cancel_preview(staff_client):
    files = [SimpleUploadedFile("page.txt", fixture_bytes("webpage.txt"))]
    staff_client.post(reverse("corpus_import:upload"), {"files": files})
    batch = ImportBatch.objects.get()
    staff_client.post(reverse("corpus_import:cancel", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.CANCELLED and Document.objects.count() == 0
    assert staff_client.get(reverse("corpus_import:preview", args=[batch.pk])).status_code == 404


def test_upload_without_files_shows_error(staff_client):
    response = staff_client.post(reverse("corpus_import:upload"), {})
    assert response.status_code == 200 and "errorlist" in response.content.decode()


@pytest.fixture
def flagged(db):
    doc = make_document(title="Provisional title…")
    doc.needs_review = True
    doc.review_note = "Provisional title: the source gives none."
    doc.save()
    return doc


def _review_data(doc, **extra):
    data = {
        f"doc{doc.pk}-title": "A Proper Title",
        f"doc{doc.pk}-subtitle": "",
        f"doc{doc.pk}-organization": "",
        f"doc{doc.pk}-language": "en",
        f"doc{doc.pk}-authors": "Ana Pereira, Joe Mills",
        f"doc{doc.pk}-published_text": "March 2019",
        f"doc{doc.pk}-clear_review": "on",
    }
    data.update(extra)
    return data


def test_review_queue_lists_and_fix_without_js(staff_client, flagged):
    page = staff_client.get(reverse("corpus_import:review_queue"))
    assert "Provisional title…" in page.content.decode()
    response = staff_client.post(
        reverse("corpus_import:review", args=[flagged.pk]), _review_data(flagged)
    )
    assert response.status_code == 302
    flagged.refresh_from_db()
    assert flagged.title == "A Proper Title" and not flagged.needs_review
    assert flagged.date_precision == "month" and flagged.published.month == 3
    assert [a.name for a in flagged.ordered_authors] == ["Ana Pereira", "Joe Mills"]
    assert (
        "Nothing needs review"
        in staff_client.get(reverse("corpus_import:review_queue")).content.decode()
    )


def test_review_with_htmx_returns_partial(staff_client, flagged):
    response = staff_client.post(
        reverse("corpus_import:review", args=[flagged.pk]),
        _review_data(flagged),
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and f'id="review-{flagged.pk}"' in html and "Saved" in html


def test_review_invalid_date(staff_client, flagged):
    data = _review_data(flagged, **{f"doc{flagged.pk}-published_text": "someday"})
    response = staff_client.post(reverse("corpus_import:review", args=[flagged.pk]), data)
    assert response.status_code == 400 and "Write the date" in response.content.decode()
    htmx = staff_client.post(
        reverse("corpus_import:review", args=[flagged.pk]), data, HTTP_HX_REQUEST="true"
    )
    assert htmx.status_code == 200 and "Write the date" in htmx.content.decode()
    flagged.refresh_from_db()
    assert flagged.needs_review


def test_review_requires_staff(user_client, flagged):
    response = user_client.post(
        reverse("corpus_import:review", args=[flagged.pk]), _review_data(flagged)
    )
    assert response.status_code == 403


def test_upload_of_many_files_never_forks(staff_client, monkeypatch):
    """More files than the command's read-ahead threshold: the web import stays in the
    request's process (a web worker must never fork)."""
    from corpus_import import load

    started = []
    real_start = load._ReadAhead._start

    def spy(self):
        started.append(self.enabled)
        return real_start(self)

    monkeypatch.setattr(load._ReadAhead, "_start", spy)
    executors = []
    real_exit = load._ReadAhead.__exit__

    def on_exit(self, *exc):
        executors.append(self.executor)
        return real_exit(self, *exc)

    monkeypatch.setattr(load._ReadAhead, "__exit__", on_exit)
    count = load.READ_AHEAD_AFTER + 4
    files = [
        SimpleUploadedFile(f"f{i}.txt", fixture_bytes("webpage.txt") + f"\nNote {i}.".encode())
        for i in range(count)
    ]
    response = staff_client.post(reverse("corpus_import:upload"), {"files": files})
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert len(batch.report["files"]) == count
    assert executors == [None]
    assert started in ([], [False])


# ------------------------------------------------------------------- large previews


def _big_feed(items: int) -> bytes:
    entries = "".join(
        f"<item><title>Meeting note {i}</title><link>https://example.org/n/{i}</link>"
        f"<pubDate>Tue, 10 Mar 2020 10:00:00 +0000</pubDate>"
        f"<description>&lt;p&gt;Note {i}: the tenants of block {i} met about repair "
        f"number {i * 13} and chose {i % 7 + 2} delegates.&lt;/p&gt;</description></item>"
        for i in range(items)
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Tenant notes</title>'
        f"<link>https://example.org/</link>{entries}</channel></rss>"
    ).encode()


def _form_fields(html: str, action: str) -> dict[str, str]:
    """The fields a browser would send from the form posting to `action` (text and
    hidden inputs; buttons are added by the caller)."""
    import re

    form = html[html.index(f'action="{action}"') :]
    form = form[: form.index("</form>")]
    fields = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name:
            fields[name.group(1)] = value.group(1) if value else ""
    return fields


def test_a_preview_of_1200_documents_can_be_corrected_and_confirmed(staff_client, settings):
    """Django refuses a POST of more than 1,000 fields: each preview page's form sends
    only its own documents' fields, and corrections are kept on the server."""
    assert settings.DATA_UPLOAD_MAX_NUMBER_FIELDS == 1000
    upload = SimpleUploadedFile("notes.xml", _big_feed(1200))
    staff_client.post(reverse("corpus_import:upload"), {"files": [upload]})
    batch = ImportBatch.objects.get()
    assert batch.report["totals"]["documents"] == 1200
    preview = reverse("corpus_import:preview", args=[batch.pk])
    confirm = reverse("corpus_import:confirm", args=[batch.pk])
    html = staff_client.get(preview).content.decode()
    fields = _form_fields(html, confirm)
    assert 'name="f0-d0-title"' in html and 'name="f0-d50-title"' not in html
    assert len(fields) < 200
    # Correct the first document and go to the next page: the correction is kept.
    fields["f0-d0-title"] = "Tenants of block zero"
    response = staff_client.post(confirm, {**fields, "goto": "2"})
    assert response.status_code == 302 and response["Location"] == f"{preview}?page=2"
    html = staff_client.get(response["Location"]).content.decode()
    assert 'name="f0-d50-title"' in html and "Meeting note 50" in html
    assert "1 document has a saved correction." in html
    fields = _form_fields(html, confirm)
    fields["f0-d51-authors"] = "Rosa Quintero"
    response = staff_client.post(confirm, {**fields, "action": "confirm"})
    batch.refresh_from_db()
    assert response["Location"] == reverse("corpus_import:batch", args=[batch.pk])
    assert batch.created_count == 1200 and Document.objects.count() == 1200
    assert Document.objects.filter(title="Tenants of block zero").exists()
    corrected = Document.objects.get(title="Meeting note 51")
    assert [a.name for a in corrected.ordered_authors] == ["Rosa Quintero"]


def test_saving_a_correction_and_setting_it_back(staff_client):
    upload = SimpleUploadedFile("page.txt", fixture_bytes("webpage.txt"))
    staff_client.post(reverse("corpus_import:upload"), {"files": [upload]})
    batch = ImportBatch.objects.get()
    confirm = reverse("corpus_import:confirm", args=[batch.pk])
    html = staff_client.get(reverse("corpus_import:preview", args=[batch.pk])).content.decode()
    fields = _form_fields(html, confirm)
    original = fields["f0-d0-title"]
    response = staff_client.post(confirm, {**fields, "f0-d0-title": "Better", "action": "save"})
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.corrections["f0-d0"]["title"] == "Better" and batch.status == "preview"
    page = staff_client.get(response["Location"])
    assert 'value="Better"' in page.content.decode()
    assert "Your corrections are saved." in page.content.decode()
    staff_client.post(confirm, {**fields, "f0-d0-title": original, "action": "save"})
    batch.refresh_from_db()
    assert batch.corrections == {} and Document.objects.count() == 0
    bad = staff_client.post(confirm, {**fields, "f0-d0-published": "someday"})
    assert bad.status_code == 400 and Document.objects.count() == 0
    assert "Write the date as" in bad.content.decode()


def test_batch_page_links_to_its_documents_and_counts_in_words(staff_client):
    upload = SimpleUploadedFile("page.txt", fixture_bytes("webpage.txt"))
    staff_client.post(reverse("corpus_import:upload"), {"files": [upload]})
    batch = ImportBatch.objects.get()
    response = staff_client.post(reverse("corpus_import:confirm", args=[batch.pk]), follow=True)
    html = response.content.decode()
    [document] = Document.objects.all()
    assert f'href="{document.get_absolute_url()}"' in html
    assert "1 document found." in html and "1 documents" not in html
    assert "1 file read." in html  # the confirmation message
    document.delete()  # a document deleted since is listed without a link
    html = staff_client.get(reverse("corpus_import:batch", args=[batch.pk])).content.decode()
    assert document.title in html and f'href="{document.get_absolute_url()}"' not in html


def test_import_pages_in_spanish(staff_client):
    upload = SimpleUploadedFile("page.txt", fixture_bytes("webpage.txt"))
    staff_client.post(reverse("corpus_import:upload"), {"files": [upload]})
    batch = ImportBatch.objects.get()
    es = {"HTTP_ACCEPT_LANGUAGE": "es"}
    html = staff_client.get(reverse("corpus_import:preview", args=[batch.pk]), **es)
    html = html.content.decode()
    assert "Confirmar e importar" in html and "1 documento encontrado." in html
    response = staff_client.post(
        reverse("corpus_import:confirm", args=[batch.pk]), follow=True, **es
    )
    html = response.content.decode()
    assert "Historial de importaciones" in html and "1 archivo leído." in html
    upload_page = staff_client.get(reverse("corpus_import:upload"), **es).content.decode()
    assert "Importar textos" in upload_page
