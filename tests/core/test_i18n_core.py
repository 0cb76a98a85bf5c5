"""The shared helpers speak the member's language: validators' messages, the site name,
the rate-limit page; the health check stays plain English for machines."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from studygroups.core.context_processors import site
from studygroups.core.validators import validate_plain_name


def test_the_name_validator_explains_in_spanish():
    with translation.override("es"), pytest.raises(ValidationError) as error:
        validate_plain_name("Rosa\u202e")
    (message,) = error.value.messages
    assert message.startswith("Un nombre tiene que ser una sola línea de texto visible")
    assert "(U+202E)" in message


def test_the_site_name_follows_the_language(rf):
    context = site(rf.get("/"))
    with translation.override("es"):
        assert str(context["SITE_NAME"]) == "Grupos de estudio"
    with translation.override("en"):
        assert str(context["SITE_NAME"]) == "Study groups"


@pytest.mark.django_db
def test_the_health_check_is_for_machines(client):
    response = client.get(reverse("healthz"), HTTP_ACCEPT_LANGUAGE="es")
    assert response.content == b"ok"


def test_the_rate_limit_page_in_spanish(rf):
    from django.contrib.auth.models import AnonymousUser
    from django.template.loader import render_to_string

    request = rf.get("/")
    request.user = AnonymousUser()
    with translation.override("es"):
        html = render_to_string("429.html", {}, request=request)
    assert "Demasiadas solicitudes" in html
    assert "Has hecho eso muchas veces en poco tiempo." in html
    assert '<html lang="es">' in html


def test_the_e_mail_subject_prefix_follows_the_recipient():
    from types import SimpleNamespace

    from django.conf import settings

    from studygroups.notifications.language import recipient_language

    with recipient_language(SimpleNamespace(language="es")):
        assert f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}Hola" == "[Grupos de estudio] Hola"
    with recipient_language(SimpleNamespace(language=""), SimpleNamespace(language="")):
        assert f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}Hi" == "[Study groups] Hi"
