"""The naive baselines of the list and detail pages: the Django admin over the same models and
filters, written the straightforward way (what a row shows is looked up row by row, no
select_related or prefetching), 25 rows a page as the app's lists. Served at /bench-admin/
by ``config.settings.bench`` only."""

from django.contrib import admin

from tasks.models import Assignment, ProgressUpdate, Task

site = admin.AdminSite(name="bench_admin")


def _names(task: Task, role: str) -> str:
    return "、".join(a.unit.name for a in task.assignments.filter(role=role))


@admin.register(Task, site=site)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["text", "lead_units", "support_units", "due_date", "progress", "plan"]
    list_filter = ["plan"]
    list_per_page = 25
    ordering = ["due_date", "pk"]

    @admin.display(description="lead units")
    def lead_units(self, task: Task) -> str:
        return _names(task, Assignment.Role.LEAD)

    @admin.display(description="co-operating units")
    def support_units(self, task: Task) -> str:
        return _names(task, Assignment.Role.SUPPORT)

    @admin.display(description="progress")
    def progress(self, task: Task) -> str:
        done = task.assignments.filter(status=Assignment.Status.COMPLETED).count()
        return f"{done}/{task.assignments.count()}"


class UpdateInline(admin.TabularInline):
    model = ProgressUpdate
    fields = ["created_at", "author", "status", "percent", "text"]
    readonly_fields = ["created_at", "author", "status", "percent", "text"]
    extra = 0


@admin.register(Assignment, site=site)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["task", "unit", "role", "due", "status", "plan"]
    list_filter = ["unit"]
    list_per_page = 25
    ordering = ["task__due_date", "pk"]
    fields = ["task", "unit", "role", "status"]
    readonly_fields = ["task", "unit", "role", "status"]
    inlines = [UpdateInline]

    @admin.display(description="deadline")
    def due(self, assignment: Assignment):
        return assignment.task.due_date

    @admin.display(description="plan")
    def plan(self, assignment: Assignment):
        return assignment.task.plan
