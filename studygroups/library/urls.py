from django.urls import path

from . import views

app_name = "library"

urlpatterns = [
    path("", views.document_list, name="list"),
    path("<slug:slug>/", views.document_detail, name="document"),
    path("<slug:slug>/history/", views.document_history, name="document_history"),
]
