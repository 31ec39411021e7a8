"""The region's report (年度报告汇总): where the reports of the departments below stand, the
reminder of the late ones, and the roll-up of the chosen ones into the superior's own report."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from org.http import AuthenticatedRequest
from org.permissions import oversight_department
from reporting import permissions, rollup, services
from reporting.content import Finding
from reporting.forms import RollupForm, YearForm
from reporting.models import ReportDraft


def _year(data) -> int:
    form = YearForm(data)
    return form.cleaned_data["year"] if form.is_valid() else rollup.default_year(_today())


def _today():
    return timezone.localdate()


def _back(year: int) -> HttpResponse:
    return redirect(f"{reverse('reporting:rollup')}?year={year}")


@login_required
def rollup_view(request: AuthenticatedRequest) -> HttpResponse:
    superior = oversight_department(request.user)
    year = _year(request.GET)
    standings = rollup.standings(superior, year, _today())
    draft = ReportDraft.objects.filter(department=superior, year=year).first()
    return render(
        request,
        "reporting/rollup.html",
        {
            "superior": superior,
            "year": year,
            "years": range(_today().year, 2018, -1),
            "standings": standings,
            "late": sum(s.is_late for s in standings),
            # The late ones not reminded today: pressing again the same day sends nothing.
            "to_remind": sum(s.is_late and not s.reminded_today for s in standings),
            "form": _form(standings, year),
            "draft": draft,
            **_rolled_up(draft),
            "can_write": permissions.is_office(request.user),
        },
    )


def _form(standings: list[rollup.Standing], year: int, data=None) -> RollupForm:
    """The direct subordinates with a report to roll up; those final or published chosen."""
    choices = [
        (s.department.pk, f"{s.department.name}（{s.state_label}）")
        for s in standings
        if s.direct and s.state != rollup.NONE
    ]
    chosen = [s.department.pk for s in standings if s.direct and s.state in rollup.DONE]
    return RollupForm(
        data, departments=choices, initial={"year": year, "departments": chosen}, auto_id="r_%s"
    )


def _rolled_up(draft: ReportDraft | None) -> dict:
    """The last roll-up's parts, each with its failed checks and whether its department's report
    changed since it was taken; the sum's failed checks; the departments taken, to take again."""
    nothing: dict = {"parts": [], "sum_failures": [], "stale": [], "taken": [], "final": False}
    if draft is None:
        return nothing
    parts = rollup.parts_of(draft)
    if not any(p.department_id != draft.department_id for p in parts):
        return nothing
    stale = rollup.stale_parts(draft, parts)
    return {
        "parts": [(p, f, stale.get(p.department_id)) for p, f in rollup.failed_checks(parts)],
        "sum_failures": [f for d in draft.checks if not (f := Finding.from_dict(d)).ok],
        "stale": list(stale.values()),
        "taken": [p.department_id for p in parts if p.department_id != draft.department_id],
        "final": draft.status == ReportDraft.Status.FINAL,  # to be reopened before taking again
    }


@login_required
@require_POST
def rollup_remind(request: AuthenticatedRequest) -> HttpResponse:
    superior = oversight_department(request.user, permissions.MANAGE)
    year = _year(request.POST)
    try:
        reminded = services.remind_late_reports(superior, year, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return _back(year)
    if reminded.departments:
        names = "、".join(d.name for d in reminded.departments)
        messages.success(request, _("Reminded: {names}.").format(names=names))
    if reminded.no_office_staff:
        names = "、".join(d.name for d in reminded.no_office_staff)
        messages.warning(
            request,
            _(
                "Not reminded, no active office staff to tell: {names}. Ask them to have an "
                "office account made."
            ).format(names=names),
        )
    if not reminded.departments and not reminded.no_office_staff:
        messages.info(request, _("No late department left to remind today."))
    return _back(year)


@login_required
@require_POST
def rollup_generate(request: AuthenticatedRequest) -> HttpResponse:
    superior = oversight_department(request.user, permissions.MANAGE)
    year = _year(request.POST)
    form = _form(rollup.standings(superior, year, _today()), year, request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return _back(year)
    try:
        draft = services.roll_up(superior, year, form.cleaned_data["departments"], by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return _back(year)
    return redirect(draft)
