from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from org.http import AuthenticatedRequest
from org.permissions import office_department
from tasks import cascade, permissions, upstream
from tasks.forms import LinkTaskForm, PlaceForm, PlacingOptions


def _posted_pk(request: AuthenticatedRequest, name: str) -> int:
    value = request.POST.get(name, "")
    if not value.isdigit():
        raise Http404
    return int(value)


@login_required
def cascade_inbox(request: AuthenticatedRequest) -> HttpResponse:
    """上级下发任务: the superior's tasks the office has to place in its own plan (as a new task
    or linked to one it has), and the placed ones the superior changed since."""
    user = request.user
    office_department(user)  # the office's page: anyone else is refused (403)
    options = PlacingOptions(user)
    bound: dict[tuple[str, int], PlaceForm | LinkTaskForm] = {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "acknowledge":
            task = permissions.get_task_or_404(
                user, _posted_pk(request, "task"), permissions.MANAGE
            )
            upstream.acknowledge(task, by=user)
            messages.success(request, _("Marked as read."))
            return redirect("tasks:cascade_inbox")
        if action not in ("place", "link"):
            raise Http404
        assignment = permissions.get_cascaded_or_404(user, _posted_pk(request, "assignment"))
        form = _forms(options, assignment, request.POST)[action]
        if form.is_valid():
            try:
                task = form.save(assignment, by=user)
            except ValidationError as error:
                form.attach_errors(error)
            else:
                messages.success(
                    request, _("Placed in your plan: its progress now shows upstream.")
                )
                return redirect(task)
        bound[action, assignment.pk] = form
    items = [
        (a, *(bound.get((k, a.pk)) or f for k, f in _forms(options, a).items()))
        for a in cascade.inbox(user)
    ]
    return render(
        request,
        "tasks/cascade_inbox.html",
        {
            "items": items,
            "changed": cascade.changed_upstream(user),
            # No open plan: a form could not succeed, so the page leads to making one instead.
            "has_plan": bool(options.plans),
            "has_tasks": len(options.task_choices) > 1,
            "new_plan": f"{reverse('plans:plan_create')}?from=inbox",
        },
    )


def _forms(options: PlacingOptions, assignment, data=None) -> dict[str, PlaceForm | LinkTaskForm]:
    """The two ways to place the assignment, each prefixed with it (one page shows many)."""
    return {
        "place": PlaceForm(
            data, options=options, assignment=assignment, prefix=f"place-{assignment.pk}"
        ),
        "link": LinkTaskForm(data, options=options, prefix=f"link-{assignment.pk}"),
    }
