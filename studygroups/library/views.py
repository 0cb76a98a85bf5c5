from django.contrib import messages
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from studygroups.core import fragments, versions
from studygroups.core.htmx import render_page

from . import selectors


@require_safe
@vary_on_headers("HX-Request")
def document_list(request):
    # The filters and results are cached (templates/library/document_list.html) under
    # the library's data version, the viewer's staff flag (the "needs review" badges)
    # and every parameter; the queries behind them run only when one is rendered.
    version = versions.current(selectors.LIBRARY_VERSION)
    params = sorted(request.GET.lists())
    context = fragments.lazy_fields(
        lambda: selectors.document_list_page(request.GET),
        ["form", "page", "documents", "querystring", "filtered"],
    )
    context["fragment_key"] = (
        fragments.key("library-list", version, request.user.is_staff, params)
        if version is not None
        else None
    )
    return render_page(request, "library/document_list.html", context, partial="results")


@require_safe
def document_detail(request, slug):
    stamp = selectors.document_stamp(slug)
    start, end = request.GET.get("from", ""), request.GET.get("to", "")
    can_see_history = request.user.is_staff
    # The title block and the text are cached (templates/library/document_detail.html)
    # under the document's stamp, the viewer's staff flag and the reading range.
    key = (
        fragments.key("library-reader", stamp, can_see_history, start, end)
        if stamp.library_version is not None
        else None
    )
    context = fragments.lazy_fields(
        lambda: selectors.library_reader(slug, start=start, end=end),
        ["document", "authors", "parts", "sections", "notes", "language_name", "assigned"]
        + ["highlight"],
    )
    error = fragments.get_or_build(
        key and f"{key}:error", lambda: str(context["assigned"].error or "")
    )
    if error:
        messages.warning(request, error)
    context |= {"can_see_history": can_see_history, "fragment_key": key}
    return render(request, "library/document_detail.html", context)


@require_safe
def document_history(request, slug):
    """Staff only: each revision of the text and what it did to paragraphs and
    discussions. Others get the same 404 as for a missing document."""
    if not request.user.is_staff:
        raise Http404("No such document.")
    return render(request, "library/document_history.html", selectors.document_history(slug))
