from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from org.filters import DepartmentFilter
from org.http import AuthenticatedRequest
from org.models import Department
from org.queries import department_choices

from . import permissions, services
from .forms import HeadingForm, PlanForm
from .models import Plan


@login_required
def plan_list(request: AuthenticatedRequest) -> HttpResponse:
    """The department's plans; a superior's, those of the departments below too (部门)."""
    plans = permissions.visible_plans(request.user).select_related("department")
    departments = department_choices(request.user)
    listed = DepartmentFilter(request.GET or None, queryset=plans, departments=departments)
    return render(
        request,
        "plans/plan_list.html",
        {
            "plans": listed.qs,
            "filter": listed if departments else None,
            "can_create": permissions.can(request.user, permissions.MANAGE),
        },
    )


def _own_department(request: AuthenticatedRequest) -> Department:
    if not permissions.can(request.user, permissions.MANAGE) or request.user.department is None:
        raise PermissionDenied
    return request.user.department


@login_required
def plan_create(request: AuthenticatedRequest) -> HttpResponse:
    department = _own_department(request)
    form = PlanForm(request.POST or None, department=department, check_version=True)
    if request.method == "POST" and form.is_valid():
        plan = services.save_plan(form.instance, by=request.user)
        # Sent here from the inbox of tasks from above (``?from=inbox``): back to it, by its
        # URL's name; the app never takes a redirect target from the request.
        if request.GET.get("from") == "inbox":
            messages.success(request, _("Plan created. You can now place the tasks here in it."))
            return redirect("tasks:cascade_inbox")
        messages.success(request, _("Plan created. Now add its headings and tasks."))
        return redirect(plan)
    return render(request, "plans/plan_form.html", {"form": form})


@login_required
def plan_update(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    plan = permissions.get_plan_or_404(request.user, pk, permissions.MANAGE)
    form = PlanForm(
        request.POST or None, instance=plan, department=plan.department, check_version=True
    )
    if request.method == "POST" and form.is_valid():
        services.save_plan(form.instance, by=request.user)
        messages.success(request, _("Plan saved."))
        return redirect(plan)
    return render(request, "plans/plan_form.html", {"form": form, "plan": plan})


@login_required
@require_POST
def plan_status(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    plan = permissions.get_plan_or_404(request.user, pk, permissions.MANAGE)
    target = request.POST.get("status", "")
    if target not in Plan.Status.values:
        messages.error(request, _("Unknown status."))
        return redirect(plan)
    try:
        services.change_plan_status(plan, to=target, by=request.user)
        messages.success(
            request, _("The plan is now “{status}”.").format(status=plan.get_status_display())
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(plan)


@login_required
def plan_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Withdraw a draft plan: a page to confirm, then the deletion."""
    plan = permissions.get_plan_or_404(request.user, pk, permissions.MANAGE)
    if request.method == "POST":
        try:
            services.delete_draft_plan(plan, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(plan)
        messages.success(request, _("The draft plan “{plan}” was deleted.").format(plan=plan))
        return redirect("plans:plan_list")
    context = {"plan": plan, "tasks": plan.tasks.count()}
    return render(request, "plans/plan_confirm_delete.html", context)


@login_required
def heading_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    plan = permissions.get_plan_or_404(request.user, pk, permissions.MANAGE)
    form = HeadingForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        heading = services.save_heading(form.instance, by=request.user)
        messages.success(request, _("Heading added."))
        return redirect(heading)
    return render(request, "plans/heading_form.html", {"form": form, "plan": plan})
