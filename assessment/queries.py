"""A year's scores, counted from one query whatever the number of units or departments (no
query per unit), and the items behind one unit's or department's deductions.

The period ends on 31 December of the year, or today while the year runs: open work due today
or later is not yet counted against anyone, and overdue working days stop at the year's end.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from core.holidays import calendar_for
from core.workdays import Calendar, Due, due_on
from org.models import Department, Unit
from plans.models import Plan
from reporting.content import ERROR, WARNING
from reporting.deadlines import report_deadlines
from reporting.models import ReportDraft
from tasks.models import Assignment, EvidenceFile, EvidenceLink, ProgressUpdate

from .catalogue import Kind, Scope, defaults
from .models import Indicator, Scheme
from .naming import assignment_name
from .scoring import Score, Tally, rank

Status = Assignment.Status
# The checks' results that cost a department points (an "info" finding does not).
COUNTED_FINDINGS = (ERROR, WARNING)
UNIT = "unit"
DEPARTMENT = "task__plan__department"


@dataclass
class Ranking:
    """The scores of a year under a department's scheme (``scheme`` None: the catalogue's
    default, not yet saved by the office)."""

    department: Department
    year: int
    scope: str
    scheme: Scheme | None
    indicators: list[Indicator]
    read_on: datetime.date  # the day the scores were read: today, or the ``as_of`` asked for
    scores: list[Score]

    @property
    def period_end(self) -> datetime.date:
        return period_end(self.year, self.read_on)

    @property
    def ranked(self) -> list[Score]:
        return [s for s in self.scores if s.rank is not None]

    @property
    def rows(self) -> list[tuple[Score, list[tuple[Indicator, Decimal]]]]:
        """Each score with its points beside their indicators, for the page's labelled cells."""
        return [(s, list(zip(self.indicators, s.points, strict=True))) for s in self.scores]


def indicators_of(department: Department, year: int, scope: str) -> tuple[Scheme | None, list]:
    """The department's scheme for the year and its indicators, or the catalogue's default
    indicators (unsaved) while the office has not saved one."""
    scheme = Scheme.objects.filter(department=department, year=year, scope=scope).first()
    if scheme is not None:
        return scheme, list(scheme.indicators.all())
    return None, [
        Indicator(kind=kind, points=points, per_item=per_item, position=i)
        for i, (kind, points, per_item) in enumerate(defaults(scope))
    ]


def period_end(year: int, as_of: datetime.date | None = None) -> datetime.date:
    return min(as_of or timezone.localdate(), datetime.date(year, 12, 31))


def deadline_passed(due: datetime.date, read_on: datetime.date) -> bool:
    """Whether open work due on ``due`` counts against whoever holds it, read on ``read_on``:
    once its deadline day is over, not on that day (it may still be done in time). Read after
    the year, all of the year's work has passed it, that due on 31 December too (the day the
    period ends). ``_counted`` says the same in SQL."""
    return due < read_on


def _counted(read_on: datetime.date) -> Q:
    """The work ``tallies`` considers, for a breakdown's lists: completed, or open past its
    deadline (``deadline_passed``)."""
    return Q(status=Status.COMPLETED) | Q(task__due_date__lt=read_on)


def scored_units(department_id: int | None) -> QuerySet[Unit]:
    """The units a department ranks: its sections and schools. Not the units standing for the
    departments below it (「区教育局」 in the district office's plan): their assignments carry
    no evidence of their own and take their dates from the department's rolled-up work, which
    ``department_scores`` scores as that department's."""
    return Unit.objects.filter(department=department_id, represents=None)


def year_assignments(department_ids: Iterable[int], year: int) -> QuerySet[Assignment]:
    """The assignments of the departments' issued (or closed) plans of the year, but not of a
    task the office closed (its work was called off, nobody is scored on it)."""
    return Assignment.objects.filter(
        task__plan__department__in=list(department_ids),
        task__plan__year=year,
        task__plan__status__in=[Plan.Status.ISSUED, Plan.Status.CLOSED],
        task__closed_reason="",
    )


