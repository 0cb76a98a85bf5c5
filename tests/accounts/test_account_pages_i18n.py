"""Every account page (allauth) a person meets renders in English and in Spanish with the
site's words (issue #15 item 6, issue #16): sentence case, "E-mail address", "Send the link
again", and no allauth wording left ("Email Address", "Change Password", "Bad Token")."""

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from django.urls import reverse

from studygroups.accounts.adapters import AccountAdapter
from tests.factories import verified_user

pytestmark = pytest.mark.django_db

ALLAUTH_WORDS = ["Email Address", "Change Password", "Set Password", "Bad Token",
                 "Password Reset", "Confirm Access", "Sign Up Closed", "Account Inactive",
                 "Re-send Verification", "Remember Me", "New Password", "Current Password",
                 "Verify Your Email", "Cambiar Contraseña"]  # fmt: skip


def get(client, url, language, **kwargs):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language, **kwargs)
    assert response.status_code == 200, (url, response.status_code)
    body = response.content.decode()
    assert f'<html lang="{language}">' in body
    for words in ALLAUTH_WORDS:
        assert words not in body, (url, words)
    return body


def reset_key_url(client, user, language):
    """The page a password reset e-mail links to (allauth stores the key and redirects)."""
    url = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 302
    return response["Location"]


SIGNED_IN = {
    "account_change_password": {
        "en": ["Change your password", "Current password", "New password (again)"],
        "es": ["Cambia tu contraseña", "Contraseña actual", "Nueva contraseña (otra vez)"],
    },
    "account_email": {
        "en": ["E-mail address", "New e-mail address", "Change e-mail address"],
        "es": ["Dirección de correo", "Nueva dirección de correo", "Cambiar la dirección"],
    },
    "account_logout": {
        "en": ["Are you sure you want to log out?", "Stay logged in"],
        "es": ["¿Seguro que quieres cerrar la sesión?", "Seguir con la sesión iniciada"],
    },
    "account_reauthenticate": {
        "en": ["Confirm it's you", "Password"],
        "es": ["Confirma que eres tú", "Contraseña"],
    },
    "account_reset_password_done": {
        "en": ["Check your e-mail", "Send the link again", "You are already logged in as"],
        "es": ["Mira tu correo", "Enviar el enlace de nuevo", "Ya has iniciado sesión como"],
    },
}
ANONYMOUS = {
    "account_login": {
        "en": ["Log in", "E-mail address", "Remember me", "Create an account"],
        "es": ["Iniciar sesión", "Dirección de correo", "Recordarme", "Crea una cuenta"],
    },
    "account_signup": {
        "en": ["Create your account", "Password (again)"],
        "es": ["Crea tu cuenta", "Contraseña (otra vez)"],
    },
    "account_reset_password": {
        "en": ["Reset your password", "Send the link"],
        "es": ["Restablece tu contraseña", "Enviar el enlace"],
    },
    "account_reset_password_from_key_done": {
        "en": ["Your password is changed", "You can now log in with your new password."],
        "es": ["Tu contraseña está cambiada", "Ya puedes iniciar sesión con tu contraseña"],
    },
    "account_inactive": {
        "en": ["This account is inactive"],
        "es": ["Esta cuenta está desactivada"],
    },
    "account_email_verification_sent": {
        "en": ["Check your e-mail", "We have sent you an e-mail"],
        "es": ["Mira tu correo", "Te hemos enviado un correo"],
    },
}


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("name", sorted(SIGNED_IN))
def test_signed_in_account_pages(client, user, name, language):
    client.force_login(user)
    body = get(client, reverse(name), language)
    for words in SIGNED_IN[name][language]:
        assert words in body, (name, words)


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("name", sorted(ANONYMOUS))
def test_anonymous_account_pages(client, name, language):
    body = get(client, reverse(name), language)
    for words in ANONYMOUS[name][language]:
        assert words in body, (name, words)


@pytest.mark.parametrize(
    ("language", "words"),
    [("en", ["Choose a password", "Save the password"]), ("es", ["Elige una contraseña"])],
)
def test_set_password_page(client, user, language, words):
    user.set_unusable_password()
    user.save()
    client.force_login(user)
    body = get(client, reverse("account_set_password"), language)
    for w in words:
        assert w in body


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ["Choose a new password", "New password (again)", "Cancel"]),
        ("es", ["Elige una contraseña nueva", "Nueva contraseña (otra vez)", "Cancelar"]),
    ],
)
def test_reset_from_key_page(client, user, language, words):
    body = get(client, reset_key_url(client, user, language), language)
    for w in words:
        assert w in body


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ["This link does not work any more", "Ask for a new link"]),
        ("es", ["Este enlace ya no funciona", "Pide un enlace nuevo"]),
    ],
)
def test_reset_from_a_spent_key(client, user, language, words):
    url = reverse("account_reset_password_from_key", kwargs={"uidb36": "zz", "key": "bad-key"})
    body = get(client, url, language)
    for w in words:
        assert w in body


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ["Confirm your e-mail address", "is your e-mail address.", ">Confirm<"]),
        ("es", ["Confirma tu dirección de correo", "es tu dirección de correo.", ">Confirmar<"]),
    ],
)
def test_e_mail_confirmation_page(client, unverified_user, language, words):
    address = EmailAddress.objects.create(
        user=unverified_user, email=unverified_user.email, verified=False, primary=True
    )
    key = EmailConfirmationHMAC(address).key
    body = get(client, reverse("account_confirm_email", args=[key]), language)
    for w in words:
        assert w in body


