from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.template.loader import get_template
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

# What every page needs: the layout template and the static files base.html links to.
PAGE_STATIC = ("css/base.css", "css/reader.css", "img/logo.svg")


def health_problems() -> list[str]:
    """Why a page would fail right now, in plain words; empty when all is well."""
    problems = []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        problems.append(f"database unreachable ({error.__class__.__name__})")
    try:
        get_template("base.html")
    except (TemplateDoesNotExist, TemplateSyntaxError) as error:
        problems.append(f"templates cannot load ({error.__class__.__name__})")
    if isinstance(staticfiles_storage, ManifestFilesMixin):
        # Production links to the collected, hashed copies: they must be there.
        for name in PAGE_STATIC:
            try:
                stored = staticfiles_storage.stored_name(name)
            except ValueError:
                problems.append(f"static file {name} is not in the manifest: run collectstatic")
                continue
            if not staticfiles_storage.exists(stored):
                problems.append(f"static file {stored} is missing: run collectstatic")
    return problems


@require_safe
@never_cache
def healthz(request):
    problems = health_problems()
    if problems:
        return HttpResponse(
            "unavailable: " + "; ".join(problems), status=503, content_type="text/plain"
        )
    return HttpResponse("ok", content_type="text/plain")


def trigger_error(request):  # pragma: no cover - development aid for the 500 page
    raise RuntimeError("Deliberate error to preview the 500 page.")
