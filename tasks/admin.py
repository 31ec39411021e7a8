from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.models import CalendarDay, CalendarYear

from .models import Assignment, Task


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    # Assignments change through the app, which keeps permissions in step.
    fields = ["unit", "role", "status"]
    readonly_fields = ["unit", "role", "status"]


@admin.register(Task)
class TaskAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "plan", "due_date", "deadline_kind"]
    list_filter = ["plan", "deadline_kind"]
    search_fields = ["text", "title"]
    inlines = [AssignmentInline]


@admin.register(Assignment)
class AssignmentAdmin(SimpleHistoryAdmin):
    list_display = ["task", "unit", "role", "status", "updated_at"]
    list_filter = ["status", "role", "unit"]
    readonly_fields = ["task", "unit"]


@admin.register(CalendarDay)
class CalendarDayAdmin(SimpleHistoryAdmin):
    """National days (no department) are entered here by administrators, e.g. next year's
    holidays once the State Council publishes them; each department's office sets its own days
    on the calendar page."""

    list_display = ["date", "name", "is_workday", "department"]
    list_filter = ["department", "is_workday"]
    date_hierarchy = "date"


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ["year", "source"]
