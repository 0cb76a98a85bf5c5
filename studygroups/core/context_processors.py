from django.conf import settings


def site(request):
    return {"SITE_NAME": "Study groups", "SITE_URL": settings.SITE_URL}
