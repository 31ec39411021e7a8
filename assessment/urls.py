"""The assessment (绩效考评): the units of a department, and the departments below a superior."""

from django.urls import path

from . import views
from .catalogue import Scope

app_name = "assessment"

UNITS, DEPARTMENTS = {"scope": Scope.UNITS}, {"scope": Scope.DEPARTMENTS}
urlpatterns = [
    path("units/", views.ranking, UNITS, name="unit_ranking"),
    path("units/export.xlsx", views.ranking_export, {**UNITS, "fmt": "xlsx"}, name="unit_xlsx"),
    path("units/export.docx", views.ranking_export, {**UNITS, "fmt": "docx"}, name="unit_docx"),
    path("units/scheme/", views.scheme_edit, UNITS, name="unit_scheme"),
    path("units/<int:pk>/", views.unit_breakdown, name="unit_breakdown"),
    path("departments/", views.ranking, DEPARTMENTS, name="department_ranking"),
    path(
        "departments/export.xlsx",
        views.ranking_export,
        {**DEPARTMENTS, "fmt": "xlsx"},
        name="department_xlsx",
    ),
    path(
        "departments/export.docx",
        views.ranking_export,
        {**DEPARTMENTS, "fmt": "docx"},
        name="department_docx",
    ),
    path("departments/scheme/", views.scheme_edit, DEPARTMENTS, name="department_scheme"),
    path("departments/<int:pk>/", views.department_breakdown, name="department_breakdown"),
]
