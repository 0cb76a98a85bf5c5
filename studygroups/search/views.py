from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from studygroups.library.models import Document

from .forms import DocumentSearchForm, SearchForm
from .selectors import KINDS, search, search_in_document


def _page_number(value) -> int:
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return 1


@require_safe
@vary_on_headers("HX-Request")
def search_page(request):
    form = SearchForm(request.GET or None, user=request.user)
    results = None
    if form.is_bound:
        form.is_valid()
        data = form.valid_data()
        if data.get("q"):
            results = search(
                user=request.user,
                text=data["q"],
                filters=form.filters(),
                kind=data.get("kind") or "",
                page=_page_number(request.GET.get("page")),
            )
    query = request.GET.copy()
    for name in ("page", "kind"):
        query.pop(name, None)
    context = {
        "form": form,
        "results": results,
        "q": form.valid_data().get("q", "") if form.is_bound else "",
        "kinds": KINDS,
        "querystring": query.urlencode(),
    }
    template = "search/search.html"
    if request.htmx and not request.htmx.boosted:
        template += "#htmx-response"
    return render(request, template, context)


@require_safe
@vary_on_headers("HX-Request")
def document_search(request, slug):
    document = get_object_or_404(Document, slug=slug)
    form = DocumentSearchForm(request.GET or None)
    q = form.cleaned_data["q"] if form.is_bound and form.is_valid() else ""
    hits = search_in_document(document=document, text=q) if q else []
    context = {"document": document, "form": form, "q": q, "hits": hits}
    template = "search/document_search.html"
    if request.htmx and not request.htmx.boosted:
        template += "#hits"
    return render(request, template, context)
