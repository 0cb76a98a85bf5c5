"""Moderation's routes, mounted under /discussions/ next to the things they act on (see
studygroups/urls.py: included before the discussions' routes, whose
`<group>/<document>/` would otherwise take `<group>/moderation/`)."""

from django.urls import path

from studygroups.discussions.urls import IdConverter  # noqa: F401  (registers the converter)

from . import views

app_name = "moderation"

doc = "<slug:group_slug>/<slug:document_slug>/"
post = doc + "posts/<discussions_id:post_id>/"

urlpatterns = [
    path("moderation/staff/", views.staff_queue, name="staff_queue"),
    path("moderation/notices/", views.notices, name="notices"),
    path("<slug:group_slug>/moderation/", views.queue, name="queue"),
    path("<slug:group_slug>/moderation/log/", views.log, name="log"),
    path(
        "<slug:group_slug>/moderation/actions/<discussions_id:action_id>/appeal/",
        views.appeal,
        name="appeal",
    ),
    path(
        "<slug:group_slug>/moderation/appeals/<discussions_id:appeal_id>/",
        views.appeal_decide,
        name="appeal_decide",
    ),
    path(
        "<slug:group_slug>/moderation/reports/<discussions_id:report_id>/resolve/",
        views.report_resolve,
        name="report_resolve",
    ),
    path(
        "<slug:group_slug>/moderation/members/<discussions_id:user_id>/",
        views.member_tools,
        name="member",
    ),
    path(
        "<slug:group_slug>/moderation/members/<discussions_id:user_id>/<slug:action>/",
        views.member_action,
        name="member_action",
    ),
    path(doc + "moderate/", views.discussion_tools, name="discussion_tools"),
    path(doc + "lock/", views.discussion_lock, name="lock"),
    path(doc + "slow-mode/", views.discussion_slow_mode, name="slow_mode"),
    path(post + "moderate/", views.post_tools, name="post_tools"),
    path(post + "pin/", views.post_pin, name="post_pin"),
    path(post + "approve/", views.post_approve, name="post_approve"),
    path(post + "hide/", views.post_hide, name="post_hide"),
    path(post + "unhide/", views.post_unhide, name="post_unhide"),
    path(post + "remove/", views.post_remove, name="post_remove"),
    path(post + "report/", views.post_report, name="post_report"),
]
