from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import ListView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from org.forms import UnitChoices
from org.http import AuthenticatedRequest
from org.permissions import is_office, listed_department
from org.queries import department_choices, department_units
from plans.permissions import visible_plans
from tasks import permissions, queries, services, xlsx_export
from tasks.filters import AssignmentFilter, TaskFilter
from tasks.forms import BulkActionForm
from tasks.models import Assignment
from tasks.tables import AssignmentTable, ReviewTable, TaskSelectTable, TaskTable

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class BulkActionsMixin:
    """The office's lists carry a checkbox a row and the actions bar (``bulk_action``)."""

    bulk_actions: tuple[str, ...] = ()
    list_name = "task_list"  # the URL's name, which the actions come back to

    @cached_property
    def department(self) -> int | None:
        """The department a superior's list shows (部门, its own by default); None for anyone
        who oversees none."""
        request = self.request  # type: ignore[attr-defined]  # the view's
        return listed_department(request.user, request.GET.get("department"))

    @property
    def acts(self) -> bool:
        """The actions bar is for the department's own work: a superior reads the rest."""
        user = self.request.user  # type: ignore[attr-defined]  # the view's
        return permissions.reviews_submissions(user) and self.department in (
            None,
            user.department_id,
        )

    @cached_property
    def units(self) -> UnitChoices:
        """The units the actions bar assigns, and the list's filter offers: read once."""
        user = self.request.user  # type: ignore[attr-defined]  # the view's
        return UnitChoices(department_units(user, self.department))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        request = self.request  # type: ignore[attr-defined]  # the view's
        if self.acts:
            form = BulkActionForm(
                initial={"origin": self.list_name, "query": request.GET.urlencode()},
                units=self.units,
            )
            context["bulk"] = {"form": form, "actions": self.bulk_actions}
        return context


class TaskListView(LoginRequiredMixin, BulkActionsMixin, SingleTableMixin, FilterView):
    """The office's and leaders' list of every task; ``?_export=xlsx`` gives the filtered list,
    every page of it, as the 任务分解表."""

    table_class = TaskTable
    bulk_actions = tuple(BulkActionForm.Action.values)
    filterset_class = TaskFilter
    template_name = "tasks/task_list.html"
    table_pagination = {"per_page": 25}

    def render_to_response(self, context, **response_kwargs):
        if self.request.GET.get("_export") != "xlsx":
            return super().render_to_response(context, **response_kwargs)
        workbook = xlsx_export.breakdown_workbook(
            queries.breakdown(queries.task_rows(self.object_list)),
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
        return queries.task_page_rows(permissions.visible_tasks(self.request.user))

    def get_table_class(self):
        return TaskSelectTable if self.acts else TaskTable

    def get_filterset_kwargs(self, filterset_class):
        user = self.request.user
        kwargs = super().get_filterset_kwargs(filterset_class)
        plans = visible_plans(user)
        if self.department is not None:  # a superior: the department chosen, or its own
            kwargs["data"] = data = (kwargs["data"] or QueryDict()).copy()
            data["department"] = str(self.department)
            plans = plans.filter(department=self.department)
        return {
            **kwargs,
            "plans": plans,
            "units": self.units,
            "departments": department_choices(user),
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


class ReviewQueueView(LoginRequiredMixin, BulkActionsMixin, SingleTableMixin, ListView):
    """Submissions waiting for the office, oldest first."""

    table_class = ReviewTable
    # Its rows are all handed in: accepting them is the one bulk action that applies.
    bulk_actions = (BulkActionForm.Action.SIGN_OFF,)
    list_name = "review_queue"
    template_name = "tasks/review_queue.html"
    table_pagination = {"per_page": 50}

    def get_queryset(self):
        user = self.request.user
        if not (is_office(user) or (permissions.sees_all_tasks(user) and user.is_superuser)):
            raise PermissionDenied
        # The department's own: a superior reviews nothing of the departments below, and a
        # cascaded assignment is handed in to its department's own office, not to this one.
        mine = permissions.visible_assignments(user, overseen=False)
        return queries.assignment_rows(mine.awaiting_review()).order_by("updated_at")


review_queue = ReviewQueueView.as_view()


Action = BulkActionForm.Action
Role = Assignment.Role
SUMMARIES = {
    Action.URGE: gettext_lazy("Reminded {units} unit(s) on {tasks} task(s)."),
    Action.SIGN_OFF: gettext_lazy("Accepted the work of {units} unit(s) on {tasks} task(s)."),
    Action.DEADLINE: gettext_lazy("Deadline of {tasks} task(s) moved to {date}."),
    (Action.REASSIGN, Role.LEAD): gettext_lazy("{unit} now leads {tasks} task(s)."),
    (Action.REASSIGN, Role.SUPPORT): gettext_lazy("{unit} now co-operates on {tasks} task(s)."),
}


@login_required
@require_POST
def bulk_action(request: AuthenticatedRequest) -> HttpResponse:
    """One action on the rows ticked on the task list or the review queue; back to the list
    as it was filtered, with what was done, or with every row that could not be and why."""
    user = request.user
    if not permissions.reviews_submissions(user):
        raise PermissionDenied
    form = BulkActionForm(request.POST, units=UnitChoices(department_units(user)))
    valid = form.is_valid()
    back = form.back()
    if not valid:
        for name, errors in form.errors.items():
            field = form.fields.get(name)  # none for the errors of the whole form
            for error in map(str, errors):
                if field is not None and field.label:
                    error = _("{field}: {error}").format(field=field.label, error=error)
                messages.error(request, error)
        return redirect(back)
    data = form.cleaned_data
    try:
        result = _run(user, data)
    except ValidationError as error:
        messages.error(request, _("Nothing was done: these rows cannot be."))
        for reason in error.messages:
            messages.error(request, reason)
    else:
        messages.success(request, _summary(data, result))
    return redirect(back)


def _run(user, data: dict) -> services.BulkResult:
    action, tasks = data["action"], data["task"]
    if action == Action.URGE:
        return services.bulk_urge(user, tasks, note=data["note"])
    if action == Action.SIGN_OFF:
        return services.bulk_sign_off(
            user, task_ids=tasks, assignment_ids=data["assignment"], versions=data["seen"]
        )
    if action == Action.DEADLINE:
        return services.bulk_set_deadline(user, tasks, due_date=data["due_date"])
    return services.bulk_reassign(user, tasks, unit=data["unit"], role=data["role"])


def _summary(data: dict, result: services.BulkResult) -> str:
    action = data["action"]
    key = (action, data["role"]) if action == Action.REASSIGN else action
    summary = SUMMARIES[key].format(
        units=result.units, tasks=result.tasks, date=data["due_date"], unit=data["unit"]
    )
    if result.unchanged:
        summary += " " + _(
            "{count} unit(s) had been reminded today already and were not reminded again."
        ).format(count=result.unchanged)
    return summary
