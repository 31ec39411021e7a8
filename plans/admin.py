from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Heading, Plan


@admin.register(Plan)
class PlanAdmin(SimpleHistoryAdmin):
    list_display = ["title", "year", "number", "department", "status"]
    list_filter = ["department", "year", "status"]
    search_fields = ["title", "number"]


@admin.register(Heading)
class HeadingAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "plan", "parent", "position"]
    list_filter = ["plan"]
