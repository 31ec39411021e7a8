from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db.models import Q
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import ListView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin
from django_tables2.export import ExportMixin

from org.history import history_rows
from org.models import Unit
from org.permissions import is_office
from plans.forms import PlanForm
from plans.models import PlanImport
from plans.parsing import PlanFormatError
from plans.permissions import get_plan_or_404, visible_plans

from . import importing, permissions, queries, services
from .filters import AssignmentFilter, TaskFilter
from .forms import (
    CloseTaskForm,
    FigureFormSet,
    ImportConfirmForm,
    ImportStartForm,
    LinkFormSet,
    MetricForm,
    ProgressForm,
    ReviewForm,
    TaskDraftFormSet,
    TaskForm,
    UnitMappingForm,
)
from .models import Assignment, EvidenceFile, Metric
from .tables import AssignmentTable, TaskTable


class TaskListView(LoginRequiredMixin, ExportMixin, SingleTableMixin, FilterView):
    """The office's and leaders' list of every task; exports the 任务分解表 as .xlsx."""

    table_class = TaskTable
    filterset_class = TaskFilter
    template_name = "tasks/task_list.html"
    table_pagination = {"per_page": 25}
    export_formats = ("xlsx",)
    export_name = "任务分解表"

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


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_or_404(request.user, pk)
    manage = permissions.can_manage_tasks_of(request.user, plan)
    tree = queries.plan_tree(plan, permissions.visible_tasks(request.user), prune=not manage)
    return render(
        request,
        "tasks/plan_detail.html",
        {"plan": plan, "tree": tree, "can_manage": manage, "history": history_rows(plan)},
    )


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = permissions.get_task_or_404(request.user, pk)
    assignments = queries.assignment_rows(
        permissions.visible_assignments(request.user).filter(task=task)
    )
    return render(
        request,
        "tasks/task_detail.html",
        {
            "task": task,
            "assignments": assignments,
            "all_units": task.assignments.select_related("unit"),
            "can_manage": permissions.can(request.user, permissions.MANAGE, task),
            "today": timezone.localdate(),
            "history": history_rows(task),
        },
    )


