"""Settings shared by every environment, driven by environment variables.

dev.py, test.py and prod.py are thin layers over this module; the README lists every
variable read here.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG:
        SECRET_KEY = "dev-insecure-key-only-for-local-development-0123456789abcdef"  # noqa: S105
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable to a long random "
            "string (python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or set DEBUG=1 for local development."
        )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Empty in development: links then follow the address the site is served on (core/site_url.py).
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "django_htmx",
    "template_partials",
    "rules.apps.AutodiscoverRulesConfig",
    "studygroups.core",
    "studygroups.accounts",
    "studygroups.library",
    "studygroups.curricula",
    "studygroups.groups",
    "studygroups.discussions",
    "studygroups.moderation",
    "studygroups.notifications",
    "studygroups.site",
    "studygroups.search",
    "corpus_import",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Browser's Accept-Language / the language cookie; a member's own choice wins
    # (studygroups.accounts.middleware.MemberLanguageMiddleware, after authentication).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "studygroups.accounts.middleware.MemberLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "studygroups.core.middleware.SecurityHeadersMiddleware",
    "studygroups.core.site_url.SiteURLMiddleware",
    "studygroups.accounts.middleware.UserTimezoneMiddleware",
    # Turns django-ratelimit's refusal into RATELIMIT_VIEW's 429 page.
    "django_ratelimit.middleware.RatelimitMiddleware",
]

ROOT_URLCONF = "studygroups.urls"
WSGI_APPLICATION = "studygroups.wsgi.application"
ASGI_APPLICATION = "studygroups.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "studygroups.core.context_processors.site",
                "studygroups.discussions.context_processors.notifications",
            ],
            # {% partialdef %} everywhere without {% load partials %} (CONVENTIONS.md).
            "builtins": ["template_partials.templatetags.partials"],
        },
    }
]


def database_from_env() -> dict:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        url = f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
    # Connections are kept between requests (and checked before reuse): opening a
    # SQLite file per request (its schema read, four PRAGMAs) cost more than a small
    # page; /healthz under gunicorn went from ~200 to ~700 req/s.
    config = dj_database_url.parse(
        url, conn_max_age=600 if url.startswith("sqlite") else 60, conn_health_checks=True
    )
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers proceed while one writer writes; IMMEDIATE takes the write lock
        # at BEGIN so two writers queue (busy timeout) instead of failing on upgrade.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL;"
                "PRAGMA synchronous=NORMAL;"
                "PRAGMA foreign_keys=ON;"
                "PRAGMA busy_timeout=20000;"
            ),
        }
    elif config["ENGINE"] == "django.db.backends.postgresql":
        # No JIT: it compiles short queries whose estimates cross jit_above_cost (a
        # member's search at 1M posts spent 49 ms of 120 compiling; see BENCHMARKS.md).
        options = config.setdefault("OPTIONS", {})
        options["options"] = (options.get("options", "") + " -c jit=off").strip()
        # Prepared statements for the few that `core.prepared.fetch` runs (Django's own
        # statements are never prepared: their cursors bind values client-side). Off
        # with PREPARED_STATEMENTS=0, e.g. behind a pooler in transaction mode.
        if os.environ.get("PREPARED_STATEMENTS", "1") != "0":
            options.setdefault("prepare_threshold", 2**31 - 1)
    return config


DATABASES = {"default": database_from_env()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "groups:dashboard"

SITE_ID = 1

# django-allauth
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = os.environ.get("ACCOUNT_EMAIL_VERIFICATION", "mandatory")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if not DEBUG else "http"
ACCOUNT_ADAPTER = "studygroups.accounts.adapters.AccountAdapter"
ACCOUNT_FORMS = {
    name: f"studygroups.accounts.forms.{cls}"
    for name, cls in {
        "login": "LoginForm",
        "signup": "SignupForm",
        "add_email": "AddEmailForm",
        "reset_password": "ResetPasswordForm",
        "change_password": "ChangePasswordForm",
        "set_password": "SetPasswordForm",
        "reset_password_from_key": "ResetPasswordKeyForm",
        "reauthenticate": "ReauthenticateForm",
    }.items()
}
# Lazy, so each e-mail's subject gets the prefix in its recipient's language (senders
# render inside notifications.language.recipient_language); allauth's go through
# AccountAdapter.format_email_subject.
ACCOUNT_EMAIL_SUBJECT_PREFIX = gettext_lazy("[Study groups] ")
# allauth's own limits (it answers 429 with templates/429.html).
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "login": "30/m/ip",
    "signup": "20/m/ip,5/m/key",
    "reset_password": "20/m/ip,5/m/key",
}

# The site's own limits (django-ratelimit, counted in the default cache), per user.
# Generous for people, tight for scripts. Hitting one answers 429 with a plain message.
# After one e-mail about a followed discussion, its next posts wait this long and then go
# together (studygroups.discussions.emails); replies and mentions are never held.
DISCUSSION_EMAIL_QUIET_MINUTES = int(os.environ.get("DISCUSSION_EMAIL_QUIET_MINUTES", "10"))

RATELIMIT_ENABLE = os.environ.get("RATELIMIT_ENABLE", "1") == "1"
RATELIMIT_VIEW = "studygroups.moderation.views.rate_limited"
RATE_LIMITS = {
    "post": os.environ.get("RATE_LIMIT_POST", "20/5m"),
    "report": os.environ.get("RATE_LIMIT_REPORT", "10/h"),
    "invitation": os.environ.get("RATE_LIMIT_INVITATION", "30/h"),
    "join": os.environ.get("RATE_LIMIT_JOIN", "10/h"),
}

# English is the source language; every interface string is also in the Spanish catalog
# (locale/es/LC_MESSAGES/django.po, compiled by `make messages-compile`).
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["studygroups.formats"]  # named date formats: studygroups/formats/*/formats.py
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


def email_from_env() -> dict:
    """EMAIL_URL: console:// (default), smtp://user:pass@host:port, smtp+tls://, smtp+ssl://."""
    from urllib.parse import unquote, urlsplit

    url = os.environ.get("EMAIL_URL", "console://")
    parts = urlsplit(url)
    if parts.scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parts.scheme == "locmem":
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if parts.scheme in {"smtp", "smtp+tls", "smtp+ssl"}:
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": parts.hostname or "localhost",
            "EMAIL_PORT": parts.port or (465 if parts.scheme == "smtp+ssl" else 25),
            "EMAIL_HOST_USER": unquote(parts.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
            "EMAIL_USE_TLS": parts.scheme == "smtp+tls",
            "EMAIL_USE_SSL": parts.scheme == "smtp+ssl",
        }
    raise ImproperlyConfigured(
        f"EMAIL_URL scheme {parts.scheme!r} is not supported; use console://, "
        "smtp://, smtp+tls:// or smtp+ssl://."
    )


