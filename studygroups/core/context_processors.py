from .site_url import site_url


def site(request):
    return {"SITE_NAME": "Study groups", "SITE_URL": site_url(request)}
