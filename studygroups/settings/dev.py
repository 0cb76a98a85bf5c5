"""Local development: DEBUG on, console e-mail, optional e-mail verification."""

import os

os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("ACCOUNT_EMAIL_VERIFICATION", "optional")

from .base import *  # noqa: E402,F403

ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http"
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# Rendered fragments are not kept while developing: an edited template shows at once.
CACHES = {**CACHES, "fragments": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}  # noqa: F405
