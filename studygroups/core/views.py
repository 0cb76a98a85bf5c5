from django.db import connection
from django.http import HttpResponse
from django.views.decorators.http import require_safe


@require_safe
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


def trigger_error(request):  # pragma: no cover - development aid for the 500 page
    raise RuntimeError("Deliberate error to preview the 500 page.")
