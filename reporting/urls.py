"""Registers (requests, review cases) and the year-end report draft."""

from django.urls import path

from .views import dashboard, registers, reports

app_name = "reporting"

urlpatterns: list = [
    # Registers: reporting/views/registers.py
    path("requests/", registers.request_list, name="request_list"),
    path("requests/new/", registers.request_create, name="request_create"),
    path("requests/import/", registers.request_import, name="request_import"),
    path("requests/export/", registers.request_export, name="request_export"),
    path("requests/<int:pk>/", registers.request_detail, name="request_detail"),
    path("requests/<int:pk>/edit/", registers.request_update, name="request_update"),
    path("review-cases/", registers.reviewcase_list, name="reviewcase_list"),
    path("review-cases/new/", registers.reviewcase_create, name="reviewcase_create"),
    path("review-cases/<int:pk>/edit/", registers.reviewcase_update, name="reviewcase_update"),
    # Report draft: reporting/views/reports.py
    path("reports/", reports.report_list, name="report_list"),
    path("reports/<int:pk>/", reports.report_detail, name="report_detail"),
    path("reports/<int:pk>/status/", reports.report_status, name="report_status"),
    path("reports/<int:pk>/generate/", reports.report_generate, name="report_generate"),
    path("reports/<int:pk>/cells/", reports.report_cell, name="report_cell"),
    path("reports/<int:pk>/options/", reports.report_options, name="report_options"),
    path("reports/<int:pk>/topics/", reports.report_topics, name="report_topics"),
    path("reports/<int:pk>/final/", reports.report_final, name="report_final"),
    path("reports/<int:pk>/export/<str:fmt>/", reports.report_export, name="report_export"),
    path("reports/sections/<int:pk>/", reports.report_section, name="report_section"),
    path("reports/versions/<int:pk>/", reports.report_version, name="report_version"),
    # Dashboard and progress brief: reporting/views/dashboard.py
    path("dashboard/", dashboard.dashboard_view, name="dashboard"),
    path("brief/", dashboard.brief_view, name="brief"),
    path("brief/docx/", dashboard.brief_docx_view, name="brief_docx"),
]
