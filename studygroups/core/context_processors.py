from django.contrib.staticfiles.storage import staticfiles_storage
from django.utils.translation import gettext_lazy

from . import fragments
from .site_url import site_url


def site(request):
    return {
        "SITE_NAME": gettext_lazy("Study groups"),
        "SITE_URL": site_url(request),
        # The key of base.html's parts that are the same on every page in a language: the
        # language and time zone (fragments.key), and the static files' manifest, whose
        # hashed names change with a deployment.
        "chrome_key": fragments.key("chrome", getattr(staticfiles_storage, "manifest_hash", "")),
    }
