"""The office dashboard and the monthly progress brief (通报), as a page, for print and as .docx."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

import django_tables2 as tables
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tables2 import RequestConfig

from core import rendering
from org.http import AuthenticatedRequest
from org.queries import department_choices
from plans.models import Plan
from plans.permissions import visible_plans
from reporting import brief_docx, charts, dashboard
from tasks import permissions
from tasks.models import Assignment, Task

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

Status = Assignment.Status

# Bar segments, done first (the bars' end label counts the first segment as done).
SEGMENTS = [
    (Status.COMPLETED, "#2e7d32"),
    (Status.SUBMITTED, "#1565c0"),
    (Status.IN_PROGRESS, "#e0a100"),
    (Status.RETURNED, "#b3261e"),
    (Status.NOT_STARTED, "#b0b8c1"),
]


# --- Reading the request ---------------------------------------------------------------------


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _date(value: str | None, default: datetime.date) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value) if value else default
    except ValueError:
        return default


def _scope(
    request: AuthenticatedRequest, today: datetime.date
) -> tuple[dashboard.Scope, list[Plan]]:
    """The scope asked for (?plan= or ?year=, by default today's year), and the visible plans
    to choose from.

    A plan the person may not see answers 404, like one that does not exist.
    """
    # A superior's dashboard counts its own department's work; those below have theirs.
    plans = list(visible_plans(request.user, overseen=False).only("pk", "title", "year", "status"))
    plan = None
    if plan_id := _int(request.GET.get("plan")):
        plan = next((p for p in plans if p.pk == plan_id), None)
        if plan is None:
            raise Http404
    year = _int(request.GET.get("year")) or today.year
    year = min(max(year, 2000), 2100)
    scope = dashboard.scope_for(request.user, year=year, plan=plan, today=today)
    return scope, plans


# --- The units table -------------------------------------------------------------------------


class _CountColumn(tables.Column):
    """A count linked to the list it counts (built by the table's scope)."""

    def __init__(self, *args, filters: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, attrs={"td": {"class": "num"}, "th": {"class": "num"}}, **kwargs)
        self.filters = filters or {}

    def render(self, value, record, table):
        url = table.scope.list_url(unit=record.unit_id, **self.filters)
        return format_html('<a href="{}">{}</a>', url, value)


class UnitTable(tables.Table):
    """Units' standing, sortable by any column (sorted in Python: one row per unit)."""

    name = tables.Column(gettext_lazy("unit"))
    assigned = _CountColumn(gettext_lazy("assigned"))
    completed = _CountColumn(gettext_lazy("completed"), filters={"status": Status.COMPLETED})
    overdue = _CountColumn(gettext_lazy("overdue"), filters={"due": dashboard.OVERDUE})
    due_soon = _CountColumn(gettext_lazy("due in 7 days"), filters={"due": dashboard.DUE_SOON})
    on_time_rate = tables.Column(
        gettext_lazy("on time"), attrs={"td": {"class": "num"}, "th": {"class": "num"}}
    )

    class Meta:
        attrs = {"class": "table compact units"}
        order_by = ("-overdue",)
        empty_text = gettext_lazy("Nothing assigned in this scope.")

    def __init__(self, data, *, scope: dashboard.Scope, **kwargs):
        super().__init__(data, **kwargs)
        self.scope = scope

    def render_on_time_rate(self, value: float) -> str:
        return f"{value:.0%}"


# --- Pages -----------------------------------------------------------------------------------


def _month_cells(month: dashboard.Month):
    return [
        [
            None
            if day is None
            else charts.CalendarCell(
                date=day.date,
                is_workday=day.is_workday,
                name=day.name,
                is_exception=day.is_exception,
                deadlines=month.deadlines.get(day.date, 0),
            )
            for day in week
        ]
        for week in month.weeks
    ]


def _pictures(scope, rows, series, month) -> dict[str, str]:
    segments = [charts.Segment(s, Status(s).label, colour) for s, colour in SEGMENTS]
    return {
        "units_chart": charts.stacked_bars(
            [(r.name, r.statuses) for r in rows],
            segments,
            label=_("Completion by unit"),
        ),
        "burn_up": charts.burn_up(
            year=scope.year,
            due=series.due,
            completed=series.completed,
            today=scope.today,
            label=_("Completion over the year against the deadlines"),
        ),
        "calendar": charts.month_calendar(
            _month_cells(month), today=scope.today, label=_("Deadline calendar")
        ),
    }


@dataclass(frozen=True)
class Tile:
    key: str  # what it counts, e.g. "tasks.overdue" or "assignments.completed"
    label: StrOrPromise
    value: int
    url: str | None = None  # the filtered list the figure counts
    tone: str = ""


@dataclass(frozen=True)
class TileGroup:
    title: str
    tiles: list[Tile]


def _tiles(
    request: AuthenticatedRequest, scope: dashboard.Scope, totals: dashboard.Totals
) -> list[TileGroup]:
    """The headline figures. A unit's people drill into their assignment list; the office and
    leaders into the task list, which counts tasks (assignment totals have no list of theirs)."""
    groups = []
    if (tasks := dashboard.task_counts(scope)) is not None:
        task_link = scope.list_url
        groups.append(
            TileGroup(
                _("Tasks"),
                [
                    Tile("tasks", _("tasks"), tasks.total, task_link()),
                    *(
                        Tile(f"tasks.{s}", s.label, tasks.states[s], task_link(state=s))
                        for s in Task.State
                    ),
                    Tile(
                        "tasks.overdue",
                        _("overdue"),
                        tasks.overdue,
                        task_link(due=dashboard.OVERDUE),
                        "alert",
                    ),
                    Tile(
                        "tasks.due_soon",
                        _("due in 7 days"),
                        tasks.due_soon,
                        task_link(due=dashboard.DUE_SOON),
                        "warn",
                    ),
                ],
            )
        )

    def link(**filters: str) -> str | None:
        return None if scope.whole_department else scope.list_url(unit=None, **filters)

    groups.append(
        TileGroup(
            _("Assignments"),
            [
                Tile("assignments", _("assignments"), totals.assigned, link()),
                *(
                    Tile(f"assignments.{s}", s.label, totals.statuses[s], link(status=s))
                    for s in Status
                ),
                Tile(
                    "assignments.overdue",
                    _("overdue"),
                    totals.overdue,
                    link(due=dashboard.OVERDUE),
                    "alert",
                ),
                Tile(
                    "assignments.due_soon",
                    _("due in 7 days"),
                    totals.due_soon,
                    link(due=dashboard.DUE_SOON),
                    "warn",
                ),
            ],
        )
    )
    reminders = dashboard.reminder_counts(scope)
    follow_up = [
        Tile("reminders", _("reminders sent"), reminders.sent),
        Tile("escalations", _("escalations open"), reminders.escalations_open, tone="alert"),
    ]
    if (queue := dashboard.review_queue_length(request.user)) is not None:
        opens = permissions.reviews_submissions(request.user)
        url = reverse("tasks:review_queue") if opens else None
        follow_up.insert(0, Tile("review_queue", _("in the review queue"), queue, url))
    groups.append(TileGroup(_("Follow-up"), follow_up))
    return groups


@login_required
def dashboard_view(request: AuthenticatedRequest) -> HttpResponse:
    """Counts by state, due windows, units' standing and three pictures, for a year or a plan."""
    today = timezone.localdate()
    scope, plans = _scope(request, today)
    default_month = today if today.year == scope.year else datetime.date(scope.year, 1, 1)
    first = _date(request.GET.get("month") and f"{request.GET['month']}-01", default_month)
    if not 2000 <= first.year <= 2100:
        first = default_month
    rows = dashboard.unit_rows(scope)
    series = dashboard.series(scope)
    month = dashboard.month(scope, first.replace(day=1))
    table = UnitTable(rows, scope=scope)
    RequestConfig(request, paginate=False).configure(table)
    # The units table is kept under what it shows (core.rendering): its rows, its order (in
    # the path) and where its counts link to (the scope's plan or year, the whole department's
    # task list or the unit's own list); the overdue figures follow the date.
    units_key = rendering.fragment_key(
        request.get_full_path(),
        scope.year,
        scope.plan.pk if scope.plan else None,
        scope.whole_department,
        scope.today,
        rows,
    )
    return render(
        request,
        "reporting/dashboard.html",
        {
            "scope": scope,
            "plans": [p for p in plans if p.year == scope.year],
            "years": sorted({p.year for p in plans} | {scope.year, today.year}, reverse=True),
            "tiles": _tiles(request, scope, dashboard.Totals.of(rows)),
            "table": table,
            "units_key": units_key,
            "month": month,
            "below": department_choices(request.user)[1:],
            **_pictures(scope, rows, series, month),
        },
    )


def _brief(request: AuthenticatedRequest) -> dashboard.Brief:
    """The brief as of ?date= (today by default), of that date's year unless ?year= says."""
    date = _date(request.GET.get("date"), timezone.localdate())
    scope, _plans = _scope(request, date)
    return dashboard.progress_brief(scope)


@login_required
def brief_view(request: AuthenticatedRequest) -> HttpResponse:
    """The 通报 as one printable page."""
    return render(request, "reporting/brief.html", {"brief": _brief(request)})


@login_required
def brief_docx_view(request: AuthenticatedRequest) -> HttpResponse:
    brief = _brief(request)
    response = HttpResponse(
        brief_docx.render(brief),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = content_disposition_header(True, brief_docx.file_name(brief))
    return response
