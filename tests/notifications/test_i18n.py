"""The e-mail settings and unsubscribe pages in Spanish (issue #16): labels, choices and
the sentences built around the kind of e-mail, whole and in the reader's language."""

import pytest
from django.urls import reverse

from studygroups.notifications.tokens import unsubscribe_token

pytestmark = pytest.mark.django_db


def test_settings_page_in_spanish(user_client):
    body = user_client.get(reverse("notifications:settings"), HTTP_ACCEPT_LANGUAGE="es")
    html = body.content.decode()
    assert '<html lang="es">' in html
    for words in [
        "<h1>Ajustes de correo</h1>",
        "Enviarme un recordatorio por correo antes de cada sesión",
        "2 días antes",
        "Una vez al día, en un resumen",
        "Nunca: ya miraré la página de moderación",
        "Guardar los ajustes de correo",
    ]:
        assert words in html, words


def test_unsubscribe_page_in_spanish(client, user):
    url = reverse(
        "notifications:unsubscribe", args=[unsubscribe_token(kind="reminders", user=user)]
    )
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert (
        f"¿Dejar de enviar recordatorios antes de las sesiones a <strong>{user.email}</strong>?"
        in html
    )
    assert "Dejar de enviar todos los correos" in html
    done = client.post(url, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert (
        f"Hecho. <strong>{user.email}</strong> ya no recibirá recordatorios antes de las sesiones."
        in done
    )


def test_an_invalid_unsubscribe_link_in_spanish(client):
    url = reverse("notifications:unsubscribe", args=["damaged"])
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 400
    assert "Este enlace para darse de baja no es válido." in response.content.decode()
