from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from plans.forms import PlanForm
from plans.models import PlanImport
from plans.parsing import PlanFormatError
from tasks import importing, permissions
from tasks.forms import (
    ImportConfirmForm,
    ImportStartForm,
    TaskDraftFormSet,
    UnitMappingForm,
)


@login_required
def import_start(request: HttpRequest) -> HttpResponse:
    """Step 1: upload or paste the plan as issued."""
    department = permissions.office_department(request.user)
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
    department = permissions.office_department(request.user)
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
    if data is not None and formset.total_form_count() != len(parsed["tasks"]):
        # Each form is paired with its parsed task: a post with another count was not made
        # by this page (a forged or cut-off form), and pairing it would be a server error.
        raise SuspiciousOperation("The posted tasks do not match the import.")
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
