"""Staff web import: upload -> preview (with corrections) -> confirm; history; review."""

from __future__ import annotations

import io
import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required, user_passes_test
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from studygroups.library.models import Document
from studygroups.library.services import document_set_authors

from .data import FileInput
from .forms import CorrectionForm, ReviewForm, UploadForm, clean_author_names
from .load import Correction, import_inputs
from .models import ImportBatch, StagedFile
from .sources import from_zip

logger = logging.getLogger(__name__)


def _staff(user) -> bool:
    if user.is_authenticated and user.is_active and user.is_staff:
        return True
    if user.is_authenticated:
        raise PermissionDenied
    return False


def staff_required(view):
    return login_required(user_passes_test(_staff)(view))


def _staged_inputs(batch: ImportBatch):
    for staged in batch.staged.all():
        data = bytes(staged.data)
        if staged.name.lower().endswith(".zip"):
            yield from from_zip(io.BytesIO(data), staged.name)
        else:
            yield FileInput(staged.name, data)


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def upload(request):
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            batch = ImportBatch.objects.create(
                method=ImportBatch.Method.UPLOAD,
                status=ImportBatch.Status.PREVIEW,
                created_by=request.user,
            )
            for upload_file in form.cleaned_data["files"]:
                StagedFile.objects.create(
                    batch=batch, name=upload_file.name[:500], data=upload_file.read()
                )
        preview = import_inputs(_staged_inputs(batch), method="upload", dry_run=True)
        batch.report = preview.report
        batch.save(update_fields=["report"])
        return redirect("corpus_import:preview", pk=batch.pk)
    return render(request, "corpus_import/import_upload.html", {"form": form})


# A batch that can still be confirmed: waiting, or failed (its files are kept).
CONFIRMABLE = (ImportBatch.Status.PREVIEW, ImportBatch.Status.FAILED)

# Documents per preview page. Each has three correction fields, and a page's form posts
# only its own (Django refuses more than DATA_UPLOAD_MAX_NUMBER_FIELDS, 1,000 by default),
# so a preview of any size can be corrected and confirmed.
PREVIEW_PAGE_SIZE = 50


def _preview_batch(pk) -> ImportBatch:
    return get_object_or_404(ImportBatch, pk=pk, status__in=CONFIRMABLE)


def _report_values(doc: dict) -> dict:
    """A previewed document's fields as the correction form shows them."""
    return {
        "title": doc["title"],
        "authors": ", ".join(doc["authors"]),
        "published": doc["published"] or "",
    }


def _preview_documents(batch: ImportBatch, data=None) -> list[dict]:
    """Every previewed document, in file order, with a correction form showing its saved
    correction (or the importer's values); bound to `data` for the documents `data` has
    fields for. Copies: the stored report is not touched."""
    items = []
    for f_index, entry in enumerate(batch.report.get("files", [])):
        for doc in entry.get("documents", []):
            key = f"f{f_index}-d{doc['index']}"
            initial = {**_report_values(doc), **batch.corrections.get(key, {})}
            bound = data is not None and f"{key}-title" in data
            form = CorrectionForm(data if bound else None, prefix=key, initial=initial)
            items.append({**doc, "key": key, "file": entry["file"], "form": form})
    return items


def _render_preview(request, batch: ImportBatch, items: list[dict], page_number, status=200):
    page = Paginator(items, PREVIEW_PAGE_SIZE).get_page(page_number)
    return render(
        request,
        "corpus_import/import_preview.html",
        {
            "batch": batch,
            "report": batch.report,
            "page": page,
            "corrected": len(batch.corrections),
        },
        status=status,
    )


@staff_required
@require_safe
def preview(request, pk):
    batch = _preview_batch(pk)
    return _render_preview(request, batch, _preview_documents(batch), request.GET.get("page"))


