from django.urls import path, register_converter

from studygroups.notifications import views as notification_views

from . import session_views, views

app_name = "discussions"


class IdConverter:
    """A database id: digits that fit a 64-bit integer. Anything longer is simply not
    found (404) instead of overflowing in the database driver (500)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(int(value))


register_converter(IdConverter, "discussions_id")

doc = "<slug:group_slug>/<slug:document_slug>/"
post = doc + "posts/<discussions_id:post_id>/"

urlpatterns = [
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read_all, name="notifications_read_all"),
    path(
        "notifications/<discussions_id:notification_id>/read/",
        views.notification_read,
        name="notification_read",
    ),
    path("notifications/settings/", views.notification_settings, name="notification_settings"),
    # Links in e-mails already sent: the one unsubscribe view reads their old tokens.
    path("unsubscribe/<str:token>/", notification_views.unsubscribe, name="unsubscribe"),
    path("<slug:group_slug>/", views.group_index, name="group"),
    path("<slug:group_slug>/members/<discussions_id:user_id>/", views.member, name="member"),
    path(
        "<slug:group_slug>/sessions/<discussions_id:session_id>/prep/",
        session_views.session_prep,
        name="session_prep",
    ),
    path(
        "<slug:group_slug>/sessions/<discussions_id:session_id>/catch-up/",
        session_views.session_catch_up,
        name="session_catch_up",
    ),
    path(doc, views.document, name="document"),
    path(doc + "p/<str:anchor>/", views.paragraph, name="paragraph"),
    path(doc + "posts/", views.post_create, name="post_create"),
    path(doc + "follow/", views.follow, name="follow"),
    path(doc + "export.md", views.export_markdown, name="export_markdown"),
    path(doc + "export.json", views.export_json, name="export_json"),
    path(doc + "annotations.jsonld", views.export_annotations, name="export_annotations"),
    path(post, views.post_detail, name="post"),
    path(post + "thread/", views.thread, name="thread"),
    path(post + "reply/", views.post_reply, name="post_reply"),
    path(post + "edit/", views.post_edit, name="post_edit"),
    path(post + "delete/", views.post_delete, name="post_delete"),
    path(post + "history/", views.post_history, name="post_history"),
    path(post + "reattach/", views.post_reattach, name="post_reattach"),
]
