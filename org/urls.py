from django.urls import path

from . import views

app_name = "org"
urlpatterns = [
    path("settings/", views.department_settings, name="department_settings"),
    path("import/", views.organisation_import, name="organisation_import"),
    path(
        "import/template.xlsx",
        views.organisation_import_template,
        name="organisation_import_template",
    ),
]
