from django.urls import path

from . import views

app_name = "corpus_import"

urlpatterns = [
    path("", views.upload, name="upload"),
    path("batches/", views.history, name="history"),
    path("batches/<int:pk>/", views.batch_detail, name="batch"),
    path("batches/<int:pk>/preview/", views.preview, name="preview"),
    path("batches/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("batches/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("review/", views.review_queue, name="review_queue"),
    path("review/<int:pk>/", views.review, name="review"),
]
