"""The site's absolute address, for links that leave the page (e-mail, calendar feeds).

Production sets SITE_URL (required: `manage.py check --deploy` says so). Without it, in
development, links follow the address the site is being served on: the current request's
(set by SiteURLMiddleware for everything that runs while a request is answered), else
HOST and PORT from the environment (`make run` passes them), else 127.0.0.1:8000.
"""

import os
from contextvars import ContextVar

from django.conf import settings
from django.core.checks import Error, register

_request_site_url: ContextVar[str] = ContextVar("request_site_url", default="")


def site_url(request=None) -> str:
    """The scheme and host (no trailing slash) that absolute links start with."""
    if settings.SITE_URL:
        return settings.SITE_URL.rstrip("/")
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    current = _request_site_url.get()
    if current:
        return current
    host = os.environ.get("HOST") or "127.0.0.1"
    port = os.environ.get("PORT") or "8000"
    return f"http://{host}:{port}"


def absolute_url(path: str) -> str:
    """A site path (`/groups/x/`) as an absolute link."""
    return site_url() + path


class SiteURLMiddleware:
    """Remembers the served address for the length of a request, so e-mail and feed links
    built deep in a service follow it when SITE_URL is not set."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SITE_URL:
            return self.get_response(request)
        token = _request_site_url.set(request.build_absolute_uri("/").rstrip("/"))
        try:
            return self.get_response(request)
        finally:
            _request_site_url.reset(token)


@register(deploy=True)
def check_site_url(app_configs, **kwargs):
    if settings.SITE_URL:
        return []
    return [
        Error(
            "SITE_URL is not set.",
            hint="Set SITE_URL to the site's public address (https://reading.example.org): "
            "e-mail and calendar links are built from it.",
            id="core.E001",
        )
    ]
