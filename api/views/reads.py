"""What the API reads: the same querysets and lookups as the pages (``<app>.permissions``):
what a person may not see answers 404, a list they may not open 403."""

from rest_framework import generics

from api import serializers
from api.filters import FilterBackend
from org.forms import UnitChoices
from org.permissions import VIEW, get_visible_or_404
from org.queries import department_choices, department_units
from plans.permissions import get_plan_or_404, visible_plans
from registers import permissions as register_permissions
from registers import queries as register_queries
from registers.filters import RequestFilter
from registers.models import DisclosureRequest
from reporting import permissions as report_permissions
from reporting.models import ReportDraft
from tasks import activity, queries
from tasks import permissions as task_permissions
from tasks.filters import AssignmentFilter, TaskFilter


class PlanList(generics.ListAPIView):
    """The plans the person sees (a unit's people: issued ones), with their headings."""

    serializer_class = serializers.PlanSerializer

    def get_queryset(self):
        plans = visible_plans(self.request.user).prefetch_related("headings")
        return plans.order_by("-year", "pk")


class PlanDetail(generics.RetrieveAPIView):
    serializer_class = serializers.PlanSerializer

    def get_object(self):
        return get_plan_or_404(self.request.user, self.kwargs["pk"])


class TaskList(generics.ListAPIView):
    """Tasks the person sees (a superior: those of the departments below too, read-only),
    filtered as the task list filters them (department, plan, unit, state, due window, year,
    text), nearest deadline first."""

    serializer_class = serializers.TaskSerializer
    filter_backends = [FilterBackend]
    filterset_class = TaskFilter

    def get_queryset(self):
        tasks = queries.task_rows(task_permissions.visible_tasks(self.request.user))
        return tasks.order_by("due_date", "pk")

    def filterset_extra_kwargs(self) -> dict:
        user = self.request.user
        return {
            "plans": visible_plans(user),
            "units": UnitChoices(department_units(user)),
            "departments": department_choices(user),  # a superior's ?department=
        }


class TaskDetail(generics.RetrieveAPIView):
    serializer_class = serializers.TaskSerializer

    def get_object(self):
        user = self.request.user
        tasks = queries.task_rows(task_permissions.visible_tasks(user))
        return get_visible_or_404(
            tasks, self.kwargs["pk"], user=user, action=VIEW, can=task_permissions.can
        )


class AssignmentList(generics.ListAPIView):
    """Assignments the person sees: a unit's own, the whole department's for its office and
    leaders; filtered as the to-do list filters them (plan, status, due window, year)."""

    serializer_class = serializers.AssignmentSerializer
    filter_backends = [FilterBackend]
    filterset_class = AssignmentFilter

    def get_queryset(self):
        mine = task_permissions.visible_assignments(self.request.user)
        return queries.assignment_rows(mine).order_by("task__due_date", "pk")

    def filterset_extra_kwargs(self) -> dict:
        return {"plans": visible_plans(self.request.user)}


class AssignmentDetail(generics.RetrieveAPIView):
    """An assignment with its progress updates (evidence files, links, figures) and comments."""

    serializer_class = serializers.AssignmentDetailSerializer

    def get_object(self):
        user = self.request.user
        assignment = task_permissions.get_assignment_or_404(user, self.kwargs["pk"])
        assignment.prefetched_updates = list(queries.updates_of(assignment))  # type: ignore[attr-defined]
        assignment.prefetched_comments = list(activity.thread(assignment))  # type: ignore[attr-defined]
        return assignment


class NotificationList(generics.ListAPIView):
    """The person's own notifications (the bell), newest first."""

    serializer_class = serializers.NotificationSerializer

    def get_queryset(self):
        return queries.notifications_of(self.request.user)


class RequestList(generics.ListAPIView):
    """The 依申请公开 register: office staff and leaders only, as its page; filtered as it is."""

    serializer_class = serializers.DisclosureRequestSerializer
    queryset = DisclosureRequest.objects.none()  # the model, for the schema; never read
    filter_backends = [FilterBackend]
    filterset_class = RequestFilter

    def get_queryset(self):
        user = self.request.user
        register_permissions.require_reader(user)
        requests = register_queries.request_rows(register_permissions.visible_requests(user))
        return requests.order_by("-received_on", "-pk")


class RequestDetail(generics.RetrieveAPIView):
    serializer_class = serializers.DisclosureRequestSerializer

    def get_object(self):
        return register_permissions.get_request_or_404(self.request.user, self.kwargs["pk"])


class ReportList(generics.ListAPIView):
    """Year-end report drafts, each with its exports: office staff and leaders, as the page."""

    serializer_class = serializers.ReportDraftSerializer
    queryset = ReportDraft.objects.none()  # the model, for the schema; never read

    def get_queryset(self):
        user = self.request.user
        report_permissions.require_reader(user)
        return report_permissions.visible_reports(user).select_related("department")


class ReportDetail(generics.RetrieveAPIView):
    serializer_class = serializers.ReportDraftSerializer

    def get_object(self):
        return report_permissions.get_report_or_404(self.request.user, self.kwargs["pk"])
