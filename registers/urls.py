"""The registers: disclosure requests and review cases."""

from django.urls import path

from . import views

app_name = "registers"

urlpatterns = [
    path("requests/", views.request_list, name="request_list"),
    path("requests/new/", views.request_create, name="request_create"),
    path("requests/import/", views.request_import, name="request_import"),
    path("requests/export/", views.request_export, name="request_export"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/edit/", views.request_update, name="request_update"),
    path("review-cases/", views.reviewcase_list, name="reviewcase_list"),
    path("review-cases/import/", views.reviewcase_import, name="reviewcase_import"),
    path("review-cases/new/", views.reviewcase_create, name="reviewcase_create"),
    path("review-cases/<int:pk>/edit/", views.reviewcase_update, name="reviewcase_update"),
]
