"""The one rule for "this request wants a piece of the page, not the page".

htmx asks for a fragment with HX-Request, except when it navigates (a boosted link) or
restores history after a cache miss: both of those need the whole page.
"""

from django.shortcuts import render


def wants_partial(request) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render_page(request, template: str, context: dict, *, partial: str, status: int = 200):
    """Render `template`, or only its `{% partialdef partial %}` when htmx asked for it."""
    name = f"{template}#{partial}" if wants_partial(request) else template
    return render(request, name, context, status=status)
