"""Settings for the servers the benchmarks start: production's (DEBUG off, the whole
middleware stack), served over plain HTTP on loopback, static files from the apps'
folders (no collectstatic), e-mail kept in memory."""

import os

os.environ.setdefault("SECRET_KEY", "bench-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("EMAIL_URL", "locmem://")
os.environ.setdefault("SITE_URL", "http://127.0.0.1")
os.environ.setdefault("LOG_LEVEL", "WARNING")

from studygroups.settings.prod import *  # noqa: E402,F403

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