def _save_corrections(batch: ImportBatch, items: list[dict]) -> None:
    """Store the posted (valid) corrections; a document set back to the importer's
    values has none."""
    corrections = dict(batch.corrections)
    for doc in items:
        form = doc["form"]
        if not form.is_bound:
            continue
        typed = {
            "title": form.cleaned_data["title"] or doc["title"],
            "authors": ", ".join(form.cleaned_data["authors"]),
            "published": form.cleaned_data["published"],
        }
        if typed == _report_values(doc):
            corrections.pop(doc["key"], None)
        else:
            corrections[doc["key"]] = typed
    batch.corrections = corrections
    ImportBatch.objects.filter(pk=batch.pk).update(corrections=corrections)


def _corrections(batch: ImportBatch) -> dict[tuple[str, int], Correction]:
    """The saved corrections, as the importer takes them."""
    corrections = {}
    for doc in _preview_documents(batch):
        saved = batch.corrections.get(doc["key"])
        if not saved:
            continue
        fix = Correction()
        if saved["title"] and saved["title"] != doc["title"]:
            fix.title = saved["title"]
        authors = clean_author_names(saved["authors"])
        if authors != doc["authors"]:
            fix.authors = authors
        if saved["published"] != (doc["published"] or ""):
            fix.published = saved["published"]
        corrections[(doc["file"], doc["index"])] = fix
    return corrections


def _already_confirmed(request, batch: ImportBatch):
    messages.info(request, _("This import was already confirmed."))
    return redirect("corpus_import:batch", pk=batch.pk)


def _preview_url(batch: ImportBatch, page) -> str:
    url = reverse("corpus_import:preview", kwargs={"pk": batch.pk})
    return f"{url}?page={page}" if page else url


