"""Caching rendered parts of pages, safely.

A fragment's key names everything it is rendered from: a data version read from the
database on this request (core.versions), the viewer's standing that changes it (staff
or not), the request's parameters, and, always added here, the interface language and
time zone. The cache is the "fragments" alias (per process: the version in the key is
what keeps every process right). Nothing private to one member may be put in a fragment
whose key does not name that member.

    key = fragments.key("library-list", version, request.user.is_staff, params)
    {% load fragments %}{% fragment "results" fragment_key %}…{% endfragment %}

A key of None means "do not cache" (no version yet): the fragment is rendered each time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from functools import partial
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.functional import SimpleLazyObject

ALIAS = "fragments"


# Stands for the CSRF token in a cached fragment ({% fragment %} puts each request's own
# back). Derived from SECRET_KEY: the same in every process, and no one can write it into
# content to have a viewer's token put there.
def placeholder(name: str) -> str:
    """What stands for a value of each request's own (`name`) in a cached fragment.
    Derived from SECRET_KEY: the same in every process, and no one can write it into
    content to have a viewer's value put there."""
    return f"{name}:" + salted_hmac("core.fragments", f"{name} placeholder").hexdigest()


CSRF_PLACEHOLDER = placeholder("csrf")


def cache():
    return caches[ALIAS]


def key(*parts: Any) -> str:
    """A cache key from `parts` (their repr), the active language and time zone."""
    text = repr((parts, translation.get_language(), timezone.get_current_timezone_name()))
    return "frag:" + hashlib.sha256(text.encode()).hexdigest()


def get_or_build(
    fragment_key: str | None,
    build: Callable[[], Any],
    keep: Callable[[Any], bool] | None = None,
) -> Any:
    """The cached value under `fragment_key`, else `build()` (kept when the key is not
    None, when `keep(value)` says so, and, for text, when it is not longer than
    settings.FRAGMENT_MAX_CHARS: the cache counts entries, not bytes, so one enormous
    text must not hold a process's memory)."""
    if fragment_key is None:
        return build()
    missing = object()
    value = cache().get(fragment_key, missing)
    if value is missing:
        value = build()
        small = not isinstance(value, str) or len(value) <= settings.FRAGMENT_MAX_CHARS
        if small and (keep is None or keep(value)):
            cache().set(fragment_key, value)
    return value


def lazy_fields(build: Callable[[], Any], names: Iterable[str]) -> dict[str, Any]:
    """A template context of `names`, each a key or attribute of what `build()` returns,
    built once and only when a template reads one: a page whose fragments are all cached
    reads none, and runs none of the queries behind them."""
    built: list = []

    def field(name: str) -> Any:
        if not built:
            built.append(build())
        whole = built[0]
        return whole[name] if isinstance(whole, Mapping) else getattr(whole, name)

    return {name: SimpleLazyObject(partial(field, name)) for name in names}
