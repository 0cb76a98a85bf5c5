from django.urls import path

from . import views

app_name = "curricula"

unit = "<slug:slug>/units/<int:unit_id>/"

urlpatterns = [
    path("", views.curriculum_list, name="list"),
    path("new/", views.curriculum_create, name="create"),
    path("from-documents/", views.curriculum_from_documents, name="from_documents"),
    path("<slug:slug>/", views.curriculum_detail, name="detail"),
    path("<slug:slug>/edit/", views.curriculum_edit, name="edit"),
    path("<slug:slug>/fork/", views.curriculum_fork, name="fork"),
    path("<slug:slug>/units/add/", views.unit_add, name="unit_add"),
    path(unit, views.unit_detail, name="unit"),
    path(unit + "packet/", views.unit_packet, name="packet"),
    path(unit + "edit/", views.unit_edit, name="unit_edit"),
    path(unit + "rename/", views.unit_rename, name="unit_rename"),
    path(unit + "move/", views.unit_move, name="unit_move"),
    path(unit + "remove/", views.unit_remove, name="unit_remove"),
    path(unit + "readings/search/", views.reading_search, name="reading_search"),
    path(unit + "readings/add/", views.reading_add, name="reading_add"),
    path(unit + "readings/time/", views.reading_time, name="reading_time"),
    path(unit + "readings/<int:reading_id>/", views.reading_update, name="reading_update"),
    path(unit + "readings/<int:reading_id>/move/", views.reading_move, name="reading_move"),
    path(unit + "readings/<int:reading_id>/remove/", views.reading_remove, name="reading_remove"),
    path(
        unit + "readings/<int:reading_id>/checked/", views.reading_checked, name="reading_checked"
    ),
    path(unit + "questions/add/", views.question_add, name="question_add"),
    path(unit + "questions/<int:question_id>/", views.question_edit, name="question_edit"),
    path(unit + "questions/<int:question_id>/move/", views.question_move, name="question_move"),
    path(
        unit + "questions/<int:question_id>/remove/", views.question_remove, name="question_remove"
    ),
]
