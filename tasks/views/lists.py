from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.generic import ListView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from org.models import Unit
from org.permissions import is_office
from plans.permissions import visible_plans
from tasks import permissions, queries, xlsx_export
from tasks.filters import AssignmentFilter, TaskFilter
from tasks.models import Assignment
from tasks.tables import AssignmentTable, TaskTable

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class TaskListView(LoginRequiredMixin, SingleTableMixin, FilterView):
    """The office's and leaders' list of every task; ``?_export=xlsx`` gives the filtered list,
    every page of it, as the 任务分解表."""

    table_class = TaskTable
    filterset_class = TaskFilter
    template_name = "tasks/task_list.html"
    table_pagination = {"per_page": 25}

    def render_to_response(self, context, **response_kwargs):
        if self.request.GET.get("_export") != "xlsx":
            return super().render_to_response(context, **response_kwargs)
        workbook = xlsx_export.breakdown_workbook(
            queries.breakdown(self.object_list),
            exported_at=timezone.localtime(),
            filters=self.filterset.form.applied(),
        )
        response = HttpResponse(workbook, content_type=XLSX)
        # RFC 6266's filename*=: browsers do not read a MIME-encoded Chinese file name.
        response["Content-Disposition"] = content_disposition_header(True, "任务分解表.xlsx")
        return response

    def get_queryset(self):
        if not permissions.sees_all_tasks(self.request.user):
            raise PermissionDenied
        return queries.task_rows(permissions.visible_tasks(self.request.user))

    def get_filterset_kwargs(self, filterset_class):
        user = self.request.user
        units = (
            Unit.objects.all()
            if user.department_id is None
            else Unit.objects.filter(department=user.department_id)
        )
        return {
            **super().get_filterset_kwargs(filterset_class),
            "plans": visible_plans(user),
            "units": units,
        }


class AssignmentListView(LoginRequiredMixin, SingleTableMixin, FilterView):
    """A unit's own work: its assignments, nearest deadline first."""

    table_class = AssignmentTable
    filterset_class = AssignmentFilter
    template_name = "tasks/assignment_list.html"
    table_pagination = {"per_page": 25}

    def get_queryset(self):
        user = self.request.user
        mine = permissions.visible_assignments(user)
        if user.unit_id:
            mine = mine.filter(unit=user.unit_id)
        return queries.assignment_rows(mine)

    def get_filterset_kwargs(self, filterset_class):
        return {
            **super().get_filterset_kwargs(filterset_class),
            "plans": visible_plans(self.request.user),
        }


task_list = TaskListView.as_view()


assignment_list = AssignmentListView.as_view()


class ReviewQueueView(LoginRequiredMixin, SingleTableMixin, ListView):
    """Submissions waiting for the office, oldest first."""

    table_class = AssignmentTable
    template_name = "tasks/review_queue.html"
    table_pagination = {"per_page": 50}

    def get_queryset(self):
        user = self.request.user
        if not (is_office(user) or (permissions.sees_all_tasks(user) and user.is_superuser)):
            raise PermissionDenied
        submitted = permissions.visible_assignments(user).filter(status=Assignment.Status.SUBMITTED)
        return queries.assignment_rows(submitted).order_by("updated_at")


review_queue = ReviewQueueView.as_view()