def _day_of(status: str) -> Subquery:
    """The local date of the assignment's latest update that moved it to ``status``."""
    updates = ProgressUpdate.objects.filter(assignment=OuterRef("pk"), status=status)
    latest = updates.order_by("-created_at", "-pk").annotate(day=TruncDate("created_at"))
    return Subquery(latest.values("day")[:1])


def with_dates(assignments: QuerySet[Assignment]) -> QuerySet[Assignment]:
    """Annotated with ``done_on`` (a completed assignment's last submission, or its sign-off
    where the office completed it without one: a unit is not late for the office's review)
    and ``evidenced`` (a file or a link in any of its updates)."""
    files, links = _evidence()
    return assignments.annotate(done_on=_done_on(), evidenced=Exists(files) | Exists(links))


def _done_on() -> Coalesce:
    return Coalesce(_day_of(Status.SUBMITTED), _day_of(Status.COMPLETED))


def _evidence() -> tuple[QuerySet[EvidenceFile], QuerySet[EvidenceLink]]:
    """The files and the links of the assignment's updates."""
    files = EvidenceFile.objects.filter(update__assignment=OuterRef("pk"))
    return files, EvidenceLink.objects.filter(update__assignment=OuterRef("pk"))


def _on_time() -> Q:
    """For a breakdown's lists (``tallies`` counts the same in Python)."""
    return Q(status=Status.COMPLETED, done_on__lte=F("task__due_date"))


def overdue_days(
    calendar: Calendar, due: datetime.date, done_on: datetime.date | None, end: datetime.date
) -> int:
    """Working days from the deadline to the work's completion, or to the period's end."""
    stop = min(done_on or end, end)
    due_state = due_on(calendar, due, stop)
    return due_state.days if due_state.state == Due.OVERDUE else 0


def tallies(
    department_ids: Iterable[int],
    year: int,
    *,
    by: str,
    read_on: datetime.date,
    calendar: Calendar,
) -> dict[int, Tally]:
    """Tallies by unit (``by=UNIT``) or by department (``by=DEPARTMENT``), read on ``read_on``:
    one query, a row per assignment with its dates and returns, counted here. Three GROUP BYs
    over the same subqueries cost twice this query, and building them was most of a unit
    ranking's time; a WHERE on ``done_on`` let PostgreSQL run the subqueries on every
    department's work before joining the plans."""
    end = period_end(year, read_on)
    work = year_assignments(department_ids, year)
    if by == UNIT:
        work = work.filter(unit__represents=None)  # the units ranked (``scored_units``)
    returned = ProgressUpdate.objects.filter(assignment=OuterRef("pk"), status=Status.RETURNED)
    returns = returned.order_by().values("assignment").annotate(n=Count("pk")).values("n")
    # A file's or a link's id, not EXISTS: PostgreSQL may hash an EXISTS in the SELECT list
    # over every update of every department (40 ms for one department's rows).
    files, links = _evidence()
    rows = (
        work.annotate(
            done_on=_done_on(),
            a_file=Subquery(files.values("pk")[:1]),
            a_link=Subquery(links.values("pk")[:1]),
            returns=Coalesce(Subquery(returns), 0),
        )
        .order_by()
        .values_list(by, "status", "task__due_date", "done_on", "a_file", "a_link", "returns")
    )
    found: dict[int, Tally] = {}
    for key, status, due, done_on, a_file, a_link, n_returned in rows:
        evidenced = a_file is not None or a_link is not None
        tally = found.setdefault(key, Tally())
        done = status == Status.COMPLETED
        passed = deadline_passed(due, read_on)
        tally.considered += done or passed
        tally.returns += n_returned
        if done:
            tally.completed += 1
            tally.evidenced += evidenced
            on_time = done_on is not None and done_on <= due
            tally.on_time += on_time
            late = done_on is not None and not on_time
        else:
            late = passed
        if late:
            tally.overdue_days += overdue_days(calendar, due, done_on, end)
    return found


