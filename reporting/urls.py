"""The year-end report draft, the dashboard and the progress brief."""

from django.urls import path

from .views import dashboard, entry, reports, rollup

app_name = "reporting"

urlpatterns: list = [
    # Report draft: reporting/views/reports.py
    path("reports/", reports.report_list, name="report_list"),
    path("reports/<int:pk>/", reports.report_detail, name="report_detail"),
    path("reports/<int:pk>/status/", reports.report_status, name="report_status"),
    path("reports/<int:pk>/generate/", reports.report_generate, name="report_generate"),
    path("reports/<int:pk>/cells/", reports.report_cell, name="report_cell"),
    path("reports/<int:pk>/front/", reports.report_front, name="report_front"),
    path("reports/<int:pk>/options/", reports.report_options, name="report_options"),
    path("reports/<int:pk>/topics/", reports.report_topics, name="report_topics"),
    path("reports/<int:pk>/final/", reports.report_final, name="report_final"),
    path("reports/<int:pk>/export/<str:fmt>/", reports.report_export, name="report_export"),
    path("reports/<int:pk>/tables/", entry.report_table_entry, name="report_table_entry"),
    path("reports/<int:pk>/previous/", entry.report_previous, name="report_previous"),
    path("reports/sections/<int:pk>/", reports.report_section, name="report_section"),
    path("reports/versions/<int:pk>/", reports.report_version, name="report_version"),
    # The region's report: reporting/views/rollup.py
    path("rollup/", rollup.rollup_view, name="rollup"),
    path("rollup/remind/", rollup.rollup_remind, name="rollup_remind"),
    path("rollup/generate/", rollup.rollup_generate, name="rollup_generate"),
    # Dashboard and progress brief: reporting/views/dashboard.py
    path("dashboard/", dashboard.dashboard_view, name="dashboard"),
    path("brief/", dashboard.brief_view, name="brief"),
    path("brief/docx/", dashboard.brief_docx_view, name="brief_docx"),
]
