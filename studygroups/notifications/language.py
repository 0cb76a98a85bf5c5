"""Which language a message to one person is written in.

Order: the member's own choice (profile), else the group's language (for mail and feeds
about a group), else the site default. A browser's Accept-Language only applies to pages
(LocaleMiddleware); e-mails and feeds have no browser to ask.

    with recipient_language(user, group):
        subject = render_to_string(...)
"""

from __future__ import annotations

from contextlib import AbstractContextManager

from django.conf import settings
from django.utils import translation

_SUPPORTED = {code for code, _name in settings.LANGUAGES}


def language_for(user=None, group=None) -> str:
    for candidate in (getattr(user, "language", ""), getattr(group, "language", "")):
        if candidate and candidate in _SUPPORTED:
            return candidate
    return settings.LANGUAGE_CODE


def recipient_language(user=None, group=None) -> AbstractContextManager:
    """Render inside this to write to `user` (about `group`) in their language."""
    return translation.override(language_for(user, group))