def _reports(deadlines: dict[int, datetime.date], year: int) -> dict[int, tuple[bool, int]]:
    """Each department's annual report of the year: (final by its deadline, counted findings)."""
    found = {}
    rows = ReportDraft.objects.filter(department__in=list(deadlines), year=year)
    for department, status, finalised_at, checks in rows.values_list(
        "department", "status", "finalised_at", "checks"
    ):
        final = (
            status == ReportDraft.Status.FINAL
            and finalised_at is not None
            and timezone.localdate(finalised_at) <= deadlines[department]
        )
        found[department] = (final, len(failed_findings(checks)))
    return found


def failed_findings(checks: list[dict]) -> list[dict]:
    return [c for c in checks if not c.get("ok") and c.get("severity") in COUNTED_FINDINGS]


def _ranking(
    department: Department,
    year: int,
    scope: str,
    subjects: list[tuple[int, str]],
    counted: dict[int, Tally],
    read_on: datetime.date,
    ranked: Callable[[Score], bool],
) -> Ranking:
    scheme, indicators = indicators_of(department, year, scope)
    scores = [Score(pk, name, counted.get(pk, Tally())) for pk, name in subjects]
    scored = rank(scores, indicators, ranked=ranked)
    return Ranking(department, year, scope, scheme, indicators, read_on, scored)


def unit_scores(
    department: Department, year: int, *, as_of: datetime.date | None = None
) -> Ranking:
    """Every unit of the department for the year, under the department's unit scheme. A unit
    with nothing due is listed but not ranked."""
    read_on = as_of or timezone.localdate()
    calendar = calendar_for(year, department=department.pk)
    counted = tallies([department.pk], year, by=UNIT, read_on=read_on, calendar=calendar)
    units = scored_units(department.pk).values_list("pk", "short_name", "name")
    subjects = [(pk, short or name) for pk, short, name in units]
    return _ranking(
        department, year, Scope.UNITS, subjects, counted, read_on, lambda s: s.tally.considered > 0
    )


def department_scores(
    superior: Department,
    department_ids: Iterable[int],
    year: int,
    *,
    as_of: datetime.date | None = None,
) -> Ranking:
    """Every given department (those below ``superior``) for the year, under the superior's
    department scheme: their assignments taken together, and their annual reports. A
    department with nothing due yet (no assignment, the report not yet due) is listed but not
    ranked, as units are."""
    ids = list(department_ids)
    read_on = as_of or timezone.localdate()
    counted = tallies(ids, year, by=DEPARTMENT, read_on=read_on, calendar=calendar_for(year))
    deadlines = report_deadlines(ids, year)
    for pk, (final, findings) in _reports(deadlines, year).items():
        tally = counted.setdefault(pk, Tally())
        tally.report_final, tally.findings = final, findings
    # Judged once its deadline has passed on the day the scores are read, not at the period's
    # end (31 December at the latest): the report about a year is due after the year.
    for pk, deadline in deadlines.items():
        tally = counted.setdefault(pk, Tally())
        tally.report_deadline, tally.report_due = deadline, read_on > deadline
    subjects = list(Department.objects.filter(pk__in=ids).values_list("pk", "name"))
    return _ranking(superior, year, Scope.DEPARTMENTS, subjects, counted, read_on, _has_work_due)


def _has_work_due(score: Score) -> bool:
    """A department is ranked once something was due: an assignment, or its annual report."""
    return score.tally.considered > 0 or score.tally.report_due


# --- What lies behind one row's points ---------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """A record behind a deduction or a missed point: what, when, where to see it."""

    text: str
    url: str
    note: str = ""


@dataclass
class Breakdown:
    ranking: Ranking
    score: Score
    items: dict[str, list[Item]] = field(default_factory=dict)  # by indicator kind

    @property
    def lines(self) -> list[tuple[Indicator, Decimal, list[Item]]]:
        """(indicator, its points, the items behind them) in the scheme's order."""
        return [
            (indicator, points, self.items.get(indicator.kind, []))
            for indicator, points in zip(self.ranking.indicators, self.score.points, strict=True)
        ]