globals().update(email_from_env())
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Study groups <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Messages ride in a signed cookie (falling back to the session when too long), so
# showing "Your post is up." writes no session row on the POST or on the page after it.
MESSAGE_STORAGE = "django.contrib.messages.storage.fallback.FallbackStorage"

# Content-Security-Policy: no inline script anywhere; styles from our own files only.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'self'; object-src 'none'"
)

# The importer refuses single files larger than this (bytes).
IMPORT_MAX_FILE_BYTES = int(os.environ.get("IMPORT_MAX_FILE_BYTES", 20 * 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Caches. "default" is per process (rate limits, allauth). "fragments" holds rendered
# parts of pages (the library list, the reader's text, a member's dashboard): per process
# too, which is right because every key carries a data version read from the database on
# each request (studygroups/core/versions.py), so all processes agree on what is current.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "fragments",
        "TIMEOUT": 24 * 3600,
        "OPTIONS": {"MAX_ENTRIES": 500},
    },
}
# A fragment longer than this (a whole long text) is rendered each time instead: with
# MAX_ENTRIES, a process holds at most about 500 x 512 KB of fragments.
FRAGMENT_MAX_CHARS = 512 * 1024

# Data versions (studygroups/core/versions.py): name -> {table: the row writes that give
# it a new number}. "library" is everything the library list and reader show. New
# paragraphs are left out (the importer inserts them by the hundred thousand; a row
# trigger added 2-12 µs to each, a third or more of a raw SQLite insert): they come with
# a new or changed document row in the same transaction, and the reader's key also
# carries the document's newest paragraph id and paragraph count.
DATA_VERSIONS = {
    "library": {
        **dict.fromkeys(
            (
                "library_document",
                "library_author",
                "library_documentauthor",
                "library_topic",
                "library_document_topics",
                "library_documentsource",
                "library_section",
                "library_note",
                "library_blockalias",
            ),
            ("insert", "update", "delete"),
        ),
        "library_block": ("update", "delete"),
    },
    # What the dashboard shows besides documents: groups, sessions and their readings,
    # RSVPs, attendance, reading progress, activity, invitations, series, open reports.
    "groups": dict.fromkeys(
        (
            "groups_group",
            "groups_membership",
            "groups_session",
            "groups_session_units",
            "groups_sessionreading",
            "groups_readingprogress",
            "groups_rsvp",
            "groups_attendance",
            "groups_groupactivity",
            "groups_invitation",
            "curricula_curriculum",
            "curricula_curriculum_owners",
            "curricula_unit",
            "curricula_reading",
            "curricula_discussionquestion",
            "moderation_report",
        ),
        ("insert", "update", "delete"),
    ),
}

# Reading time is estimated at this many words per minute.
READING_WORDS_PER_MINUTE = 230

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
