from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language as django_set_language

from .forms import ProfileForm


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        # The new choice applies from this very response (the message below included);
        # "follow my browser" keeps the cookie and Accept-Language choice.
        if user.language:
            translation.activate(user.language)
        messages.success(request, _("Your profile is saved."))
        response = redirect("account_profile")
        if user.language:
            _set_language_cookie(response, user.language)
        return response
    return render(request, "accounts/profile.html", {"form": form})


def _set_language_cookie(response, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


@require_POST
def set_language(request):
    """The language switcher (a plain form, no JavaScript): Django's set_language sets the
    cookie and goes back to `next`; a signed-in member's choice is also saved on their
    profile, so it follows them to other browsers and to their e-mails."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    supported = {code for code, _name in settings.LANGUAGES}
    user = request.user
    if language in supported and user.is_authenticated and user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return response
