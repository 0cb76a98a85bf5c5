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
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from studygroups.library.models import Document
from studygroups.library.services import document_set_authors

from .data import FileInput
from .forms import CorrectionForm, ReviewForm, UploadForm
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


def _preview_batch(pk) -> ImportBatch:
    return get_object_or_404(ImportBatch, pk=pk, status__in=CONFIRMABLE)


def _preview_documents(report: dict, data=None) -> list[dict]:
    """The report's files with a correction form on each document (bound to `data` for
    the documents it has fields for). A copy: the stored report is not touched."""
    files = []
    for f_index, entry in enumerate(report.get("files", [])):
        docs = []
        for doc in entry.get("documents", []):
            prefix = f"f{f_index}-d{doc['index']}"
            initial = {
                "title": doc["title"],
                "authors": ", ".join(doc["authors"]),
                "published": doc["published"] or "",
            }
            bound = data is not None and f"{prefix}-title" in data
            form = CorrectionForm(data if bound else None, prefix=prefix, initial=initial)
            docs.append({**doc, "form": form})
        files.append({**entry, "documents": docs})
    return files


def _render_preview(request, batch: ImportBatch, files: list[dict], status: int = 200):
    return render(
        request,
        "corpus_import/import_preview.html",
        {"batch": batch, "report": batch.report, "files": files},
        status=status,
    )


@staff_required
@require_safe
def preview(request, pk):
    batch = _preview_batch(pk)
    return _render_preview(request, batch, _preview_documents(batch.report))


def _corrections(files: list[dict]) -> dict[tuple[str, int], Correction]:
    corrections = {}
    for entry in files:
        for doc in entry["documents"]:
            form = doc["form"]
            if not form.is_bound:
                continue
            data = form.cleaned_data
            fix = Correction()
            if data["title"] and data["title"] != doc["title"]:
                fix.title = data["title"]
            if data["authors"] != doc["authors"]:
                fix.authors = data["authors"]
            if data["published"] != (doc["published"] or ""):
                fix.published = data["published"]
            corrections[(entry["file"], doc["index"])] = fix
    return corrections


def _already_confirmed(request, batch: ImportBatch):
    messages.info(request, "This import was already confirmed.")
    return redirect("corpus_import:batch", pk=batch.pk)


@staff_required
@require_POST
def confirm(request, pk):
    batch = get_object_or_404(ImportBatch, pk=pk)
    if batch.status not in CONFIRMABLE:
        return _already_confirmed(request, batch)
    preview_report = batch.report
    files = _preview_documents(preview_report, request.POST)
    forms_ok = [
        doc["form"].is_valid() for e in files for doc in e["documents"] if doc["form"].is_bound
    ]
    if not all(forms_ok):
        messages.error(request, "Some corrections need fixing; nothing was imported yet.")
        return _render_preview(request, batch, files, status=400)
    corrections = _corrections(files)
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
        error = f"The import stopped before the end ({exc})."
        ImportBatch.objects.filter(pk=pk).update(
            status=ImportBatch.Status.FAILED,
            report={**preview_report, "error": error},
            finished_at=timezone.now(),
        )
        messages.error(
            request,
            f"{error} The import failed; the uploaded files are kept, so you can confirm "
            "again (documents already saved are not duplicated) or cancel.",
        )
        return redirect("corpus_import:preview", pk=pk)
    level = messages.SUCCESS if result.ok else messages.WARNING
    messages.add_message(request, level, result.lines[-1])
    return redirect("corpus_import:batch", pk=batch.pk)


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
        messages.info(request, "The import was cancelled; documents saved before it failed stay.")
    else:
        messages.info(request, "The import was cancelled; nothing was written to the library.")
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
    return render(
        request, "corpus_import/batch_detail.html", {"batch": batch, "report": batch.report}
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
        messages.success(request, f"Saved “{doc.title}”.")
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