def _assignment_items(
    assignments: QuerySet[Assignment], ranking: Ranking, calendar: Calendar
) -> dict[str, list[Item]]:
    """The items behind each indicator's lost points, and only those: work counted but not
    done by its deadline for the on-time rate (submitted in time but not yet signed off
    included: it is not yet on time), work at least one working day overdue for the overdue
    days, completed work without a file or a link for the evidence."""
    dated = with_dates(assignments).select_related("task", "unit").order_by("task__due_date")
    end = ranking.period_end
    # counted as ``tallies``' ``considered``, and not on time
    missed = _counted(ranking.read_on) & ~_on_time()
    late, overdue, bare = [], [], []
    for a in dated.filter(missed):
        days = overdue_days(calendar, a.task.due_date, a.done_on, end)  # type: ignore[attr-defined]
        if days and a.status == Status.COMPLETED:
            note = _("deadline {due}, done {done}: {days} working days late")
        elif days:
            note = _("deadline {due}, {status}: {days} working days overdue")
        elif a.done_on:  # type: ignore[attr-defined]
            note = _("deadline {due}, submitted {done}, not yet signed off")
        else:
            note = _("deadline {due}, {status}: not done")
        note = note.format(
            due=a.task.due_date,
            done=a.done_on,  # type: ignore[attr-defined]
            status=a.get_status_display(),
            days=days,
        )
        item = Item(assignment_name(a), a.get_absolute_url(), note)
        late.append(item)
        if days:
            overdue.append(item)
    for a in dated.filter(Q(status=Status.COMPLETED) & Q(evidenced=False)):
        bare.append(Item(assignment_name(a), a.get_absolute_url(), _("no file or link")))
    returns = (
        ProgressUpdate.objects.filter(
            assignment__in=assignments.values("pk"), status=Status.RETURNED
        )
        .select_related("assignment__task", "assignment__unit")
        .order_by("created_at")
    )
    returned = [
        Item(
            assignment_name(r.assignment),
            r.assignment.get_absolute_url(),
            _("returned {date}: {why}").format(
                date=timezone.localdate(r.created_at), why=r.text or "—"
            ),
        )
        for r in returns
    ]
    return {
        Kind.ON_TIME: late,
        Kind.OVERDUE_DAYS: overdue,
        Kind.EVIDENCE: bare,
        Kind.RETURNS: returned,
    }


def _score_of(ranking: Ranking, pk: int) -> Score:
    return next(s for s in ranking.scores if s.pk == pk)


def unit_breakdown(unit: Unit, year: int, *, as_of: datetime.date | None = None) -> Breakdown:
    ranking = unit_scores(unit.department, year, as_of=as_of)
    calendar = calendar_for(year, department=unit.department_id)
    assignments = year_assignments([unit.department_id], year).filter(unit=unit)
    items = _assignment_items(assignments, ranking, calendar)
    return Breakdown(ranking, _score_of(ranking, unit.pk), items)


def department_breakdown(
    superior: Department,
    department_ids: Iterable[int],
    department: Department,
    year: int,
    *,
    as_of: datetime.date | None = None,
) -> Breakdown:
    ranking = department_scores(superior, department_ids, year, as_of=as_of)
    assignments = year_assignments([department.pk], year)
    items = _assignment_items(assignments, ranking, calendar_for(year))
    draft = ReportDraft.objects.filter(department=department, year=year).first()
    if draft is None:
        items[Kind.REPORT_FINAL] = [Item(_("No annual report draft for the year."), "")]
    else:
        url = draft.get_absolute_url()
        if draft.status == ReportDraft.Status.FINAL and draft.finalised_at:
            state = _("final since {date}").format(date=timezone.localdate(draft.finalised_at))
        else:
            state = draft.get_status_display()
        items[Kind.REPORT_FINAL] = [Item(str(draft), url, str(state))]
        items[Kind.FINDINGS] = [
            Item(f"{c['rule']} {c['message']}", url) for c in failed_findings(draft.checks)
        ]
    return Breakdown(ranking, _score_of(ranking, department.pk), items)
