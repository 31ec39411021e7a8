"""The office dashboard's figures, read in a fixed number of queries whatever the data's size.

Every figure is a GROUP BY or a conditional Count in the database; Python only adds up and
cumulates the grouped rows (one per unit or per date, never one per assignment). The due
windows and task states are the ones the task and assignment lists filter by
(``tasks.queries``), and the scope is the one those lists show, so every number agrees with
the list it links to.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core import holidays
from core.models import CalendarDay
from org.models import User
from plans.models import Plan
from tasks import permissions, queries
from tasks.models import Assignment, Reminder, Task

Status = Assignment.Status
OVERDUE, DUE_SOON = queries.DueWindow.OVERDUE, queries.DueWindow.DUE_SOON


@dataclass(frozen=True)
class Scope:
    """What a person's dashboard counts: the year's (or one plan's) assignments they may see.

    Office staff and leaders count their department's work and drill down into the task list;
    a unit's people count their unit's part and drill down into their assignment list, which
    shows exactly that.
    """

    user: User
    year: int
    plan: Plan | None
    today: datetime.date
    assignments: QuerySet[Assignment]
    tasks: QuerySet[Task] | None  # None: the person has no task list to drill down into

    @property
    def whole_department(self) -> bool:
        return self.tasks is not None

    def list_url(self, *, unit: int | None = None, **filters: str) -> str:
        """The filtered list a figure links to, scoped like the figure."""
        params: dict[str, object] = {"plan": self.plan.pk} if self.plan else {"year": self.year}
        if self.whole_department:
            name = "tasks:task_list"
            if unit is not None:
                params["unit"] = unit
            if "status" in filters:  # the task list filters by a unit's part's state
                filters["state"] = _STATE_OF_STATUS[filters.pop("status")]
        else:
            name = "tasks:assignment_list"
        return f"{reverse(name)}?{urlencode({**params, **filters})}"


_STATE_OF_STATUS: dict[str, str] = {
    Status.NOT_STARTED: Task.State.NOT_STARTED,
    Status.COMPLETED: Task.State.COMPLETED,
}


def scope_for(user: User, *, year: int, plan: Plan | None, today: datetime.date) -> Scope:
    # A superior's own department's: the departments below count their own.
    assignments = permissions.visible_assignments(user, overseen=False)
    tasks = None
    if permissions.sees_all_tasks(user):
        tasks = permissions.visible_tasks(user, overseen=False)
    elif user.unit_id:
        assignments = assignments.filter(unit=user.unit_id)
    if plan is not None:
        assignments = assignments.filter(task__plan=plan)
        tasks = tasks.filter(plan=plan) if tasks is not None else None
    else:
        assignments = assignments.filter(task__plan__year=year)
        tasks = tasks.filter(plan__year=year) if tasks is not None else None
    return Scope(user, plan.year if plan else year, plan, today, assignments, tasks)


# --- Counts ----------------------------------------------------------------------------------


@dataclass
class UnitRow:
    """One unit's assignments in the scope, by status and due window."""

    unit_id: int
    name: str
    statuses: dict[str, int]
    overdue: int
    due_soon: int
    on_time: int  # completed no later than the deadline

    @property
    def assigned(self) -> int:
        return sum(self.statuses.values())

    @property
    def completed(self) -> int:
        return self.statuses[Status.COMPLETED]

    @property
    def on_time_rate(self) -> float | None:
        """Completed on time, of the work that is done or should have been."""
        settled = self.completed + self.overdue
        return self.on_time / settled if settled else None


def unit_rows(scope: Scope) -> list[UnitRow]:
    """One query: assignments grouped by unit, every figure a conditional count."""
    by_status = {s: Count("pk", filter=Q(status=s)) for s in Status.values}
    rows = (
        scope.assignments.values("unit", "unit__name", "unit__short_name")
        .annotate(
            **{f"status_{s}": c for s, c in by_status.items()},
            overdue=Count("pk", filter=queries.due_condition(OVERDUE, scope.today)),
            due_soon=Count("pk", filter=queries.due_condition(DUE_SOON, scope.today)),
            # Nothing saves a completed assignment again, so its last change is its completion.
            on_time=Count(
                "pk", filter=Q(status=Status.COMPLETED, updated_at__date__lte=F("task__due_date"))
            ),
        )
        .order_by("unit__position", "unit__name")
    )
    return [
        UnitRow(
            unit_id=r["unit"],
            name=r["unit__short_name"] or r["unit__name"],
            # A key of the annotate(**...) above, which the stubs' row type does not list.
            statuses={s: r[f"status_{s}"] for s in Status.values},  # type: ignore[literal-required]
            overdue=r["overdue"],
            due_soon=r["due_soon"],
            on_time=r["on_time"],
        )
        for r in rows
    ]


@dataclass
class Totals:
    """The scope's assignments, added up from the unit rows (no further query)."""

    statuses: dict[str, int]
    overdue: int
    due_soon: int
    on_time: int

    @classmethod
    def of(cls, rows: list[UnitRow]) -> Totals:
        return cls(
            statuses={s: sum(r.statuses[s] for r in rows) for s in Status.values},
            overdue=sum(r.overdue for r in rows),
            due_soon=sum(r.due_soon for r in rows),
            on_time=sum(r.on_time for r in rows),
        )

    @property
    def assigned(self) -> int:
        return sum(self.statuses.values())

    @property
    def completed(self) -> int:
        return self.statuses[Status.COMPLETED]

    @property
    def completion_rate(self) -> float | None:
        return self.completed / self.assigned if self.assigned else None


@dataclass
class TaskCounts:
    total: int
    states: dict[str, int]
    overdue: int
    due_soon: int


def task_counts(scope: Scope) -> TaskCounts | None:
    """One query: tasks by derived state and due window, as the task list filters them.

    Each task's assignments are counted over a single join (so without DISTINCT), then the
    tasks are counted by those numbers.
    """
    if scope.tasks is None:
        return None
    per_task = scope.tasks.annotate(
        n=Count("assignments"),
        n_completed=Count("assignments", filter=Q(assignments__status=Status.COMPLETED)),
        n_started=Count("assignments", filter=~Q(assignments__status=Status.NOT_STARTED)),
        n_overdue=Count("assignments", filter=_due(OVERDUE, scope.today)),
        n_due_soon=Count("assignments", filter=_due(DUE_SOON, scope.today)),
    )
    counts = per_task.aggregate(
        total=Count("pk"),
        completed=Count("pk", filter=Q(n__gt=0, n_completed=F("n"))),
        not_started=Count("pk", filter=Q(n_started=0)),
        overdue=Count("pk", filter=Q(n_overdue__gt=0)),
        due_soon=Count("pk", filter=Q(n_due_soon__gt=0)),
    )
    states: dict[str, int] = {
        Task.State.NOT_STARTED: counts["not_started"],
        Task.State.IN_PROGRESS: counts["total"] - counts["not_started"] - counts["completed"],
        Task.State.COMPLETED: counts["completed"],
    }
    return TaskCounts(counts["total"], states, counts["overdue"], counts["due_soon"])


def _due(window: str, today: datetime.date) -> Q:
    return queries.due_condition(window, today, from_task=True)


@dataclass
class ReminderCounts:
    sent: int
    escalations_open: int  # assignments escalated and still not completed


def reminder_counts(scope: Scope) -> ReminderCounts:
    # Counted from the scope's assignments: a subquery over all reminders scans every year.
    counts = scope.assignments.aggregate(
        sent=Count("reminders"),
        escalations_open=Count(
            "pk",
            distinct=True,
            filter=Q(reminders__rule=Reminder.Rule.ESCALATE) & ~Q(status=Status.COMPLETED),
        ),
    )
    return ReminderCounts(**counts)


def review_queue_length(user: User) -> int | None:
    """Submissions waiting for the office: the review queue's own count (all plans)."""
    if not permissions.sees_all_tasks(user):
        return None
    mine = permissions.visible_assignments(user, overseen=False)
    return mine.filter(status=Status.SUBMITTED).count()


# --- Series for the charts -------------------------------------------------------------------


@dataclass
class Series:
    """Assignments due and completed per date, for the burn-up line."""

    due: dict[datetime.date, int] = field(default_factory=dict)
    completed: dict[datetime.date, int] = field(default_factory=dict)


def series(scope: Scope) -> Series:
    """Two queries: deadlines grouped by date, completions grouped by local date."""
    deadlines = (
        scope.assignments.values("task__due_date")
        .annotate(n=Count("pk"))
        .order_by("task__due_date")
    )
    completions = (
        scope.assignments.filter(status=Status.COMPLETED)
        .annotate(day=TruncDate("updated_at"))
        .values("day")
        .annotate(n=Count("pk"))
        .order_by("day")
    )
    return Series(
        due={row["task__due_date"]: row["n"] for row in deadlines},
        completed={row["day"]: row["n"] for row in completions},
    )


def deadlines_in(
    scope: Scope, first: datetime.date, last: datetime.date
) -> dict[datetime.date, int]:
    """Tasks due per day of the period (a unit's: its tasks, one assignment each)."""
    rows: QuerySet[Any, tuple[datetime.date]]
    if scope.tasks is not None:
        rows = scope.tasks.filter(due_date__range=(first, last)).values_list("due_date")
    else:
        rows = scope.assignments.filter(task__due_date__range=(first, last)).values_list(
            "task__due_date"
        )
    return dict(rows.annotate(n=Count("pk")).order_by())


@dataclass
class Day:
    date: datetime.date
    is_workday: bool
    name: str  # a holiday's or a make-up working day's (调休) name
    is_exception: bool  # differs from the Monday–Friday rule


@dataclass
class Month:
    first: datetime.date
    weeks: list[list[Day | None]]  # Monday first; None outside the month
    known: bool  # the year's holidays are known
    deadlines: dict[datetime.date, int]  # tasks due per day

    @property
    def previous(self) -> datetime.date:
        return (self.first - datetime.timedelta(days=1)).replace(day=1)

    @property
    def next(self) -> datetime.date:
        return (self.first + datetime.timedelta(days=32)).replace(day=1)


def month(scope: Scope, first: datetime.date) -> Month:
    """The month's days on the working-day calendar and the scope's deadlines in it (three
    queries once the year is seeded)."""
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    known = holidays.known_year(first.year) is not None
    # the national days, the department's own over them (reading writes nothing)
    exceptions = {d.date: d for d in holidays.national_days(first.year) if first <= d.date <= last}
    own = CalendarDay.objects.filter(date__range=(first, last), department=scope.user.department_id)
    exceptions |= {d.date: holidays.Day(d.date, d.is_workday, d.name) for d in own}
    weeks = []
    for week in calendar.Calendar().monthdatescalendar(first.year, first.month):
        row: list[Day | None] = []
        for day in week:
            exception = exceptions.get(day)
            row.append(
                None
                if day.month != first.month
                else Day(
                    date=day,
                    is_workday=exception.is_workday if exception else day.weekday() < 5,
                    name=exception.name if exception else "",
                    is_exception=exception is not None,
                )
            )
        weeks.append(row)
    return Month(first, weeks, known, deadlines_in(scope, first, last))


# --- The 通报 ---------------------------------------------------------------------------------


@dataclass
class BehindUnit:
    name: str
    row: UnitRow
    overdue: list[Assignment]

    @property
    def tasks_line(self) -> str:
        """The overdue tasks on one line with their deadlines, to keep the brief on a page."""
        return "；".join(f"{a.task}（{a.task.due_date:%m-%d}）" for a in self.overdue)


@dataclass
class Brief:
    """The monthly progress brief (通报) as of a date: totals and the units behind schedule."""

    scope: Scope
    totals: Totals
    tasks: TaskCounts | None
    behind: list[BehindUnit]

    @property
    def date(self) -> datetime.date:
        return self.scope.today

    @property
    def subject(self) -> str:
        return str(self.scope.plan) if self.scope.plan else str(self.scope.year)

    def summary(self) -> str:
        """The brief's opening sentence, the same on the page and in the .docx."""
        totals, rate = self.totals, self.totals.completion_rate
        text = _(
            "As of {date}: {assigned} assignments, {completed} completed ({rate}), "
            "{in_review} awaiting review, {overdue} overdue; {behind} units behind schedule."
        ).format(
            date=date_format(self.date, "Y-m-d"),
            assigned=totals.assigned,
            completed=totals.completed,
            rate=f"{rate:.0%}" if rate is not None else "—",
            in_review=totals.statuses[Status.SUBMITTED],
            overdue=totals.overdue,
            behind=len(self.behind),
        )
        if self.tasks is not None:
            text += " " + _("{completed} of {total} tasks are complete.").format(
                completed=self.tasks.states[Task.State.COMPLETED], total=self.tasks.total
            )
        return text


def progress_brief(scope: Scope) -> Brief:
    """Statuses are today's; deadlines are counted against the brief's date."""
    rows = unit_rows(scope)
    late = (
        queries.assignments_due(scope.assignments, OVERDUE, scope.today)
        .select_related("task", "unit")
        .order_by("unit__position", "unit__name", "task__due_date", "task__position")
    )
    overdue_of: dict[int, list[Assignment]] = {}
    for assignment in late:
        overdue_of.setdefault(assignment.unit_id, []).append(assignment)
    behind = [BehindUnit(r.name, r, overdue_of[r.unit_id]) for r in rows if r.overdue]
    behind.sort(key=lambda b: -b.row.overdue)
    return Brief(scope, Totals.of(rows), task_counts(scope), behind)
