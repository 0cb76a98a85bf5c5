import zoneinfo

from django.conf import settings
from django.utils import timezone, translation

_SUPPORTED = {code for code, _name in settings.LANGUAGES}


class UserTimezoneMiddleware:
    """Shows every time in the signed-in person's own time zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        name = getattr(user, "time_zone", None) if user and user.is_authenticated else None
        if name:
            try:
                timezone.activate(zoneinfo.ZoneInfo(name))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)


class MemberLanguageMiddleware:
    """A signed-in member's own choice of language (profile) wins over the browser's.

    LocaleMiddleware, earlier in the chain, has already chosen from the language cookie and
    Accept-Language (else LANGUAGE_CODE); this only overrides it for a member who chose.
    LocaleMiddleware's response step then sends the Content-Language of what was used.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            language = getattr(user, "language", "")
            if language in _SUPPORTED:
                translation.activate(language)
                request.LANGUAGE_CODE = language
        return self.get_response(request)