def _task_form(request: HttpRequest, form: TaskForm, plan, task=None) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            task = services.save_task(
                form.instance, responsibility=form.responsibility(), by=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Task saved."))
            return redirect(task)
    return render(request, "tasks/task_form.html", {"form": form, "plan": plan, "task": task})


@login_required
def task_create(request: HttpRequest, plan_pk: int) -> HttpResponse:
    plan = get_plan_or_404(request.user, plan_pk)
    if not permissions.can_manage_tasks_of(request.user, plan):
        raise PermissionDenied
    return _task_form(request, TaskForm(request.POST or None, plan=plan), plan)


@login_required
def task_update(request: HttpRequest, pk: int) -> HttpResponse:
    task = permissions.get_task_or_404(request.user, pk, permissions.MANAGE)
    form = TaskForm(request.POST or None, instance=task, plan=task.plan)
    return _task_form(request, form, task.plan, task)


def _metrics_for(assignment):
    department = assignment.task.plan.department_id
    return Metric.objects.filter(Q(department__isnull=True) | Q(department=department))


@login_required
def assignment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The assignment's page: its history of updates, and what this person may do next."""
    assignment = permissions.get_assignment_or_404(request.user, pk)
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    version = {"version": assignment.version}
    metrics = _metrics_for(assignment)
    progress = ProgressForm(data, files, initial=version, prefix="p")
    links = LinkFormSet(data, prefix="link")
    figures = FigureFormSet(data, prefix="fig", form_kwargs={"metrics": metrics})
    review = ReviewForm(data, initial=version, prefix="r")
    action = request.POST.get("action", "")
    if data is not None:
        done = _act(request, assignment, action, progress, links, figures, review)
        if done:
            return redirect(assignment)
    user = request.user
    return render(
        request,
        "tasks/assignment_detail.html",
        {
            "assignment": assignment,
            "updates": queries.updates_of(assignment),
            "can_update": bool(permissions.allowed_statuses(user, assignment)),
            "can_submit": permissions.can(user, permissions.SUBMIT, assignment)
            and Assignment.Status.SUBMITTED in permissions.allowed_statuses(user, assignment),
            "can_review": permissions.can(user, permissions.REVIEW, assignment)
            and assignment.status == Assignment.Status.SUBMITTED,
            "progress": progress,
            "links": links,
            "figures": figures,
            "review": review,
            "history": history_rows(assignment),
        },
    )


def _act(request, assignment, action, progress, links, figures, review) -> bool:
    """Run the one service the posted button asks for; False leaves errors on the forms."""
    if action in ("report", "submit"):
        if not permissions.can(request.user, permissions.UPDATE, assignment):
            raise PermissionDenied
        if not (progress.is_valid() and links.is_valid() and figures.is_valid()):
            return False
        form, call = (
            progress,
            lambda: services.record_progress(
                assignment,
                progress.report(links, figures),
                submit=action == "submit",
                version=progress.cleaned_data["version"],
                by=request.user,
            ),
        )
        done = _("Submitted for review.") if action == "submit" else _("Progress recorded.")
    elif action in ("accept", "return"):
        if not permissions.can(request.user, permissions.REVIEW, assignment):
            raise PermissionDenied
        if not review.is_valid():
            return False
        form, call = (
            review,
            lambda: services.review_assignment(
                assignment,
                accept=action == "accept",
                comment=review.cleaned_data["comment"],
                version=review.cleaned_data["version"],
                by=request.user,
            ),
        )
        done = _("Accepted (销号).") if action == "accept" else _("Returned to the unit.")
    else:
        raise PermissionDenied
    try:
        call()
    except ValidationError as error:
        form.add_error(None, error)
        return False
    messages.success(request, done)
    return True


@login_required
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    """A file is served only to those who may see its assignment, under its original name."""
    evidence_file = get_object_or_404(
        EvidenceFile.objects.select_related("update"),
        pk=pk,
        update__assignment__in=permissions.visible_assignments(request.user),
    )
    response = FileResponse(
        default_storage.open(evidence_file.storage_name),
        as_attachment=True,
        filename=evidence_file.original_name,
        content_type=evidence_file.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


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


@login_required
@require_POST
def task_close(request: HttpRequest, pk: int) -> HttpResponse:
    task = permissions.get_task_or_404(request.user, pk, permissions.MANAGE)
    form = CloseTaskForm(request.POST)
    if form.is_valid():
        services.close_task(task, reason=form.cleaned_data["reason"], by=request.user)
        messages.success(request, _("Task closed."))
    else:
        messages.error(request, _("Say why the task is closed."))
    return redirect(task)


@login_required
def metric_list(request: HttpRequest) -> HttpResponse:
    """The catalogue of figures units report; office staff add their own."""
    department = _office_department(request)
    form = MetricForm(request.POST or None)
    form.instance.department = department
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Metric added."))
        return redirect("tasks:metric_list")
    metrics = Metric.objects.filter(Q(department__isnull=True) | Q(department=department))
    return render(request, "tasks/metric_list.html", {"metrics": metrics, "form": form})


def _office_department(request: HttpRequest):
    if not is_office(request.user) or request.user.department is None:
        raise PermissionDenied
    return request.user.department


@login_required
def import_start(request: HttpRequest) -> HttpResponse:
    """Step 1: upload or paste the plan as issued."""
    department = _office_department(request)
    form = ImportStartForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        name, data = form.source()
        try:
            plan_import = importing.start_import(
                department, source_name=name, data=data, by=request.user
            )
        except PlanFormatError as error:
            form.add_error(None, importing.format_error(error))
        else:
            return redirect("tasks:import_preview", pk=plan_import.pk)
    return render(request, "tasks/import_start.html", {"form": form})


@login_required
def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 2: review the breakdown, correct it, confirm. Nothing is saved before confirming."""
    department = _office_department(request)
    plan_import = get_object_or_404(
        PlanImport, pk=pk, department=department, status=PlanImport.Status.PREVIEW
    )
    parsed = plan_import.parsed
    data = request.POST if request.method == "POST" else None
    plan_form = PlanForm(
        data, prefix="plan", department=department, initial=importing.plan_initial(parsed)
    )
    names = importing.unknown_names(plan_import)
    mapping_form = UnitMappingForm(data, prefix="map", names=names, department=department)
    formset = TaskDraftFormSet(data, prefix="task", initial=importing.task_initial(parsed))
    confirm_form = ImportConfirmForm(data)
    forms_ok = all(f.is_valid() for f in (plan_form, mapping_form, formset, confirm_form))
    if data is not None and forms_ok:
        if confirm_form.cleaned_data["new_version"]:
            plan_form.instance.version = 0  # numbered on confirm
        drafts = [
            form.draft(parsed["tasks"][i], ref=i)
            for i, form in enumerate(formset)
            if form.cleaned_data["include"]
        ]
        try:
            plan = importing.confirm_import(
                plan_import,
                plan=plan_form.instance,
                drafts=drafts,
                mapping=mapping_form.mapping(),
                new_version=confirm_form.cleaned_data["new_version"],
                by=request.user,
            )
        except ValidationError as error:
            importing.attach_errors(error, formset, confirm_form)
        else:
            messages.success(
                request,
                _("Plan imported with {count} tasks. Review it and issue it.").format(
                    count=len(drafts)
                ),
            )
            return redirect(plan)
    rows = importing.preview_rows(plan_import, formset)
    return render(
        request,
        "tasks/import_preview.html",
        {
            "plan_import": plan_import,
            "plan_form": plan_form,
            "mapping_form": mapping_form,
            "formset": formset,
            "confirm_form": confirm_form,
            "rows": rows,
            "earlier": importing.earlier_import(plan_import),
            "checks": [(None, w["message"]) for w in parsed["warnings"] if w["task"] is None]
            + [(i, message) for i, row in enumerate(rows) for message in row.warnings],
        },
    )
