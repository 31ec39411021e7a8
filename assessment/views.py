"""The ranking, a row's breakdown, the exports and the scheme page: read the request, ask
``permissions``, call ``queries`` or ``services``, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from core.workdays import CalendarNotCovered
from org.http import AuthenticatedRequest
from org.permissions import (
    office_department,
    overseen_departments,
    oversight_department,
    reader_department,
    sees_whole_department,
)

from . import docx_export, permissions, queries, services, xlsx_export
from .catalogue import CATALOGUE, Kind, Scope, rule_text
from .forms import IndicatorFormSet
from .wording import breakdown_lines, file_name, not_ranked, subject_label, title

RANKING_URL = {
    Scope.UNITS: "assessment:unit_ranking",
    Scope.DEPARTMENTS: "assessment:department_ranking",
}
FIRST_YEAR, LAST_YEAR = 2000, 2100
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def _year(request: AuthenticatedRequest) -> int:
    """?year=, this year when absent or out of range."""
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    return year if FIRST_YEAR <= year <= LAST_YEAR else timezone.localdate().year


def _ranking(request: AuthenticatedRequest, scope: str, year: int) -> queries.Ranking:
    if scope == Scope.UNITS:
        return queries.unit_scores(reader_department(request.user), year)
    superior = oversight_department(request.user)
    return queries.department_scores(superior, overseen_departments(request.user), year)


def _no_calendar(request: AuthenticatedRequest, error: CalendarNotCovered, year: int):
    return render(
        request,
        "assessment/no_calendar.html",
        {"missing": error.year, "year": year},
        status=409,
    )


@login_required
def ranking(request: AuthenticatedRequest, scope: str) -> HttpResponse:
    year = _year(request)
    try:
        result = _ranking(request, scope, year)
    except CalendarNotCovered as error:
        return _no_calendar(request, error, year)
    context = {
        "ranking": result,
        "title": title(result),
        "heading": title(result, joined=True),
        "subject_label": subject_label(result),
        "can_edit": permissions.can_edit_scheme(request.user, result.department),
        "oversees": bool(overseen_departments(request.user)),
    }
    return render(request, "assessment/ranking.html", context)


@login_required
def ranking_export(request: AuthenticatedRequest, scope: str, fmt: str) -> HttpResponse:
    year = _year(request)
    try:
        result = _ranking(request, scope, year)
    except CalendarNotCovered as error:
        return _no_calendar(request, error, year)
    data = xlsx_export.ranking_workbook(result) if fmt == "xlsx" else docx_export.render(result)
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    name = file_name(result, fmt)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


def _breakdown(request: AuthenticatedRequest, build, year: int) -> HttpResponse:
    try:
        breakdown = build()
    except CalendarNotCovered as error:
        return _no_calendar(request, error, year)
    context = {
        "breakdown": breakdown,
        "lines": breakdown_lines(breakdown),
        "not_ranked": not_ranked(breakdown),
        # A unit's people see their unit's points, not where it stands among the others.
        "shows_rank": sees_whole_department(request.user),
    }
    return render(request, "assessment/breakdown.html", context)


@login_required
def unit_breakdown(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    unit = permissions.get_unit_or_404(request.user, pk)
    year = _year(request)
    return _breakdown(request, lambda: queries.unit_breakdown(unit, year), year)


@login_required
def department_breakdown(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    department = permissions.get_department_or_404(request.user, pk)
    superior = oversight_department(request.user)
    overseen = overseen_departments(request.user)
    year = _year(request)
    return _breakdown(
        request,
        lambda: queries.department_breakdown(superior, overseen, department, year),
        year,
    )


@login_required
def scheme_edit(request: AuthenticatedRequest, scope: str) -> HttpResponse:
    department = office_department(request.user)
    if scope == Scope.DEPARTMENTS:
        oversight_department(request.user)  # no scheme for departments it does not have
    year = _year(request)
    scheme, indicators = queries.indicators_of(department, year, scope)
    initial = [{"kind": i.kind, "points": i.points, "per_item": i.per_item} for i in indicators]
    formset = IndicatorFormSet(
        request.POST if request.method == "POST" else None, initial=initial, scope=scope
    )
    if request.method == "POST" and formset.is_valid():
        try:
            services.save_scheme(department, year, scope, formset.rows(), by=request.user)
        except ValidationError as error:  # the formset checked the same rules: a race at most
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The scheme is saved; the scores follow it."))
            return redirect(reverse(RANKING_URL[Scope(scope)]) + f"?year={year}")
    catalogue = [
        (Kind(kind).label, rule_text(kind, entry.points[scope], entry.per_item))
        for kind, entry in CATALOGUE.items()
        if scope in entry.scopes
    ]
    context = {
        "formset": formset,
        "scheme": scheme,
        "scope": Scope(scope),
        "year": year,
        "department": department,
        "catalogue": catalogue,
        "ranking_url": RANKING_URL[Scope(scope)],
    }
    return render(request, "assessment/scheme_form.html", context)
