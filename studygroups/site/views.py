from django.shortcuts import render
from django.views.decorators.http import require_safe

from studygroups.library.models import Document

RECENT_DOCUMENTS = 6


@require_safe
def home(request):
    recent = Document.objects.for_listing().order_by("-created_at")[:RECENT_DOCUMENTS]
    return render(
        request,
        "site/home.html",
        {
            "recent_documents": recent,
            "document_count": Document.objects.count(),
            # The importer is for staff (corpus_import.views checks the same).
            "can_import": request.user.is_active and request.user.is_staff,
        },
    )
