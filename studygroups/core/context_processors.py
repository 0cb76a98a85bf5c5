from django.utils.translation import gettext_lazy

from .site_url import site_url


def site(request):
    return {"SITE_NAME": gettext_lazy("Study groups"), "SITE_URL": site_url(request)}
