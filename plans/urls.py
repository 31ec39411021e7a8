from django.urls import path

from . import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("new/", views.plan_create, name="plan_create"),
    path("<int:pk>/edit/", views.plan_update, name="plan_update"),
    path("<int:pk>/status/", views.plan_status, name="plan_status"),
    path("<int:pk>/delete/", views.plan_delete, name="plan_delete"),
    path("<int:pk>/headings/new/", views.heading_create, name="heading_create"),
]
