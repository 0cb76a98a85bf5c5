"""Every view that answers GET answers HEAD too (uptime checks and link checkers use HEAD):
the URLconf is walked, each route filled with placeholder arguments, and asked both ways."""

import re
import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

PLACEHOLDERS = {"int": "1", "slug": "x", "str": "x", "path": "x", "uuid": str(uuid.uuid4())}


def routes(patterns=None, prefix=""):
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = str(entry.pattern)
        if route.startswith("^") or route.startswith("admin/"):
            continue  # Django admin and regex routes are not ours
        if isinstance(entry, URLResolver):
            yield from routes(entry.url_patterns, prefix + route)
        elif isinstance(entry, URLPattern):
            yield prefix + route


def fill(route: str) -> str:
    return "/" + re.sub(
        r"<(?:(\w+):)?\w+>", lambda m: PLACEHOLDERS.get(m.group(1) or "str", "x"), route
    )


@pytest.mark.parametrize("signed_in", [False, True])
def test_every_get_view_answers_head(client, staff_user, signed_in):
    if signed_in:
        client.force_login(staff_user)
    urls = sorted({fill(route) for route in routes()})
    assert len(urls) > 30
    refused = []
    for url in urls:
        if "logout" in url:
            continue
        get = client.get(url)
        if get.status_code == 405:
            continue  # a POST-only endpoint
        head = client.head(url)
        if head.status_code == 405:
            refused.append(url)
    assert not refused, f"HEAD answered 405 where GET works: {refused}"
