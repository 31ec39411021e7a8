"""Registers (requests, review cases) and the year-end report draft."""

from django.urls import path  # noqa: F401  (routes are added below by each part)

app_name = "reporting"

urlpatterns: list = [
    # Registers: reporting/views/registers.py
    # Report draft: reporting/views/reports.py
]