def _page_number(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


@staff_required
@require_POST
def confirm(request, pk):
    """One preview page's form: saves its corrections, then confirms the import
    (action "confirm", the default), stays (action "save"), or goes to another page
    (`goto`)."""
    batch = get_object_or_404(ImportBatch, pk=pk)
    if batch.status not in CONFIRMABLE:
        return _already_confirmed(request, batch)
    items = _preview_documents(batch, request.POST)
    page = _page_number(request.POST.get("page"))
    if not all(doc["form"].is_valid() for doc in items if doc["form"].is_bound):
        messages.error(request, _("Some corrections need fixing; nothing was imported yet."))
        return _render_preview(request, batch, items, page, status=400)
    _save_corrections(batch, items)
    goto = _page_number(request.POST.get("goto"))
    if goto or request.POST.get("action") == "save":
        if not goto:
            messages.success(request, _("Your corrections are saved."))
        return redirect(_preview_url(batch, goto or page))
    corrections = _corrections(batch)
    preview_report = batch.report
    # Claim the batch: of two confirmations, only the one that changes the row imports.
    claimed = ImportBatch.objects.filter(pk=pk, status__in=CONFIRMABLE).update(
        status=ImportBatch.Status.RUNNING
    )
    if claimed != 1:
        return _already_confirmed(request, batch)
    batch.status = ImportBatch.Status.RUNNING
    batch.files.all().delete()  # a failed attempt's per-file rows
    try:
        result = import_inputs(
            _staged_inputs(batch),
            method="upload",
            user=request.user,
            batch=batch,
            corrections=corrections,
        )
    except Exception as exc:  # never a 500: the batch says what happened, files are kept
        logger.exception("Confirming import %s failed", pk)
        error = _("The import stopped before the end (%(error)s).") % {"error": exc}
        ImportBatch.objects.filter(pk=pk).update(
            status=ImportBatch.Status.FAILED,
            report={**preview_report, "error": error},
            finished_at=timezone.now(),
        )
        messages.error(
            request,
            _(
                "%(error)s The import failed; the uploaded files are kept, so you can "
                "confirm again (documents already saved are not duplicated) or cancel."
            )
            % {"error": error},
        )
        return redirect("corpus_import:preview", pk=pk)
    level = messages.SUCCESS if result.ok else messages.WARNING
    messages.add_message(request, level, totals_message(result.totals))
    return redirect("corpus_import:batch", pk=batch.pk)


def totals_message(totals: dict) -> str:
    """What an import did, in whole sentences with their plurals."""
    files = ngettext("%(count)d file read.", "%(count)d files read.", totals["files"]) % {
        "count": totals["files"]
    }
    found = ngettext(
        "%(count)d document found.", "%(count)d documents found.", totals["documents"]
    ) % {"count": totals["documents"]}
    outcome = _(
        "Created: %(created)d. Updated: %(updated)d. Unchanged: %(unchanged)d. "
        "Duplicates: %(duplicate)d."
    ) % {key: totals[key] for key in ("created", "updated", "unchanged", "duplicate")}
    parts = [files, found, outcome]
    if totals["needs_review"]:
        parts.append(
            ngettext(
                "%(count)d document needs review.",
                "%(count)d documents need review.",
                totals["needs_review"],
            )
            % {"count": totals["needs_review"]}
        )
    if totals["files_failed"]:
        parts.append(
            ngettext(
                "%(count)d file could not be imported.",
                "%(count)d files could not be imported.",
                totals["files_failed"],
            )
            % {"count": totals["files_failed"]}
        )
    return " ".join(parts)


@staff_required
@require_POST
def cancel(request, pk):
    batch = _preview_batch(pk)
    failed = batch.status == ImportBatch.Status.FAILED
    cancelled = ImportBatch.objects.filter(pk=pk, status__in=CONFIRMABLE).update(
        status=ImportBatch.Status.CANCELLED
    )
    if cancelled != 1:
        return _already_confirmed(request, batch)
    batch.staged.all().delete()
    if failed:
        messages.info(
            request, _("The import was cancelled; documents saved before it failed stay.")
        )
    else:
        messages.info(request, _("The import was cancelled; nothing was written to the library."))
    return redirect("corpus_import:upload")


@staff_required
@require_safe
def history(request):
    batches = ImportBatch.objects.exclude(status=ImportBatch.Status.PREVIEW).select_related(
        "created_by"
    )
    page = Paginator(batches, 25).get_page(request.GET.get("page"))
    return render(request, "corpus_import/batch_list.html", {"page": page})


@staff_required
@require_safe
def batch_detail(request, pk):
    batch = get_object_or_404(ImportBatch.objects.select_related("created_by"), pk=pk)
    report = batch.report
    documents = [doc for entry in report.get("files", []) for doc in entry.get("documents", [])]
    # Links to the documents the import created or changed, that still exist: one query.
    ids = {doc["document_id"] for doc in documents if doc.get("document_id")}
    urls = {
        pk: reverse("library:document", kwargs={"slug": slug})
        for pk, slug in Document.objects.filter(pk__in=ids).values_list("pk", "slug")
    }
    rows = [{**doc, "url": urls.get(doc.get("document_id"))} for doc in documents]
    return render(
        request,
        "corpus_import/batch_detail.html",
        {"batch": batch, "report": report, "documents": rows},
    )


@staff_required
@require_safe
def review_queue(request):
    documents = Document.objects.needing_review().for_listing().order_by("created_at", "pk")
    page = Paginator(documents, 20).get_page(request.GET.get("page"))
    items = [(doc, ReviewForm(instance=doc, prefix=f"doc{doc.pk}")) for doc in page]
    return render(request, "corpus_import/review_queue.html", {"page": page, "items": items})


@staff_required
@require_POST
def review(request, pk):
    doc = get_object_or_404(Document, pk=pk)
    form = ReviewForm(request.POST, instance=doc, prefix=f"doc{doc.pk}")
    if form.is_valid():
        with transaction.atomic():
            doc = form.save(commit=False)
            doc.published, doc.date_precision = form.cleaned_data["published_text"]
            if form.cleaned_data["clear_review"]:
                doc.needs_review = False
                doc.review_note = ""
            doc.full_clean()
            doc.save()
            document_set_authors(document=doc, names=form.cleaned_data["authors"])
        if request.htmx:
            return render(
                request,
                "corpus_import/review_queue.html#review-item",
                {"doc": doc, "form": None, "saved": True},
            )
        messages.success(request, _("Saved “%(title)s”.") % {"title": doc.title})
        return redirect("corpus_import:review_queue")
    if request.htmx:
        return render(
            request, "corpus_import/review_queue.html#review-item", {"doc": doc, "form": form}
        )
    return render(
        request,
        "corpus_import/review_queue.html",
        {"page": None, "items": [(doc, form)]},
        status=400,
    )
