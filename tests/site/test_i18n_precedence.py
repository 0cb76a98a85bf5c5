"""Which language a page speaks (issue #16): the member's own choice (profile), else the
browser's (the language cookie set by the switcher, else Accept-Language), else the site
default. The switcher is a plain form that works without JavaScript and saves a member's
choice."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

COOKIE = settings.LANGUAGE_COOKIE_NAME


def page_language(response) -> str:
    match = re.search(r'<html lang="([^"]+)"', response.content.decode())
    assert match, "no lang on <html>"
    return match.group(1)


def login_page(client, **headers):
    return client.get(reverse("account_login"), **headers)


def test_the_site_default_is_english(client):
    response = login_page(client)
    assert page_language(response) == "en"
    assert response["Content-Language"] == "en"
    assert "Log in" in response.content.decode()


def test_the_browser_chooses_when_nobody_else_did(client):
    response = login_page(client, HTTP_ACCEPT_LANGUAGE="es-ES,es;q=0.9,en;q=0.5")
    assert page_language(response) == "es"
    assert response["Content-Language"] == "es"
    assert "Iniciar sesión" in response.content.decode()


def test_an_unsupported_browser_language_falls_back_to_the_default(client):
    assert page_language(login_page(client, HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")) == "en"


def test_the_language_cookie_beats_accept_language(client):
    client.cookies[COOKIE] = "es"
    assert page_language(login_page(client, HTTP_ACCEPT_LANGUAGE="en")) == "es"


@pytest.mark.parametrize(
    ("choice", "cookie", "accept", "expected"),
    [
        ("es", None, "en", "es"),  # the member's choice beats the browser
        ("es", "en", "en", "es"),  # ... and the cookie
        ("en", "es", "es", "en"),  # an English choice holds against a Spanish browser
        ("", None, "es", "es"),  # no choice: the browser decides
        ("", "es", "en", "es"),  # no choice: the cookie decides
        ("", None, "", "en"),  # nobody chose: the site default
    ],
)
def test_member_then_browser_then_default(client, user, choice, cookie, accept, expected):
    user.language = choice
    user.save(update_fields=["language"])
    client.force_login(user)
    if cookie:
        client.cookies[COOKIE] = cookie
    headers = {"HTTP_ACCEPT_LANGUAGE": accept} if accept else {}
    for name in ["account_profile", "notifications:settings", "account_email"]:
        response = client.get(reverse(name), **headers)
        assert response.status_code == 200, name
        assert page_language(response) == expected, name
        assert response["Content-Language"] == expected


def test_a_member_choice_reaches_htmx_fragments_and_messages(client, user):
    user.language = "es"
    user.save(update_fields=["language"])
    client.force_login(user)
    response = client.post(
        reverse("notifications:settings"),
        {
            "session_reminders": "on",
            "reminder_lead_hours": 48,
            "session_changes": "on",
            "discussion_email": "daily",
            "report_email": "off",
        },
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "Tus ajustes de correo están guardados." in response.content.decode()


# ---------- the switcher ---------------------------------------------------------------


def test_every_page_has_a_labelled_switcher_that_needs_no_javascript(client):
    body = login_page(client).content.decode()
    form = re.search(r'<form class="language-switcher[^"]*"[^>]*>(.*?)</form>', body, re.S)
    assert form, "no language switcher"
    opening = form.group(0)[: form.group(0).index(">") + 1]
    assert 'method="post"' in opening and f'action="{reverse("set_language")}"' in opening
    inner = form.group(1)
    assert 'name="csrfmiddlewaretoken"' in inner
    assert '<label for="language-switcher">Language</label>' in inner
    assert '<select id="language-switcher" name="language">' in inner
    # Each language named in itself, marked with its own language for screen readers.
    assert '<option value="es" lang="es">Español</option>' in inner
    assert '<option value="en" lang="en" selected>English</option>' in inner
    assert '<button type="submit"' in inner


def test_the_switcher_sets_the_cookie_and_goes_back(client):
    response = client.post(reverse("set_language"), {"language": "es", "next": "/library/"})
    assert response.status_code == 302
    assert response["Location"] == "/library/"
    assert response.cookies[COOKIE].value == "es"
    assert page_language(login_page(client)) == "es"


def test_the_switcher_refuses_to_send_people_elsewhere(client):
    response = client.post(
        reverse("set_language"), {"language": "es", "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


def test_the_switcher_saves_a_members_choice(client, user):
    client.force_login(user)
    response = client.post(reverse("set_language"), {"language": "es", "next": "/"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == "es"
    # Another browser, without the cookie, speaks Spanish to them too.
    client.cookies.pop(COOKIE)
    assert page_language(client.get(reverse("account_profile"), HTTP_ACCEPT_LANGUAGE="en")) == "es"
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    user.refresh_from_db()
    assert user.language == "en"


def test_the_switcher_ignores_an_unknown_language(client, user):
    client.force_login(user)
    response = client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == ""
    assert COOKIE not in response.cookies


def test_the_switcher_is_post_only(client):
    assert client.get(reverse("set_language")).status_code == 405


def test_the_switcher_needs_the_csrf_token(user):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    assert strict.post(reverse("set_language"), {"language": "es"}).status_code == 403
    user.refresh_from_db()
    assert user.language == ""


# ---------- the profile ------------------------------------------------------------------


def test_the_profile_offers_the_language(user_client, user):
    body = user_client.get(reverse("account_profile")).content.decode()
    assert '<label for="id_language">Language' in body
    assert '<option value="" selected>Follow my browser</option>' in body
    assert '<option value="es">Español</option>' in body


def test_choosing_spanish_on_the_profile_answers_in_spanish(user_client, user):
    response = user_client.post(
        reverse("account_profile"),
        {"display_name": "Rosa", "time_zone": "Europe/Madrid", "language": "es"},
        follow=True,
    )
    user.refresh_from_db()
    assert user.language == "es"
    body = response.content.decode()
    assert page_language(response) == "es"
    assert "Tu perfil está guardado." in body


def test_following_the_browser_again(user_client, user):
    user.language = "es"
    user.save(update_fields=["language"])
    user_client.post(
        reverse("account_profile"), {"display_name": "Rosa", "time_zone": "UTC", "language": ""}
    )
    user.refresh_from_db()
    assert user.language == ""
    response = user_client.get(reverse("account_profile"), HTTP_ACCEPT_LANGUAGE="en")
    assert page_language(response) == "en"


def test_the_profile_refuses_an_unknown_language(user_client, user):
    response = user_client.post(
        reverse("account_profile"), {"display_name": "Rosa", "time_zone": "UTC", "language": "xx"}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


# ---------- the JavaScript catalog --------------------------------------------------------


def test_the_javascript_catalog_is_loaded_before_the_other_scripts(client):
    body = login_page(client).content.decode()
    scripts = re.findall(r'<script src="([^"]+)"', body)
    assert scripts[0] == reverse("javascript-catalog")
    assert len(scripts) > 2


def test_the_javascript_catalog_speaks_the_members_language(client, user):
    assert "Copiar" not in client.get(reverse("javascript-catalog")).content.decode()
    user.language = "es"
    user.save(update_fields=["language"])
    client.force_login(user)
    body = client.get(reverse("javascript-catalog"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '"Copy": "Copiar"' in body
    assert '"Updated.": "Actualizado."' in body
