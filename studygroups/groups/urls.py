from django.urls import path

from studygroups.notifications import views as notification_views

from . import views

app_name = "groups"

urlpatterns = [
    path("", views.group_list, name="list"),
    path("new/", views.group_create, name="create"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("settings/", views.settings_view, name="settings"),
    path("settings/calendar/reset/", views.feed_reset, name="feed_reset"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="feed"),
    # Links in e-mails already sent: the one unsubscribe view reads their old tokens.
    path("unsubscribe/<str:token>/", notification_views.unsubscribe, name="unsubscribe"),
    path("invitations/<str:token>/", views.invitation_detail, name="invitation"),
    path("<slug:slug>/", views.group_detail, name="detail"),
    path("<slug:slug>/edit/", views.group_edit, name="edit"),
    path("<slug:slug>/join/", views.group_join, name="join"),
    path("<slug:slug>/leave/", views.group_leave, name="leave"),
    path("<slug:slug>/progress-privacy/", views.group_progress_privacy, name="progress_privacy"),
    path("<slug:slug>/members/", views.member_list, name="members"),
    path("<slug:slug>/members/<int:membership_id>/", views.member_action, name="member_action"),
    path("<slug:slug>/invitations/", views.invitation_list, name="invitations"),
    path(
        "<slug:slug>/invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("<slug:slug>/sessions/new/", views.session_create, name="session_create"),
    path("<slug:slug>/sessions/schedule/", views.session_schedule, name="schedule"),
    path("<slug:slug>/sessions/<int:session_id>/", views.session_detail, name="session"),
    path("<slug:slug>/sessions/<int:session_id>/edit/", views.session_edit, name="session_edit"),
    path(
        "<slug:slug>/sessions/<int:session_id>/cancel/",
        views.session_cancel,
        name="session_cancel",
    ),
    path("<slug:slug>/sessions/<int:session_id>/held/", views.session_held, name="session_held"),
    path("<slug:slug>/sessions/<int:session_id>/rsvp/", views.session_rsvp, name="session_rsvp"),
    path(
        "<slug:slug>/sessions/<int:session_id>/minutes/",
        views.session_minutes,
        name="session_minutes",
    ),
    path(
        "<slug:slug>/sessions/<int:session_id>/progress/",
        views.session_progress,
        name="session_progress",
    ),
    path(
        "<slug:slug>/sessions/<int:session_id>/attendance/",
        views.session_attendance,
        name="session_attendance",
    ),
    path(
        "<slug:slug>/sessions/<int:session_id>/readings/",
        views.session_add_reading,
        name="session_add_reading",
    ),
    path(
        "<slug:slug>/sessions/<int:session_id>/readings/search/",
        views.session_reading_search,
        name="session_reading_search",
    ),
    path(
        "<slug:slug>/sessions/<int:session_id>/readings/choose/",
        views.session_reading_choose,
        name="session_reading_choose",
    ),
    path(
        "<slug:slug>/sessions/<int:session_id>/readings/<int:reading_id>/remove/",
        views.session_remove_reading,
        name="session_remove_reading",
    ),
    path(
        "<slug:slug>/sessions/<int:session_id>/calendar.ics",
        views.session_ics,
        name="session_ics",
    ),
]
