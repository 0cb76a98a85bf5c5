from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from studygroups.library.models import Document


@require_GET
def home(request):
    recent = Document.objects.for_listing().order_by("-created_at")[:6]
    return render(
        request,
        "core/home.html",
        {"recent_documents": recent, "document_count": Document.objects.count()},
    )


@require_GET
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


def trigger_error(request):  # pragma: no cover - development aid for the 500 page
    raise RuntimeError("Deliberate error to preview the 500 page.")
