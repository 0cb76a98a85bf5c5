"""/healthz answers 200 only when a page can be served: database, templates, and (with
production's manifest storage) the collected static files base.html links to."""

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

MANIFEST = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}


@pytest.fixture
def manifest_storage(tmp_path, settings):
    # Changing these settings resets the staticfiles storage (Django's storages_changed).
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = MANIFEST
    return tmp_path


@pytest.mark.django_db
def test_ok_in_development(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200 and response.content == b"ok"
    assert client.head(reverse("healthz")).status_code == 200


@pytest.mark.django_db
def test_503_with_the_reason_when_collectstatic_was_not_run(client, manifest_storage):
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    body = response.content.decode()
    assert "css/base.css" in body and "run collectstatic" in body


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_ok_after_collectstatic(client, manifest_storage):
    call_command("collectstatic", interactive=False, verbosity=0)
    response = client.get(reverse("healthz"))
    assert response.status_code == 200, response.content


@pytest.mark.django_db
def test_503_when_the_database_is_unreachable(client, monkeypatch):
    from django.db import OperationalError
    from django.db.backends.utils import CursorWrapper

    def refuse(self, sql, params=None):
        raise OperationalError("unable to open database file")

    monkeypatch.setattr(CursorWrapper, "execute", refuse)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert b"database unreachable" in response.content
