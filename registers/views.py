"""The request and review-case registers: lists, forms, import and export."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.forms import ModelForm
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_filters.views import FilterView
from django_tables2 import A, SingleTableMixin

from org.history import history_rows
from org.http import AuthenticatedRequest
from org.permissions import office_department
from org.tables import IsoDateColumn

from . import permissions, queries, requests_io, review_cases_io, services
from .filters import RequestFilter, ReviewCaseFilter
from .forms import (
    DisclosureRequestForm,
    RequestImportForm,
    ReviewCaseForm,
    ReviewCaseImportForm,
)
from .tables import RequestTable, ReviewCaseTable

EXPORT_NAME = "政府信息公开申请登记"
CASE_FORM = "registers/reviewcase_form.html"


class RegisterListView(LoginRequiredMixin, SingleTableMixin, FilterView):
    """Office staff and leaders of the department; a unit's people are refused (403)."""

    table_pagination = {"per_page": 25}

    def get_queryset(self):
        permissions.require_reader(self.request.user)
        return self.visible(self.request.user)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "can_manage": self.can_manage()}

    def can_manage(self) -> bool:
        return permissions.keeps_registers(self.request.user)


class RequestListView(RegisterListView):
    table_class = RequestTable
    filterset_class = RequestFilter
    template_name = "registers/request_list.html"

    def visible(self, user):
        return queries.request_rows(permissions.visible_requests(user))


class ReviewCaseListView(RegisterListView):
    table_class = ReviewCaseTable
    filterset_class = ReviewCaseFilter
    template_name = "registers/reviewcase_list.html"

    def visible(self, user):
        return queries.review_case_rows(permissions.visible_review_cases(user))

    def get_table_kwargs(self):
        if not self.can_manage():
            return {}
        # Only the office edits a case: its date links to the form.
        link = ("registers:reviewcase_update", {"pk": A("pk")})
        column = IsoDateColumn(verbose_name=_("filed on"), linkify=link)
        return {"extra_columns": [("filed_on", column)], "sequence": ("filed_on", "...")}


request_list = RequestListView.as_view()
reviewcase_list = ReviewCaseListView.as_view()


@login_required
def request_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    disclosure = permissions.get_request_or_404(request.user, pk)
    return render(
        request,
        "registers/request_detail.html",
        {
            "disclosure": disclosure,
            "clocks": queries.clocks_of(disclosure),
            "status": queries.Status.labels[queries.status_of(disclosure, timezone.localdate())],
            "review_cases": disclosure.review_cases.all(),
            "can_manage": permissions.can(request.user, permissions.MANAGE, disclosure),
            "history": history_rows(disclosure),
        },
    )


def _save(request: AuthenticatedRequest, form: ModelForm, save, template: str, context: dict):
    """Validate, call the service, redirect; the service's checks show on their fields."""
    if request.method == "POST" and form.is_valid():
        try:
            obj = save(form.instance, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(context.get("next") or obj)
    return render(request, template, {"form": form, **context})


@login_required
def request_create(request: AuthenticatedRequest) -> HttpResponse:
    department = office_department(request.user)
    form = DisclosureRequestForm(request.POST or None, department=department)
    return _save(request, form, services.save_request, "registers/request_form.html", {})


@login_required
def request_update(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    disclosure = permissions.get_request_or_404(request.user, pk, permissions.MANAGE)
    form = DisclosureRequestForm(
        request.POST or None, instance=disclosure, department=disclosure.department
    )
    context = {"disclosure": disclosure}
    return _save(request, form, services.save_request, "registers/request_form.html", context)


@login_required
def reviewcase_create(request: AuthenticatedRequest) -> HttpResponse:
    department = office_department(request.user)
    form = ReviewCaseForm(request.POST or None, department=department)
    context = {"next": "registers:reviewcase_list"}
    return _save(request, form, services.save_review_case, CASE_FORM, context)


@login_required
def reviewcase_update(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = permissions.get_review_case_or_404(request.user, pk, permissions.MANAGE)
    form = ReviewCaseForm(request.POST or None, instance=case, department=case.department)
    context = {"case": case, "next": "registers:reviewcase_list", "history": history_rows(case)}
    return _save(request, form, services.save_review_case, CASE_FORM, context)


def _rows(rows: list[int]) -> str:
    return "、".join(map(str, rows[:20])) + ("…" if len(rows) > 20 else "") or "—"


@login_required
def request_import(request: AuthenticatedRequest) -> HttpResponse:
    """Upload a register; every row is created, or, if any row is wrong, none."""
    department = office_department(request.user)
    form = RequestImportForm(request.POST or None, request.FILES or None)
    row_errors: list[requests_io.RowError] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            register = requests_io.read_register(upload.name, upload.read())
        except requests_io.RegisterFileError as error:
            form.add_error("file", error.message)
        else:
            result = services.import_requests(department, register, by=request.user)
            if result.ok:
                messages.success(
                    request,
                    _("{added} requests added, {updated} updated, {unchanged} unchanged.").format(
                        added=len(result.created),
                        updated=len(result.updated),
                        unchanged=len(result.unchanged),
                    ),
                )
                if result.updated or result.unchanged:
                    merged = _(
                        "Rows of requests in the register already (same 编号, or same 收到日期, "
                        "申请人 and 申请内容) were merged into them: what the file filled in or "
                        "changed is kept, a blank cell erases nothing."
                    )
                    if result.updated:
                        merged += " " + _("Updated: rows {rows}.").format(
                            rows=_rows(result.updated)
                        )
                    messages.info(request, merged)
                return redirect("registers:request_list")
            row_errors = result.errors
    return render(
        request, "registers/request_import.html", {"form": form, "row_errors": row_errors}
    )


@login_required
def reviewcase_import(request: AuthenticatedRequest) -> HttpResponse:
    """Upload review cases; the preview lists them and what is wrong; confirmed, every row is
    created, or none."""
    department = office_department(request.user)
    form = ReviewCaseImportForm(request.POST or None, request.FILES or None)
    context: dict = {"form": form, "columns": review_cases_io.COLUMNS}
    if request.method == "POST" and form.is_valid():
        name, data = form.source()
        try:
            register = review_cases_io.read_cases(name, data)
        except requests_io.RegisterFileError as error:
            form.add_error(None, error.message)
        else:
            confirm = request.POST.get("action") == "confirm"
            result = services.import_review_cases(
                department, register, by=request.user, save=confirm
            )
            if confirm and result.ok:
                messages.success(
                    request, _("{count} review cases imported.").format(count=len(result.created))
                )
                return redirect("registers:reviewcase_list")
            context |= {"result": result, "carried": review_cases_io.as_csv(name, data).decode()}
    return render(request, "registers/reviewcase_import.html", context)


@login_required
@require_GET
def request_export(request: AuthenticatedRequest) -> HttpResponse:
    """The filtered register, with the headers the importer reads (?format=xlsx or csv)."""
    permissions.require_reader(request.user)
    filterset = RequestFilter(request.GET, queryset=permissions.visible_requests(request.user))
    rows = filterset.qs.order_by("received_on", "pk")
    if request.GET.get("format") == "csv":
        data, kind = requests_io.write_csv(rows), "text/csv; charset=utf-8"
        extension = "csv"
    else:
        data = requests_io.write_xlsx(rows, title=EXPORT_NAME)
        kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        extension = "xlsx"
    response = HttpResponse(data, content_type=kind)
    response["Content-Disposition"] = content_disposition_header(True, f"{EXPORT_NAME}.{extension}")
    return response