@pytest.mark.parametrize(
    ("language", "words"),
    [("en", ["Ask for a new one"]), ("es", ["Pide uno nuevo"])],
)
def test_e_mail_confirmation_with_a_bad_key(client, language, words):
    body = get(client, reverse("account_confirm_email", args=["nonsense"]), language)
    for w in words:
        assert w in body


@pytest.mark.parametrize(
    ("language", "words"),
    [("en", ["Sign-up is closed"]), ("es", ["El registro está cerrado"])],
)
def test_signup_closed_page(client, monkeypatch, language, words):
    monkeypatch.setattr(AccountAdapter, "is_open_for_signup", lambda self, request: False)
    body = get(client, reverse("account_signup"), language)
    for w in words:
        assert w in body


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ["This address is not confirmed yet", "Send the link again"]),
        ("es", ["Esta dirección aún no está confirmada", "Enviar el enlace de nuevo"]),
    ],
)
def test_e_mail_page_with_a_pending_change(client, user, language, words):
    EmailAddress.objects.create(user=user, email="new@example.org", verified=False)
    client.force_login(user)
    body = get(client, reverse("account_email"), language)
    for w in words:
        assert w in body


def test_allauth_messages_and_errors_in_the_sites_words(client, password):
    verified_user(email="lucia@example.org")
    response = client.post(
        reverse("account_login"),
        {"login": "lucia@example.org", "password": "wrong"},
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert "La dirección de correo o la contraseña no son correctas." in response.content.decode()
    response = client.post(
        reverse("account_login"),
        {"login": "lucia@example.org", "password": password},
        HTTP_ACCEPT_LANGUAGE="es",
        follow=True,
    )
    assert "Has iniciado sesión." in response.content.decode()
    response = client.post(reverse("account_logout"), HTTP_ACCEPT_LANGUAGE="es", follow=True)
    assert "Has cerrado la sesión." in response.content.decode()


def test_allauth_e_mails_have_a_translated_subject(client, user, mailoutbox):
    client.post(reverse("account_reset_password"), {"email": user.email}, HTTP_ACCEPT_LANGUAGE="es")
    assert mailoutbox[0].subject.startswith("[Grupos de estudio] ")


def test_django_and_allauth_speak_in_the_sites_voice(client):
    """Our catalog overrides their Spanish where it says "usted" (studygroups/accounts/voice.py)."""
    login = get(client, reverse("account_login"), "es")
    assert "¿Has olvidado tu contraseña?" in login
    signup = get(client, reverse("account_signup"), "es")
    assert "Tu contraseña no puede parecerse demasiado a tus otros datos personales." in signup
    assert "Tu contraseña tiene que tener al menos 8 caracteres." in signup
    for page in (login, signup):
        assert "Su contraseña" not in page and "¿Ha olvidado" not in page
    response = client.post(
        reverse("account_signup"),
        {"email": "nueva@example.org", "password1": "frase-larga-1", "password2": "otra-cosa-2"},
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert "Tienes que escribir la misma contraseña las dos veces." in response.content.decode()


@pytest.mark.parametrize(
    ("language", "subject", "words"),
    [
        ("en", "[Study groups] Choose a new password", "To choose a new one, open this link:"),
        ("es", "[Grupos de estudio] Elige una contraseña nueva", "Para elegir una nueva"),
    ],
)
def test_allauth_e_mails_in_the_sites_words(client, user, mailoutbox, language, subject, words):
    client.post(
        reverse("account_reset_password"), {"email": user.email}, HTTP_ACCEPT_LANGUAGE=language
    )
    (mail,) = mailoutbox
    assert mail.subject == subject
    assert words in mail.body and "/accounts/password/reset/key/" in mail.body
    assert "example.com" not in mail.body


def test_the_confirmation_e_mail_in_spanish(client, mailoutbox):
    client.post(
        reverse("account_signup"),
        {"email": "nueva@example.org", "password1": "frase-larga-1", "password2": "frase-larga-1"},
        HTTP_ACCEPT_LANGUAGE="es",
    )
    (mail,) = mailoutbox
    assert mail.subject == "[Grupos de estudio] Confirma tu dirección de correo"
    assert "Para confirmarla, abre este enlace:" in mail.body
    assert "/accounts/confirm-email/" in mail.body
