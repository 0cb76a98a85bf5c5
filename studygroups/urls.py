from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from studygroups.accounts import views as account_views
from studygroups.core import views as core_views
from studygroups.site import views as site_views

urlpatterns = [
    path("", site_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    # The language switcher: Django's set_language, which also saves a member's choice.
    path("i18n/setlang/", account_views.set_language, name="set_language"),
    # Strings for static/js (the djangojs catalog), loaded by base.html before other scripts.
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("accounts/", include("studygroups.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("library/", include("studygroups.library.urls")),
    path("series/", include("studygroups.curricula.urls")),
    path("groups/", include("studygroups.groups.urls")),
    # Moderation first: the discussions' `<group>/<document>/` would take `<group>/moderation/`.
    path("discussions/", include("studygroups.moderation.urls")),
    path("discussions/", include("studygroups.discussions.urls")),
    path("notifications/", include("studygroups.notifications.urls")),
    path("import/", include("corpus_import.urls")),
    path("search/", include("studygroups.search.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    urlpatterns += [path("__error__/500", core_views.trigger_error)]
