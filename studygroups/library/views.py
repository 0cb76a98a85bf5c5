from django.contrib import messages
from django.http import Http404
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
    context = page.as_context() | {"can_see_history": request.user.is_staff}
    return render(request, "library/document_detail.html", context)


@require_safe
def document_history(request, slug):
    """Staff only: each revision of the text and what it did to paragraphs and
    discussions. Others get the same 404 as for a missing document."""
    if not request.user.is_staff:
        raise Http404("No such document.")
    return render(request, "library/document_history.html", selectors.document_history(slug))
