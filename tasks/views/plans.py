from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from org.history import history_rows
from org.http import AuthenticatedRequest
from plans.permissions import get_plan_or_404
from tasks import cascade, permissions, queries, services, upstream
from tasks.forms import (
    CloseTaskForm,
    CommentForm,
    TaskForm,
)
from tasks.views.comments import comments_context, post_comment


@login_required
def plan_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    plan = get_plan_or_404(request.user, pk)
    manage = permissions.can_manage_tasks_of(request.user, plan)
    tree = queries.plan_tree(plan, permissions.visible_tasks(request.user), prune=not manage)
    return render(
        request,
        "tasks/plan_detail.html",
        {
            "plan": plan,
            "tree": tree,
            "can_manage": manage,
            "history": history_rows(plan),
            "waiting": cascade.waiting_count(request.user, plan) if manage else 0,
        },
    )


@login_required
def task_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    task = permissions.get_task_or_404(request.user, pk)
    remark = CommentForm(request.POST or None, prefix="c")
    if request.method == "POST" and post_comment(request, task, remark):
        return redirect(f"{task.get_absolute_url()}#comments")
    assignments = queries.assignment_rows(
        permissions.visible_assignments(request.user).filter(task=task)
    )
    above = permissions.upstream_of(request.user, task)
    changes = upstream.changes_told(task) if above and task.upstream_changed_at else []
    return render(
        request,
        "tasks/task_detail.html",
        {
            "task": task,
            "assignments": assignments,
            "all_units": task.assignments.select_related("unit"),
            "can_manage": permissions.can(request.user, permissions.MANAGE, task),
            "upstream": above,
            "upstream_changes": changes,
            "today": timezone.localdate(),
            "history": history_rows(task),
            **comments_context(request.user, task, remark),
        },
    )


def _task_form(request: AuthenticatedRequest, form: TaskForm, plan, task=None) -> HttpResponse:
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
def task_create(request: AuthenticatedRequest, plan_pk: int) -> HttpResponse:
    plan = get_plan_or_404(request.user, plan_pk)
    if not permissions.can_manage_tasks_of(request.user, plan):
        raise PermissionDenied
    return _task_form(request, TaskForm(request.POST or None, plan=plan), plan)


@login_required
def task_update(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    task = permissions.get_task_or_404(request.user, pk, permissions.MANAGE)
    form = TaskForm(request.POST or None, instance=task, plan=task.plan)
    return _task_form(request, form, task.plan, task)


@login_required
@require_POST
def task_close(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    task = permissions.get_task_or_404(request.user, pk, permissions.MANAGE)
    form = CloseTaskForm(request.POST)
    if form.is_valid():
        services.close_task(task, reason=form.cleaned_data["reason"], by=request.user)
        messages.success(request, _("Task closed."))
    else:
        messages.error(request, _("Say why the task is closed."))
    return redirect(task)
