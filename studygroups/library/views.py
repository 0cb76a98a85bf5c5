from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from .forms import LibraryFilterForm, language_name
from .models import Document, DocumentAuthor
from .reading import assigned_range, document_parts

PAGE_SIZE = 20


@require_GET
@vary_on_headers("HX-Request")
def document_list(request):
    form = LibraryFilterForm(request.GET or None)
    if form.is_bound:
        form.is_valid()
    documents = form.filter(Document.objects.for_listing())
    page = Paginator(documents, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "documents": page.object_list,
        "querystring": query.urlencode(),
        "filtered": any(v for k, v in request.GET.items() if k not in {"page", "sort"}),
    }
    template = "library/document_list.html"
    if request.htmx and not request.htmx.boosted:
        template += "#results"
    return render(request, template, context)


@require_GET
def document_detail(request, slug):
    document = get_object_or_404(
        Document.objects.prefetch_related(
            "topics",
            "sources",
        ),
        slug=slug,
    )
    authors = [
        link.author
        for link in DocumentAuthor.objects.filter(document=document).select_related("author")
    ]
    parts = document_parts(document)
    assigned = assigned_range(parts, request.GET.get("from", ""), request.GET.get("to", ""))
    if assigned.error:
        messages.warning(request, assigned.error)
    return render(
        request,
        "library/document_detail.html",
        {
            "document": document,
            "authors": authors,
            "parts": parts,
            "sections": [p.section for p in parts if p.section],
            "language_name": language_name(document.language),
            "assigned": assigned,
            "highlight": assigned.anchors,
        },
    )
