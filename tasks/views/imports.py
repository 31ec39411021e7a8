from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from org.http import AuthenticatedRequest
from org.permissions import office_department
from plans.messages import format_error
from plans.models import PlanImport
from plans.parsing import PlanFormatError
from tasks import importing, preview
from tasks.forms import ImportStartForm, TableRolesForm


@login_required
def import_start(request: AuthenticatedRequest) -> HttpResponse:
    """Step 1: upload or paste the plan as issued."""
    department = office_department(request.user)
    form = ImportStartForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        name, data = form.source()
        try:
            plan_import = importing.start_import(
                department, source_name=name, data=data, by=request.user
            )
        except PlanFormatError as error:
            form.add_error(None, format_error(error))
        else:
            return redirect("tasks:import_preview", pk=plan_import.pk)
    return render(request, "tasks/import_start.html", {"form": form})


def _open_import(request: AuthenticatedRequest, pk: int, *, confirmed: bool = False) -> PlanImport:
    department = office_department(request.user)
    statuses = [PlanImport.Status.PREVIEW, *([PlanImport.Status.CONFIRMED] * confirmed)]
    return get_object_or_404(PlanImport, pk=pk, department=department, status__in=statuses)


def _to_plan(request: AuthenticatedRequest, plan_import: PlanImport) -> HttpResponse:
    """A confirm posted again (a double click, a second person) finds the plan the first made."""
    messages.info(request, _("This import was already confirmed."))
    assert plan_import.plan is not None  # its callers ask plan_id first
    return redirect(plan_import.plan)


@login_required
@require_POST
def import_tables(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Step 2, when a table was misread: read the document again with the columns' roles the
    office set. The tasks below are read anew; nothing is saved but the new reading."""
    plan_import = _open_import(request, pk)
    form = TableRolesForm(request.POST, tables=plan_import.parsed.get("tables", []))
    if not form.is_valid():
        for error in form.non_field_errors() or [_("Choose a role from the list.")]:
            messages.error(request, error)  # type: ignore[arg-type]  # text: an ErrorList's items
        return redirect("tasks:import_preview", pk=pk)
    try:
        importing.reread_import(plan_import, form.roles())
    except PlanFormatError as error:
        messages.error(request, format_error(error))
    else:
        count = len(plan_import.parsed["tasks"])
        messages.success(
            request, _("Read again with the roles you set: {count} tasks.").format(count=count)
        )
    return redirect("tasks:import_preview", pk=pk)


@login_required
def import_preview(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Step 2: review the breakdown, correct it, confirm. Nothing is saved before confirming."""
    plan_import = _open_import(request, pk, confirmed=True)
    if plan_import.plan_id:
        return _to_plan(request, plan_import)
    data = request.POST if request.method == "POST" else None
    page = preview.PreviewPage(plan_import, data, user=request.user)
    if request.method == "POST" and page.is_valid():
        drafts = page.drafts()
        try:
            plan = importing.confirm_import(
                plan_import,
                plan=page.plan(),
                drafts=drafts,
                mapping=page.mapping_form.mapping(),
                new_version=page.new_version,
                by=request.user,
                placements=page.placements(),
            )
        except ValidationError as error:
            plan_import.refresh_from_db()
            if plan_import.plan_id:
                return _to_plan(request, plan_import)
            page.attach_errors(error)
        else:
            messages.success(
                request,
                _("Plan imported with {count} tasks. Review it and issue it.").format(
                    count=len(drafts)
                ),
            )
            return redirect(plan)
    tables_form = TableRolesForm(tables=plan_import.parsed.get("tables", []))
    return render(
        request, "tasks/import_preview.html", {**page.context(), "tables_form": tables_form}
    )
