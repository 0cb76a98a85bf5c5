from django.contrib import messages
from django.shortcuts import render
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from studygroups.core.htmx import render_page

from . import selectors


@require_safe
@vary_on_headers("HX-Request")
def document_list(request):
    page = selectors.document_list_page(request.GET)
    return render_page(request, "library/document_list.html", page.as_context(), partial="results")


@require_safe
def document_detail(request, slug):
    page = selectors.library_reader(
        slug, start=request.GET.get("from", ""), end=request.GET.get("to", "")
    )
    if page.assigned.error:
        messages.warning(request, page.assigned.error)
    return render(request, "library/document_detail.html", page.as_context())
