import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, env_extra=None):
    skip = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "DEBUG", "SECRET_KEY"}
    env = {k: v for k, v in os.environ.items() if k not in skip}
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_extra={
            "DJANGO_SETTINGS_MODULE": "studygroups.settings.prod",
            "SECRET_KEY": "x" * 30 + "a-long-random-production-secret-key-value",
            "ALLOWED_HOSTS": "studygroups.example.org",
            "SITE_URL": "https://studygroups.example.org",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_missing_secret_key_gives_a_clear_error():
    env = {"DJANGO_SETTINGS_MODULE": "studygroups.settings.prod", "SECRET_KEY": ""}
    result = run_manage("check", env_extra=env)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


@pytest.mark.django_db
def test_security_headers_forbid_inline_script(client):
    response = client.get(reverse("home"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp


@pytest.mark.django_db
def test_htmx_is_served_locally(client):
    body = client.get(reverse("home")).content.decode()
    assert "htmx" in body
    assert "unpkg" not in body and "cdn" not in body.lower()


@pytest.mark.django_db
def test_health_check(client):
    assert client.get(reverse("healthz")).content == b"ok"


@pytest.mark.django_db
def test_404_uses_site_design(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "<nav" in body and "Traceback" not in body


def test_500_page_is_friendly_without_traceback(client):
    from django.urls import path

    def boom(request):
        raise RuntimeError("secret internal detail")

    urlconf = type("urls", (), {"urlpatterns": [path("boom/", boom)]})
    client.raise_request_exception = False
    with override_settings(ROOT_URLCONF=urlconf, DEBUG=False):
        response = client.get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "secret internal detail" not in body and "Traceback" not in body
    assert "wrong" in body.lower()


def test_sqlite_connection_uses_wal_and_immediate_transactions(db):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite-specific")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 20000
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
